/**
 * One incident at full fidelity: a fresh World of the design runs into its healthy steady
 * state (`warmup` plus a random phase of up to `PHASE_JITTER`, so periodic timers meet the
 * failure at any point of their cycle), then the incident's component changes are applied to
 * it with their drawn relative timing, and the protocol (detection, election, fencing,
 * routing, replication) does whatever the design does. Clients submit orders throughout; the
 * history then gives the incident's outages, lost acknowledged orders and split brain, with
 * the same metrics code as `hasim run`. For a design that serves in scopes the downtime is
 * each scope's outage time weighted by its share of the orders, as the ideal weights its
 * structure (structure.ts `scopes`).
 *
 * Fast-forward inside an incident. When two consecutive changes are further apart than
 * `settle` (a server down for 10 h), only `settle` of that gap is simulated: by then the
 * protocol has reacted and the system sits in a steady degraded state (serving from the
 * survivor, or down) that only heartbeats and orders disturb, and that stays as it is until
 * the next change. The remaining gap - settle is added to the outage in progress at that
 * point, if any. So a 10-hour repair costs `settle` of simulation, and is still counted whole.
 * (Approximation: losses that grow with the length of a degraded period, e.g. orders a lone
 * primary acks before its own disk fails, are counted over the simulated `settle` only.)
 * An outage open across a skipped gap while the structure is up says the protocol had not
 * recovered by then (`downThroughFastForward`): real (a client that never re-resolves) or a
 * `settle` shorter than the design's failover; the report counts such incidents.
 *
 *   warmup+phase | change 0 | min(gap, settle) | change 1 | ... | change k | settle | drain
 *                ^ t0                                                                ^ clients stop
 */
import { computeMetrics, type OutageMetrics } from '../metrics/index.ts';
import { buildRun } from '../run/run.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import { DEFAULT_WORKLOAD, type Workload } from '../world/client.ts';
import type { Design, ParamValues } from '../world/design.ts';
import type { Incident } from './components.ts';
import { IncidentFaults } from './incident-faults.ts';
import type { Plant } from './plant.ts';

export interface IncidentOutcome {
  /** Seconds the clients saw the service down, fast-forwarded gaps included, weighted by the share of orders affected (scopes). */
  downtimeSeconds: number;
  /** Each service-wide outage's length in seconds (its RTO; down or degraded), in order. */
  outageSeconds: number[];
  /** Acked orders missing from the authoritative log, at the simulated order rate. */
  lostAcked: number;
  rpoMs: number;
  /** Effective split brain: how long the stray primary acted (see check/primary-intervals.ts)... */
  splitBrainMs: number;
  /** ...and in how many pairs of primaries (a stray side acting at one instant counts, at 0 ms). */
  splitBrainPairs: number;
  splitBrainBeliefMs: number;
  falseFailovers: number;
  /** The service was still down `settle` after the last repair. */
  unrecovered: boolean;
  /**
   * An outage was still open when a fast-forward began while every node the structure needs was
   * up: the protocol had not recovered within `settle`, and the skipped time was charged to it
   * (clients that never follow a failover, or a design slower than its `settle`).
   */
  downThroughFastForward: boolean;
  /** The design threw or looped: the incident counts as its structural downtime only. */
  modelError?: string;
  events: number;
}

export interface IncidentSimOptions {
  design: Design;
  params: ParamValues;
  plant: Plant;
  warmup: Micros;
  settle: Micros;
  /** Orders per second in incident simulations (all clients together). */
  ordersPerSecond: number;
  /** The rest of the workload (clients, timeout, attempts, retry, arrivals). */
  workload?: Partial<Workload>;
  maxEvents?: number;
}

/** Random extra warm-up, so an incident meets periodic timers at a random phase. */
export const PHASE_JITTER: Micros = 5 * SECOND;
const DRAIN: Micros = 2 * SECOND;

