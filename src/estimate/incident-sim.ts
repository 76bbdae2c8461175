/**
 * One incident at full fidelity: a fresh World of the design runs into its healthy steady
 * state (`warmup` plus a random phase of up to `PHASE_JITTER`, so periodic timers meet the
 * failure at any point of their cycle), then the incident's component changes are applied to
 * it with their drawn relative timing, and the protocol (detection, election, fencing,
 * routing, replication) does whatever the design does. Clients submit orders throughout; the
 * history then gives the incident's outages, lost acknowledged orders and split brain, with
 * the same metrics code as `hasim run`.
 *
 * Fast-forward inside an incident. When two consecutive changes are further apart than
 * `settle` (a server down for 10 h), only `settle` of that gap is simulated: by then the
 * protocol has reacted and the system sits in a steady degraded state (serving from the
 * survivor, or down) that only heartbeats and orders disturb, and that stays as it is until
 * the next change. The remaining gap - settle is added to the outage in progress at that
 * point, if any. So a 10-hour repair costs `settle` of simulation, and is still counted whole.
 * (Approximation: losses that grow with the length of a degraded period, e.g. orders a lone
 * primary acks before its own disk fails, are counted over the simulated `settle` only.)
 *
 *   warmup+phase | change 0 | min(gap, settle) | change 1 | ... | change k | settle | drain
 *                ^ t0                                                                ^ clients stop
 */
import { acquire, killAndRestart, release, startProcess } from '../faults/controls.ts';
import { computeMetrics } from '../metrics/index.ts';
import type { History } from '../history/history.ts';
import { EventBudgetExceeded, Simulator } from '../sim/simulator.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import { DEFAULT_WORKLOAD, type Workload } from '../world/client.ts';
import type { Design, ParamValues } from '../world/design.ts';
import { ModelError, World } from '../world/world.ts';
import type { Incident } from './components.ts';
import type { Plant } from './plant.ts';

export interface IncidentOutcome {
  /** Seconds the clients saw the service down, fast-forwarded gaps included. */
  downtimeSeconds: number;
  /** Each outage's length in seconds (its RTO), in order. */
  outageSeconds: number[];
  /** Acked orders missing from the authoritative log, at the simulated order rate. */
  lostAcked: number;
  rpoMs: number;
  /** Both primaries produced effects at once (effective split brain), for how long. */
  splitBrainMs: number;
  splitBrainBeliefMs: number;
  falseFailovers: number;
  /** The service was still down `settle` after the last repair. */
  unrecovered: boolean;
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
  maxEvents?: number;
}

/** Random extra warm-up, so an incident meets periodic timers at a random phase. */
export const PHASE_JITTER: Micros = 5 * SECOND;
const DRAIN: Micros = 2 * SECOND;

export function simulateIncident(incident: Incident, seed: number, options: IncidentSimOptions): IncidentOutcome {
  const { plant, settle } = options;
  const workload: Workload = { ...DEFAULT_WORKLOAD, ordersPerSecond: options.ordersPerSecond };
  const sim = new Simulator({ seed, maxEvents: options.maxEvents ?? 5_000_000 });
  const world = new World(sim, options.design, options.params, workload);
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
  const settleEndAt = clock + settle;
  const endAt = settleEndAt + DRAIN;
  const actions = new ElementActions(world, plant);
  incident.elements.forEach((element, c) => sim.at(at[c], () => actions.apply(element, incident.downs[c])));
  sim.at(settleEndAt, () => world.stopClients());

  let modelError: string | undefined;
  try {
    world.start();
    sim.runUntil(endAt);
  } catch (error) {
    if (!(error instanceof ModelError || error instanceof EventBudgetExceeded)) throw error;
    modelError = error.message;
  }
  const history: History = {
    events: world.history.events,
    final: world.finalState(),
    nodes: [...world.nodeIds],
    healAt: clock,
    settleEndAt,
    endAt,
    clientTimeout: workload.timeout,
    rtoTarget: world.topology.rtoTarget ?? 60 * SECOND,
  };
  const metrics = computeMetrics(history);
  const windowStart = t0 - workload.timeout;
  const outageSeconds: number[] = [];
  let unrecovered = false;
  for (const o of metrics.outages) {
    const start = o.startMs * 1000;
    const end = o.endMs * 1000;
    if (end <= windowStart) continue; // a warm-up hiccup, not this incident's
    let length = end - Math.max(start, windowStart);
    at.forEach((time, c) => {
      if (start < time && (end >= time || o.open)) length += skipped[c];
    });
    outageSeconds.push(length / SECOND);
    if (o.open) unrecovered = true;
  }
  return {
    downtimeSeconds: outageSeconds.reduce((a, b) => a + b, 0),
    outageSeconds,
    lostAcked: metrics.lostAcked,
    rpoMs: metrics.rpoMs,
    splitBrainMs: metrics.splitBrainMs.effective,
    splitBrainBeliefMs: metrics.splitBrainMs.belief,
    falseFailovers: metrics.falseFailovers,
    unrecovered,
    ...(modelError ? { modelError } : {}),
    events: sim.eventsRun,
  };
}

