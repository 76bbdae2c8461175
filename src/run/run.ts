/**
 * The run driver: the one place a design meets a simulator. `simulate` (one run of a schedule),
 * `estimate` (one incident of a reliability model) and the benchmarks all go through it, so a
 * run is built, stepped and finished the same way wherever it happens:
 *
 * ```ts
 * const run = buildRun({ design, params, seed, workload });
 * run.sim.at(30 * SECOND, () => ...);          // schedule faults, phases, client stops
 * run.step(endAt);                             // starts the world, runs every event before endAt
 * const { history, modelError } = run.finish({ healAt, settleEndAt, endAt });
 * ```
 *
 * Boot: `boot()` starts the world and runs until the service serves: a client has received an
 * ack, and for `BOOT_STEADY` (1 s) since then no order was refused or timed out. The steady
 * second is there because a design's start-up does not end at its first ack: a load balancer
 * still routes to unproven replicas until its health checks mark them down (HAProxy
 * `init-state up`, fall 3), a VIP's gratuitous ARPs are still reaching clients; counting those
 * refusals as the service failing would blame a working design for its own start-up. Bounded
 * by `BOOT_LIMIT`; that instant (on a 1 ms grid) becomes `world.origin`, and from then on the caller schedules relative to it (the fault injector
 * adds it). `finish` takes its window relative to the origin and returns a history whose times
 * count from it too, boot negative.
 *
 * `step` may be called again with a later time (a boot phase, then the run proper). A design
 * that throws (`ModelError`) or loops past the event budget stops the run: `step` returns false
 * and `finish` reports it as `modelError` instead of crashing the caller, which decides what a
 * failed run means (a `model-error` violation, or an incident counted by its structure only).
 * Anything else thrown is a bug of hasim and propagates.
 */
import type { History } from '../history/history.ts';
import { EventBudgetExceeded, Simulator } from '../sim/simulator.ts';
import { MS, SECOND, type Micros } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';
import type { Design, ParamValues } from '../world/design.ts';
import { MessageLog } from '../world/message-log.ts';
import { ModelError, World } from '../world/world.ts';

export interface RunSetup {
  design: Design;
  /** Parameters already resolved against the design (`resolveParams`). */
  params: ParamValues;
  seed: number;
  /** The complete workload (defaults already applied). */
  workload: Workload;
  /** Record the full text trace as well as its hash. */
  recordTrace?: boolean;
  /** Log every network message with its send and arrival times (for the HTML report). */
  recordMessages?: boolean;
  /** Event budget of the run (the simulator's default when absent). */
  maxEvents?: number;
  /** Where that budget came from, for the error of a run past it. */
  budgetNote?: string;
}

/** The instants the checks judge a run by (design.md §6). */
export interface RunWindow {
  /** End of chaos: every fault healed. */
  healAt: Micros;
  /** End of settle: clients stopped. */
  settleEndAt: Micros;
  /** End of the run (after the drain). */
  endAt: Micros;
}

/** Why a run stopped early: the design threw, or looped past the event budget. */
export interface ModelFailure {
  time: Micros;
  detail: string;
}

export interface FinishedRun {
  history: History;
  modelError?: ModelFailure;
  /** Events the simulator ran. */
  events: number;
  /** Network messages sent. */
  messages: number;
  traceHash: string;
  /** The text trace, when `recordTrace` was set. */
  trace?: string[];
  /** Every network message, when `recordMessages` was set. */
  messageLog?: MessageLog;
}

/** The longest a design may take to serve its first order before the run fails. */
export const BOOT_LIMIT: Micros = 120 * SECOND;
/** Boot ends on this grid. */
const BOOT_STEP: Micros = MS;
/** How long the service must answer without a refusal or timeout, after its first ack, to have booted. */
export const BOOT_STEADY: Micros = SECOND;

/** The default RTO target of a design that declares none. */
const DEFAULT_RTO_TARGET: Micros = 60 * SECOND;

/** Builds a fresh simulator and a world of the design on it; nothing runs until `step`. */
export function buildRun(setup: RunSetup): Run {
  return new Run(setup);
}

export class Run {
  readonly sim: Simulator;
  readonly world: World;
  private readonly workload: Workload;
  private started = false;
  private failure: ModelFailure | undefined;

