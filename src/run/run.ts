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
 * `step` may be called again with a later time (a boot phase, then the run proper). A design
 * that throws (`ModelError`) or loops past the event budget stops the run: `step` returns false
 * and `finish` reports it as `modelError` instead of crashing the caller, which decides what a
 * failed run means (a `model-error` violation, or an incident counted by its structure only).
 * Anything else thrown is a bug of hasim and propagates.
 */
import type { History } from '../history/history.ts';
import { EventBudgetExceeded, Simulator } from '../sim/simulator.ts';
import { SECOND, type Micros } from '../sim/time.ts';
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

  /** The history the checks and metrics read, and what the run cost. */
  finish(window: RunWindow): FinishedRun {
    const { world, sim } = this;
    const history: History = {
      events: world.history.events,
      final: world.finalState(),
      nodes: [...world.nodeIds],
      healAt: window.healAt,
      settleEndAt: window.settleEndAt,
      endAt: window.endAt,
      clientTimeout: this.workload.timeout,
      rtoTarget: world.topology.rtoTarget ?? DEFAULT_RTO_TARGET,
    };
    return {
      history,
      ...(this.failure ? { modelError: this.failure } : {}),
      events: sim.eventsRun,
      messages: world.network.messagesSent,
      traceHash: sim.trace.hash(),
      trace: sim.trace.lines,
      ...(world.network.messageLog ? { messageLog: world.network.messageLog } : {}),
    };
  }
}