/**
 * What a component change does to the world: the same controls the fault kinds use (a server
 * failure is `crash`, a rack shock powers off its nodes and its switch, a GC pause is `pause`,
 * a deadlock keeps only the heartbeat thread running until a watchdog kills the process).
 */
class ElementActions {
  private readonly stuck = new Map<string, number>();
  private readonly perNode: number;

  constructor(
    private readonly world: World,
    private readonly plant: Plant,
  ) {
    this.perNode = plant.nodeComponents.length;
  }

  apply(element: number, down: boolean): void {
    const nodeCount = this.plant.nodes.length;
    if (element < nodeCount * this.perNode) {
      const id = this.plant.nodes[Math.floor(element / this.perNode)];
      this.nodeComponent(id, this.plant.nodeComponents[element % this.perNode].type, down);
    } else {
      const shared = this.plant.shared[element - nodeCount * this.perNode];
      this.sharedElement(shared.kind, shared.name, down);
    }
  }

  private nodeComponent(id: string, type: string, down: boolean): void {
    const world = this.world;
    const node = world.node(id);
    switch (type) {
      case 'server':
        return down ? node.powerOff('server failure') : node.powerOn('server repaired');
      case 'process':
        return down ? node.crashProcess('process crash', 'never') : startProcess(node, 'process restarted');
      case 'nic':
        return down ? world.network.nicDown(id) : world.network.nicUp(id);
      case 'disk':
        if (down) {
          if (acquire(node.disk, 'failed')) node.disk.fail();
        } else if (release(node.disk, 'failed')) node.disk.replace();
        return;
      case 'gcPause':
        if (down) {
          if (acquire(node, 'pause')) node.pause();
        } else if (release(node, 'pause')) node.resume();
        return;
      case 'deadlock':
        if (down) {
          if (node.state !== 'up' && node.state !== 'paused') return;
          node.runningThreads = new Set(['heartbeat']);
          this.stuck.set(id, node.incarnation);
        } else if (this.stuck.get(id) === node.incarnation) {
          this.stuck.delete(id);
          killAndRestart(node, 'deadlocked process killed by watchdog', 0);
        }
        return;
      default:
        throw new Error(`no world action for component type ${type}`);
    }
  }

  private sharedElement(kind: string, name: string, down: boolean): void {
    const world = this.world;
    if (kind === 'switch') return down ? world.network.switchDown(name) : world.network.switchUp(name);
    if (kind === 'power') return down ? world.powerDomainOff(name) : world.powerDomainOn(name);
    const nodes = world.nodesWhere(kind === 'rack' ? 'rack' : 'dc', name);
    const switches = [...new Set(nodes.map((id) => world.placement.get(id)!.switch))];
    for (const sw of switches) (down ? world.network.switchDown : world.network.switchUp).call(world.network, sw);
    for (const id of nodes) {
      if (down) world.node(id).powerOff(`${kind} ${name} down`);
      else world.node(id).powerOn(`${kind} ${name} restored`);
    }
  }
}
