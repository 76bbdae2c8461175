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
 * Losses that grow with the length of a degraded period (orders a lone primary acks before its
 * own disk fails) are extrapolated the same way: the skipped stretch is the same steady state
 * as the end of the simulated part of its gap, so it loses acked orders at the rate that steady
 * part did (`extrapolatedLoss`). The rate is read away from both ends of that part: after half
 * of it (the protocol has reacted) and until a quarter of it before the change (what a change
 * loses by itself, an asynchronous replica's last milliseconds, does not scale with the gap).
 * Counted over the simulated time only, hot-standby-stonith's `b.server- L a.disk-` lost a
 * settle's worth of orders instead of everything a acked alone. (Still approximated: losses
 * after the last change are counted over its settle, e.g. dns-failover's failback, where the
 * two primaries' logs diverge until an operator reconciles them.)
 * Recovery slower than `settle`: if the clients still see the service down after `settle`
 * while every node the structure needs is up, the protocol is still working on it (slow
 * detection, a Sentinel failover retried after its timeout, a DNS cache), so the simulation
 * goes on in steps of `settle` until the service is back, the next change comes, or
 * `RECOVERY_CAP` (15 min) of that gap has been simulated. A slow but real recovery is so
 * charged its own length, not the repair's. An outage still open across a skipped gap while
 * the structure is up says the protocol did not recover within the cap
 * (`downThroughFastForward`): real (a client that never re-resolves, a design that needs an
 * operator) or a bug; the report counts such incidents. Down with the structure down (a shard
 * whose server and spare are both out) is what the structure predicts, not flagged.
 *
 * The settle after the last change ends early once the design is steady again (`QUIET_SHARE`).
 * The settle before a long gap (the next change more than `settle` away) ends early too, once
 * the design has been steady for its declared longest silent reaction (`silentReaction`, a
 * bound the design cites from its timers): with no control event for that long, the service up
 * and every node it has up running, no reaction of the design is still pending, and what
 * follows is the steady state the fast-forward skips. The next change then comes as it would
 * after the whole settle. Without the declaration such a settle cannot be cut: a design may
 * react silently for longer than any generic quiet time (dr-site's runbook, `QUIET_SHARE`).
 *
 *   warmup+phase | change 0 | min(gap, settle[+recovery]) | change 1 | ... | change k | settle[+recovery], or until quiet | drain
 *                ^ t0                                                                ^ clients stop
 */
import { lostAcks, type LostAck } from '../check/no-lost-ack.ts';
import { computeMetrics, type OutageMetrics } from '../metrics/index.ts';
import { buildRun, type FinishedRun, type Run } from '../run/run.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import { DEFAULT_WORKLOAD, type Workload } from '../world/client.ts';
import type { Design, ParamValues } from '../world/design.ts';
import type { Incident } from './components.ts';
import { IncidentFaults } from './incident-faults.ts';
import type { Plant } from './plant.ts';
import type { HistoryEvent } from '../history/history.ts';
import { isOrderTraffic } from '../history/traffic.ts';
import type { World } from '../world/world.ts';

export interface IncidentOutcome {
  /** Seconds the clients saw the service down, fast-forwarded gaps included, weighted by the share of orders affected (scopes). */
  downtimeSeconds: number;
  /** Each service-wide outage's length in seconds (its RTO; down or degraded), in order. */
  outageSeconds: number[];
  /** Acked orders missing from the authoritative log, at the simulated order rate, skipped stretches included (`extrapolatedLoss`). */
  lostAcked: number;
  /** The span of the lost acks' times, skipped stretches they cover included. */
  rpoMs: number;
  /** Effective split brain: how long the stray primary acted (see check/primary-intervals.ts)... */
  splitBrainMs: number;
  /** ...and in how many pairs of primaries (a stray side acting at one instant counts, at 0 ms). */
  splitBrainPairs: number;
  splitBrainBeliefMs: number;
  falseFailovers: number;
  /** The service was still down at the end of the incident (`settle` after the last change, or `RECOVERY_CAP` when the structure was up). */
  unrecovered: boolean;
  /**
   * An outage was still open when a fast-forward began while every node the structure needs was
   * up: the protocol had not recovered within `RECOVERY_CAP` (or the design's `settle`, if longer),
   * and the skipped time was charged to it (clients that never follow a failover, a design that
   * needs an operator, or a bug).
   */
  downThroughFastForward: boolean;
  /**
   * Acked orders were still being lost in the steady part of the incident's last settle (see
   * `stillLosing`): the design did not return to a healthy state by itself (two primaries whose
   * logs diverge until an operator reconciles them), so the incident's lost orders, counted up
   * to its end, are a lower bound.
   */
  stillLosing: boolean;
  /** The design threw or looped: the incident counts as its structural downtime only. */
  modelError?: string;
  events: number;
  /** The simulation's trace hash (what `hasim estimate-replay` checks a replay against). */
  traceHash: string;
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
  /** End the settle after the last change once the design is steady again (`QUIET_SHARE`; default true). false: always `settle`. */
  quietEnd?: boolean;
  /**
   * The design's longest silent reaction (`EstimateDeclaration.silentReaction`): a long gap's
   * settle ends once this much has passed quietly (`steady`). Undeclared: every gap gets its
   * whole settle.
   */
  silentReaction?: Micros;
  /** Called with the finished run (its world, history and trace hash) before the outcome is worked out: `hasim estimate-replay` prints it. */
  onFinished?: (run: Run, finished: FinishedRun) => void;
}

/** Random extra warm-up, so an incident meets periodic timers at a random phase. */
export const PHASE_JITTER: Micros = 5 * SECOND;
const DRAIN: Micros = 2 * SECOND;
/**
 * How long an incident simulation keeps running, after a change that leaves every node the
 * design needs up, while the clients still see the service down: 15 min of simulated time.
 * The slowest automatic recoveries of the modelled real systems fit in it: a Redis Sentinel
 * failover that times out and is retried (failover-timeout 180 s, sentinel.conf), a DNS client
 * waiting out an NXDOMAIN cache (SOA minimum, 900 s on Route 53), Pacemaker's stonith-timeout
 * (60 s) and Patroni's ttl (30 s) many times over. A service still down after it is taken not
 * to recover by itself: the rest of the gap is charged to it and flagged
 * (`downThroughFastForward`). Only incidents that are down with the structure up pay for it,
 * in steps of `settle`, so a healthy failover costs nothing more.
 */
export const RECOVERY_CAP: Micros = 15 * 60 * SECOND;
/**
 * The quiet-end rule. The settle after an incident's last change (every component is up again)
 * ends early, at the first check from `QUIET_SHARE * settle` after the change on, once the
 * design is steady again: the clients see the service up, no control event (role, node state,
 * fencing, VIP, DNS, load balancer, fault, note; not a recorded probe, which a design may fire
 * per order) was recorded for the last `QUIET_SHARE * settle`, and every node is running (a
 * repaired server still booting is not steady). What is cut is the protocol's quiet tail:
 * heartbeats and orders after a GC pause nobody noticed, or after a rejoin has settled. Acked
 * orders a design still loses there (dns-failover's failback) are extrapolated over the cut
 * part like a skipped gap's (`extrapolatedLoss`), so the losses after the last change stay a
 * settle's worth. Earlier gaps are not cut: a design may react to a change silently for longer
 * than the quiet time (dr-site's DR runbook: 31 s of silence, then a promotion 30 s later), and
 * the next change would then meet that reaction half done, in a different order than for real
 * (test/estimate/quiet-end.test.ts). After the last change nothing follows that a cut could
 * reorder; what it could miss is a reaction still due after `QUIET_SHARE * settle` of silence,
 * and the estimates of every bundled design are unchanged by it (the commit's figures).
 */
export const QUIET_SHARE = 0.5;
/** How often (per `settle`) the quiet-end rule is checked once the quiet time has passed. */
const QUIET_CHECKS = 12;

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

  const { structureUpAfter, nodesUpAfter } = afterEachChange(incident, plant);
  const faults = new IncidentFaults(world, plant);
  const probe = new ServiceProbe(world, plant.nodes, workload.timeout);
  const quiet = options.quietEnd === false ? settle : Math.round(settle * QUIET_SHARE);
  const quietStep = Math.max(1, Math.round(settle / QUIET_CHECKS));
  const count = incident.elements.length;
  /** The real gap before each change (0 before the first). */
  const gaps = incident.offsets.map((offset, c) => (c === 0 ? 0 : Math.round((offset - incident.offsets[c - 1]) * SECOND)));
  // the change points on the simulated clock, with the fast-forwarded time at each; worked out
  // as the run goes, since how long a gap is simulated depends on whether the service recovered
  const at: Micros[] = [];
  const skipped: Micros[] = [0];
  let clock = t0;
  let running = booted === 'served';
  for (let c = 0; c < count; c++) {
    at.push(clock);
    const element = incident.elements[c];
    // when the element comes back if the rest of the incident took no extra time (only a
    // gradual fault's ramp reads it; the heal itself is the element's own up change)
    const endsAt = nominalRepairTime(incident, c, clock, gaps, settle);
    sim.at(origin + clock, () => faults.apply(c, element, incident.downs[c], origin + endsAt));
    const last = c + 1 === count;
    const gap = last ? Infinity : gaps[c + 1];
    const full = Math.min(gap, settle);
    // the protocol's reaction, up to `settle`; after the last change, ended as soon as the
    // design is steady again (the quiet-end rule); before a long gap, once the design's longest
    // silent reaction has passed quietly (the silent-reaction rule)
    const quietFor = last ? quiet : gap > settle && options.silentReaction !== undefined ? options.silentReaction : full;
    let simulated = Math.min(full, quietFor);
    if (running) running = run.step(origin + clock + simulated);
    while (running && simulated < full && !probe.steady(sim.now, quietFor, nodesUpAfter[c])) {
      simulated = Math.min(simulated + quietStep, full);
      running = run.step(origin + clock + simulated);
    }
    // down though every node it needs is up: the protocol is still recovering; give it more
    // time, settle by settle, up to RECOVERY_CAP or the next change
    const limit = Math.min(gap, Math.max(settle, RECOVERY_CAP));
    while (running && structureUpAfter[c] && simulated < limit && probe.down(sim.now)) {
      simulated = Math.min(simulated + settle, limit);
      running = run.step(origin + clock + simulated);
    }
    clock += simulated;
    // the time not simulated before the next change (a silent-reaction cut included: skipped
    // like the rest of the gap); after the last change, what the quiet end cut of its settle: its losses are extrapolated like a skipped gap's (`extrapolatedLoss`),
    // so the losses counted after the last change stay a settle's worth
    skipped.push(Math.max(0, (c + 1 < count ? gap : settle) - simulated));
  }
  const settleEndAt = clock;
  const endAt = settleEndAt + DRAIN;
  sim.at(origin + settleEndAt, () => world.stopClients());
  if (running) run.step(origin + endAt);
  const finished = run.finish({ healAt: at[count - 1], settleEndAt, endAt });
  options.onFinished?.(run, finished);
  const { history, modelError, events, traceHash } = finished;
  const metrics = computeMetrics(history);
  const windowStart = t0 - workload.timeout;
  /** An outage's length in this incident, fast-forwarded gaps included; undefined: a warm-up hiccup, not this incident's. */
  const lengthOf = (o: OutageMetrics): Micros | undefined => {
    const start = o.startMs * 1000;
    const end = o.endMs * 1000;
    if (end <= windowStart) return undefined;
    let length = end - Math.max(start, windowStart);
    at.forEach((time, c) => {
      // open across the skip before change c: the skipped stretch ends at the change, so an
      // outage counts it only if the clients already saw it then. One whose first unserved
      // order was invoked within the client timeout before the change met the change itself
      // (an order in flight when a node crashed): in real time it began after that stretch.
      if (!(start < time - workload.timeout && (end >= time || o.open))) return;
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
  const lost = lostAcks(history);
  const loss = extrapolatedLoss(lost, [...at, settleEndAt], skipped);
  return {
    downtimeSeconds: downtime / SECOND,
    outageSeconds,
    lostAcked: metrics.lostAcked + loss.orders,
    rpoMs: metrics.rpoMs + (metrics.lostAcked > 0 ? loss.spanMs : 0),
    splitBrainMs: metrics.splitBrainMs.effective,
    splitBrainPairs: metrics.splitBrainMs.effectivePairs,
    splitBrainBeliefMs: metrics.splitBrainMs.belief,
    falseFailovers: metrics.falseFailovers,
    unrecovered,
    downThroughFastForward,
    stillLosing: stillLosing(lost, at[count - 1], settleEndAt),
    ...(modelError ? { modelError: modelError.detail } : booted === 'never' ? { modelError: 'the design never served during boot' } : {}),
    events,
    traceHash,
  };
}

/**
 * Acked orders lost during the skipped stretches, which the simulation did not run: before
 * change c (skipped[c] of real time, at instant at[c] on the simulated clock) the system sat in
 * the steady state the simulated part of the gap ended in, so it lost acked orders at the rate
 * of that part's steady window, from half of it to a quarter of it before the change. Also the
 * time the lost acks span grows by each stretch extrapolated over.
 */
export function extrapolatedLoss(lost: readonly LostAck[], at: readonly Micros[], skipped: readonly Micros[]): { orders: number; spanMs: number } {
  let orders = 0;
  let span = 0;
  for (let c = 1; c < at.length; c++) {
    if (!(skipped[c] > 0)) continue;
    const simulated = at[c] - at[c - 1];
    const from = at[c - 1] + simulated / 2;
    const to = at[c] - simulated / 4;
    if (!(to > from)) continue;
    let n = 0;
    for (const l of lost) if (l.ackAt >= from && l.ackAt < to) n++;
    if (n === 0) continue;
    orders += (n * skipped[c]) / (to - from);
    span += skipped[c];
  }
  return { orders, spanMs: span / 1000 };
}

/**
 * Whether acked orders were being lost in the steady part of the last settle (the same window as
 * `extrapolatedLoss`: from half of it to a quarter of it before its end): the estimate assumes an
 * incident ends in the healthy steady state, and a design still losing orders there has not got
 * back to it by itself.
 */
export function stillLosing(lost: readonly LostAck[], lastChange: Micros, end: Micros): boolean {
  const simulated = end - lastChange;
  const from = lastChange + simulated / 2;
  const to = end - simulated / 4;
  return lost.some((l) => l.ackAt >= from && l.ackAt < to);
}

/**
 * Per change, once it is applied: whether every node the structure needs is up (its share up is
 * 1), and which of the plant's nodes the incident has up (bit i: `plant.nodes[i]`, none of its
 * components or shared elements down).
 */
function afterEachChange(incident: Incident, plant: Plant): { structureUpAfter: boolean[]; nodesUpAfter: number[] } {
  const perNode = plant.nodeComponents.length;
  const nodeElements = plant.nodes.length * perNode;
  const downs = new Int32Array(plant.nodes.length);
  const structureUpAfter: boolean[] = [];
  const nodesUpAfter: number[] = [];
  incident.elements.forEach((element, c) => {
    const step = incident.downs[c] ? 1 : -1;
    if (element < nodeElements) downs[Math.floor(element / perNode)] += step;
    else {
      const mask = plant.shared[element - nodeElements].mask;
      for (let i = 0; i < downs.length; i++) if (mask & (1 << i)) downs[i] += step;
    }
    let upMask = 0;
    for (let i = 0; i < downs.length; i++) if (downs[i] === 0) upMask |= 1 << i;
    structureUpAfter.push(plant.table[upMask] === 1);
    nodesUpAfter.push(upMask);
  });
  return { structureUpAfter, nodesUpAfter };
}

/**
 * When the element that change `c` takes down comes back (its next change), on the schedule
 * as it stands at change `c` (`clock`) with no later gap simulated past `settle`; the end of
 * the incident's last settle if it does not come back.
 */
function nominalRepairTime(incident: Incident, c: number, clock: Micros, gaps: readonly number[], settle: Micros): Micros {
  let time = clock;
  for (let next = c + 1; next < incident.elements.length; next++) {
    time += Math.min(gaps[next], settle);
    if (incident.elements[next] === incident.elements[c]) return time;
  }
  return time + settle;
}

/**
 * What the clients and the history show while an incident runs. `down`: whether the service is
 * down now, as the clients see it: some client's latest concluded order failed or timed out (an
 * outage runs until that client's next ack, `check/outages.ts`; for a design that serves in
 * scopes, one scope down is enough), or an order has waited longer than the client timeout
 * without an answer (an outage the clients have not concluded yet: its retries are still under
 * way). `steady`: the quiet-end rule (`QUIET_SHARE`). Reads only the events recorded since the
 * last call.
 */
export class ServiceProbe {
  private scanned = 0;
  private readonly failing = new Set<string>();
  /** Orders invoked and not yet concluded, with their invoke times (in invoke order). */
  private readonly pending = new Map<string, Micros>();
  /** When the last control event (anything but order traffic and probes: a role, a node state, a fence, a route, a fault, a note) was recorded. */
  private lastControlAt = -Infinity;
  private readonly events: readonly HistoryEvent[];

  constructor(
    private readonly world: World,
    /** The plant's nodes, in its order (the bits of `nodesUp`). */
    private readonly nodes: readonly string[],
    private readonly timeout: Micros,
  ) {
    this.events = world.history.events;
  }

  down(now: Micros): boolean {
    this.scan();
    const { failing, pending } = this;
    if (failing.size > 0) return true;
    for (const invokedAt of pending.values()) return now - invokedAt > this.timeout; // the oldest
    return false;
  }

  /**
   * Whether the design is back in a steady state at `now`: the service is up as the clients see
   * it, no control event for `quiet`, and every node the incident has up (`nodesUp`, a mask over
   * `nodes`) is running (a repaired server that is still booting is not steady).
   */
  steady(now: Micros, quiet: Micros, nodesUp: number): boolean {
    if (this.down(now) || now - this.lastControlAt < quiet) return false;
    for (let i = 0; i < this.nodes.length; i++) if (nodesUp & (1 << i) && !this.world.isRunning(this.nodes[i])) return false;
    return true;
  }

  private scan(): void {
    const { events, failing, pending } = this;
    for (; this.scanned < events.length; this.scanned++) {
      const e = events[this.scanned];
      if (e.type === 'invoke') pending.set(e.orderId, e.time);
      else if (e.type === 'ok' || e.type === 'fail' || e.type === 'info') {
        pending.delete(e.orderId);
        if (e.type === 'ok') failing.delete(e.client);
        else failing.add(e.client);
      } else if (e.type !== 'probe' && !isOrderTraffic(e)) this.lastControlAt = e.time; // a recorded probe fires per order (lock.acquired)
    }
  }
}