export function simulateIncident(incident: Incident, seed: number, options: IncidentSimOptions): IncidentOutcome {
  const { plant, settle } = options;
  const workload: Workload = { ...DEFAULT_WORKLOAD, ...options.workload, ordersPerSecond: options.ordersPerSecond };
  const maxEvents = options.maxEvents ?? 5_000_000;
  const run = buildRun({ design: options.design, params: options.params, seed, workload, maxEvents, budgetNote: options.maxEvents === undefined ? 'the default of an incident simulation; raise it with --max-events <n>' : 'set by --max-events; raise it with --max-events <n>' });
  const { sim, world } = run;
  // the design starts up first; every instant below counts from the end of its boot
  const booted = run.boot();
  const origin = world.origin;
  const t0 = options.warmup + Math.floor(sim.rng('estimate:phase').float() * PHASE_JITTER);

  // the change points on the simulated clock, with the fast-forwarded time at each
  const at: Micros[] = [];
  const skipped: Micros[] = [];
  let previous = 0;
  let clock = t0;
  incident.offsets.forEach((offset, c) => {
    const gap = Math.round((offset - previous) * SECOND);
    previous = offset;
    clock += c === 0 ? 0 : Math.min(gap, settle);
    at.push(clock);
    skipped.push(c === 0 ? 0 : Math.max(0, gap - settle));
  });
  const structureUpAfter = structureUpAfterEachChange(incident, plant);
  const settleEndAt = clock + settle;
  const endAt = settleEndAt + DRAIN;
  const faults = new IncidentFaults(world, plant);
  incident.elements.forEach((element, c) => {
    const endsAt = repairTime(incident, c, at) ?? settleEndAt;
    sim.at(origin + at[c], () => faults.apply(c, element, incident.downs[c], origin + endsAt));
  });
  sim.at(origin + settleEndAt, () => world.stopClients());

  if (booted === 'served') run.step(origin + endAt);
  const { history, modelError, events } = run.finish({ healAt: clock, settleEndAt, endAt });
  const metrics = computeMetrics(history);
  const windowStart = t0 - workload.timeout;
  /** An outage's length in this incident, fast-forwarded gaps included; undefined: a warm-up hiccup, not this incident's. */
  const lengthOf = (o: OutageMetrics): Micros | undefined => {
    const start = o.startMs * 1000;
    const end = o.endMs * 1000;
    if (end <= windowStart) return undefined;
    let length = end - Math.max(start, windowStart);
    at.forEach((time, c) => {
      if (!(start < time && (end >= time || o.open))) return;
      length += skipped[c];
      if (skipped[c] > 0 && structureUpAfter[c - 1]) downThroughFastForward = true;
    });
    return length;
  };
  const outageSeconds: number[] = [];
  let downtime = 0;
  let unrecovered = false;
  let downThroughFastForward = false;
  for (const o of metrics.outages) {
    const length = lengthOf(o);
    if (length === undefined) continue;
    outageSeconds.push(length / SECOND);
    if (!metrics.scopes) downtime += length;
    if (o.open) unrecovered = true;
  }
  // a design that serves in scopes: each scope's outages weighted by its share of the orders
  for (const scope of Object.values(metrics.scopes ?? {})) {
    for (const o of scope.outages) downtime += scope.share * (lengthOf(o) ?? 0);
  }
  return {
    downtimeSeconds: downtime / SECOND,
    outageSeconds,
    lostAcked: metrics.lostAcked,
    rpoMs: metrics.rpoMs,
    splitBrainMs: metrics.splitBrainMs.effective,
    splitBrainPairs: metrics.splitBrainMs.effectivePairs,
    splitBrainBeliefMs: metrics.splitBrainMs.belief,
    falseFailovers: metrics.falseFailovers,
    unrecovered,
    downThroughFastForward,
    ...(modelError ? { modelError: modelError.detail } : booted === 'never' ? { modelError: 'the design never served during boot' } : {}),
    events,
  };
}

/** Per change, whether every node the structure needs is up once it is applied (its share up is 1). */
function structureUpAfterEachChange(incident: Incident, plant: Plant): boolean[] {
  const perNode = plant.nodeComponents.length;
  const nodeElements = plant.nodes.length * perNode;
  const downs = new Int32Array(plant.nodes.length);
  return incident.elements.map((element, c) => {
    const step = incident.downs[c] ? 1 : -1;
    if (element < nodeElements) downs[Math.floor(element / perNode)] += step;
    else {
      const mask = plant.shared[element - nodeElements].mask;
      for (let i = 0; i < downs.length; i++) if (mask & (1 << i)) downs[i] += step;
    }
    let upMask = 0;
    for (let i = 0; i < downs.length; i++) if (downs[i] === 0) upMask |= 1 << i;
    return plant.table[upMask] === 1;
  });
}

/** When the element that change `c` takes down comes back (its next change), if it does. */
function repairTime(incident: Incident, c: number, at: readonly Micros[]): Micros | undefined {
  if (!incident.downs[c]) return undefined;
  for (let next = c + 1; next < incident.elements.length; next++) {
    if (incident.elements[next] === incident.elements[c]) return at[next];
  }
  return undefined;
}