  constructor(setup: RunSetup) {
    this.workload = setup.workload;
    this.sim = new Simulator({ seed: setup.seed, recordTrace: setup.recordTrace, maxEvents: setup.maxEvents, budgetNote: setup.budgetNote });
    this.world = new World(this.sim, setup.design, setup.params, setup.workload);
    if (setup.recordMessages) this.world.network.messageLog = new MessageLog();
  }

  /** The design threw or looped: no event runs any more. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Runs every event before `until` (starting the world's actors and clients on the first
   * call). Returns false when the design failed, now or in an earlier step.
   */
  step(until: Micros): boolean {
    if (this.failure) return false;
    try {
      if (!this.started) {
        this.started = true;
        this.world.start();
      }
      this.sim.runUntil(until);
    } catch (error) {
      if (!(error instanceof ModelError || error instanceof EventBudgetExceeded)) throw error;
      this.failure = { time: this.sim.now, detail: error.message };
      return false;
    }
    return true;
  }

  /**
   * Starts the world and runs until the service serves steadily (see the file header), then
   * sets `world.origin` there. Returns 'served', 'failed' (the design threw or looped) or
   * 'never' (no ack within `limit`: the origin is then `limit`). A workload without orders
   * has nothing to serve, so no boot: the origin stays 0 (protocol experiments that watch
   * elections alone, e.g. the Raft paper's Figure 16).
   */
  boot(limit: Micros = BOOT_LIMIT): 'served' | 'failed' | 'never' {
    if (this.workload.ordersPerSecond <= 0) {
      this.setOrigin(0);
      return this.step(0) ? 'served' : 'failed';
    }
    const events = this.world.history.events;
    let scanned = 0;
    /** Since when the service has answered with acks only (undefined: no ack yet). */
    let steadySince: Micros | undefined;
    for (let t = BOOT_STEP; t <= limit; t += BOOT_STEP) {
      if (!this.step(t)) return 'failed';
      for (; scanned < events.length; scanned++) {
        const e = events[scanned];
        if (e.type === 'ok') steadySince ??= e.time;
        else if (e.type === 'fail' || e.type === 'info') steadySince = undefined;
      }
      if (steadySince !== undefined && t - steadySince >= BOOT_STEADY) {
        this.setOrigin(t);
        return 'served';
      }
    }
    this.setOrigin(limit);
    return 'never';
  }

  private setOrigin(origin: Micros): void {
    this.world.origin = origin;
    this.world.history.setOrigin(origin);
  }

  /**
   * The history the checks and metrics read, and what the run cost. `window` counts from the
   * end of boot, and so do the history's times (its events are moved by `-world.origin`).
   */
  finish(window: RunWindow): FinishedRun {
    const { world, sim } = this;
    const origin = world.origin;
    // a folding history starts folding at the origin; one that never got it (no boot) starts here
    world.history.setOrigin(origin);
    if (origin !== 0) {
      for (const e of world.history.events) {
        e.time -= origin;
        // a read's invoke time is an instant too
        if (e.type === 'read') e.invokedAt -= origin;
      }
      world.network.messageLog?.shift(origin);
    }
    const scoped = world.clientIds.map((id) => [id, world.routing.scopeOf(id)] as const);
    const failure = this.failure ? { time: this.failure.time - origin, detail: this.failure.detail } : undefined;
    const history: History = {
      boot: origin,
      events: world.history.events,
      ...(world.history.digest ? { digest: world.history.digest } : {}),
      final: world.finalState(),
      nodes: [...world.nodeIds],
      healAt: window.healAt,
      settleEndAt: window.settleEndAt,
      endAt: window.endAt,
      clientTimeout: this.workload.timeout,
      rtoTarget: world.topology.rtoTarget ?? DEFAULT_RTO_TARGET,
      ...(scoped.every(([, scope]) => scope !== undefined) && scoped.length > 0 ? { clientScopes: Object.fromEntries(scoped) as Record<string, string> } : {}),
    };
    return {
      history,
      ...(failure ? { modelError: failure } : {}),
      events: sim.eventsRun,
      messages: world.network.messagesSent,
      traceHash: sim.trace.hash(),
      trace: sim.trace.lines,
      ...(world.network.messageLog ? { messageLog: world.network.messageLog } : {}),
    };
  }
}
