/**
 * One run: a design, a failure schedule and a seed in; the history, the violations, the
 * metrics and the trace hash out. A run has phases (design.md §6):
 *
 *   -boot ── boot ── 0 ── chaos (faults fire) ── duration ── settle (every fault healed) ── settleEnd ── drain ── end
 *
 * Boot is the design's own start-up, with clients already sending: it ends when the service
 * serves, a client having received an ack and no order having failed for a second since
 * (run/run.ts), and every time of the schedule and of the results counts from
 * there, so `at: 20s` is 20 s into a working service. Boot is not measured (its orders count
 * toward no availability, outage or failover); a design that never serves within
 * `BOOT_LIMIT` fails the run with a `boot` violation.
 *
 * Clients submit orders through chaos and settle and stop at the end of settle; the short
 * drain lets in-flight acks and replication land before the final durable state is read.
 * A design that throws, or loops past the event budget, fails the run (violation
 * `model-error`) instead of crashing the caller.
 */
import { withoutRealTime } from './sandbox.ts';
import { checkAll } from '../check/index.ts';
import type { Invariant, Violation } from '../check/invariant.ts';
import type { History } from '../history/history.ts';
import { installFaults } from '../faults/injector.ts';
import type { Schedule } from '../faults/schedule.ts';
import { validateTargets } from '../faults/schedule.ts';
import { computeMetrics, type RunMetrics } from '../metrics/index.ts';
import { formatDuration, SECOND, type Micros } from '../sim/time.ts';
import { DEFAULT_WORKLOAD, type Workload } from '../world/client.ts';
import type { Design, ParamValues } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import type { MessageLog } from '../world/message-log.ts';
import { BOOT_LIMIT, buildRun } from '../run/run.ts';
import { budgetNote, derivedEventBudget } from '../run/event-budget.ts';
import '../parts/probe-catalog.ts'; // every bundled probe, for checking schedules' triggers

export interface SimulateOptions {
  design: Design;
  seed: number;
  /** The failure schedule; default: no faults for 60 s, then 30 s of settle. */
  schedule?: Schedule;
  /** Raw parameter overrides (`--set`), validated against the design. */
  params?: Record<string, unknown>;
  workload?: Partial<Workload>;
  /** Record the full text trace as well as its hash. */
  recordTrace?: boolean;
  /** Log every network message with its send and arrival times (for the HTML report). */
  recordMessages?: boolean;
  /** Check only these invariants (default: all: built-in, the design's own and `extraInvariants`). */
  invariants?: string[];
  /** Invariants of this call, besides the built-in ones and the design's own. */
  extraInvariants?: Invariant[];
  /** Event budget of the run (default: derived from its length and rate, run/event-budget.ts). */
  maxEvents?: number;
  /** How long to let in-flight messages land after clients stop (default 2 s). */
  drain?: Micros;
  /**
   * Fold the order traffic as it is recorded instead of keeping it (history/fold/history-fold.ts):
   * the history's `events` are then only its control events, and memory stays flat however long
   * the run. The checks and metrics are identical either way. Ignored (every event kept) when
   * the run has invariants besides the built-in ones, which may read any event.
   */
  foldTraffic?: boolean;
}

export interface RunResult {
  design: string;
  seed: number;
  schedule: string;
  params: ParamValues;
  /** The client workload the run used, its session policy included (see world/client.ts). */
  workload: Workload;
  /** The event budget the run had: `--max-events`, or derived from its length and rate (run/event-budget.ts). */
  eventBudget: number;
  traceHash: string;
  violations: Violation[];
  metrics: RunMetrics & { events: number; messages: number };
  history: History;
  trace?: string[];
  /** Every network message, when `recordMessages` was set. */
  messages?: MessageLog;
  /** How often each probe fired (only those that did), by name. */
  probes: Record<string, number>;
}

export const QUIET_SCHEDULE: Schedule = {
  name: 'quiet',
  description: 'no faults: the baseline',
  duration: 60 * SECOND,
  settle: 30 * SECOND,
  faults: [],
  source: '<built-in>',
};

/**
 * One run: the design under the schedule from the seed, then every invariant and metric over
 * its history. A design that throws, loops past its event budget, or reaches for real timers
 * or `process.exit` fails the run with a `model-error` violation.
 */
export function simulate(options: SimulateOptions): RunResult {
  return withoutRealTime(() => simulateRun(options));
}

function simulateRun(options: SimulateOptions): RunResult {
  const schedule = options.schedule ?? QUIET_SCHEDULE;
  const params = resolveParams(options.design, options.params ?? {});
  const workload: Workload = { ...DEFAULT_WORKLOAD, ...schedule.workload, ...options.workload };
  const healAt = schedule.duration;
  const settleEndAt = healAt + schedule.settle;
  const endAt = settleEndAt + (options.drain ?? 2 * SECOND);
  const eventBudget = options.maxEvents ?? derivedEventBudget(endAt, workload);
  const run = buildRun({
    design: options.design,
    params,
    seed: options.seed,
    workload,
    recordTrace: options.recordTrace,
    recordMessages: options.recordMessages,
    // boot (a few seconds) comes out of the same budget
    maxEvents: eventBudget,
    budgetNote: budgetNote(endAt, workload, options.maxEvents !== undefined),
  });
  const { sim, world } = run;
  validateTargets(schedule, world);

  const userInvariants = (options.design.invariants?.length ?? 0) + (options.extraInvariants?.length ?? 0);
  if (options.foldTraffic && userInvariants === 0) world.history.foldTraffic({ clientTimeout: workload.timeout, healAt, settleEndAt });

  const phase = (time: Micros, name: 'boot' | 'chaos' | 'heal' | 'drain' | 'end') => world.history.record({ type: 'phase', time, phase: name });

  phase(0, 'boot');
  const booted = run.boot();
  let failure: Violation | undefined;
  if (booted === 'served') {
    const origin = world.origin;
    phase(origin, 'chaos');
    installFaults(world, schedule);
    sim.at(origin + healAt, () => phase(origin + healAt, 'heal'));
    sim.at(origin + settleEndAt, () => {
      world.stopClients();
      phase(origin + settleEndAt, 'drain');
    });
    if (run.step(origin + endAt)) phase(origin + endAt, 'end');
  } else if (booted === 'never') {
    world.stopClients();
    failure = { invariant: 'boot', time: 0, detail: `the service never served: no client received an ack within ${formatDuration(BOOT_LIMIT)} of start` };
  }

  const finished = run.finish({ healAt, settleEndAt, endAt });
  const { history, modelError } = finished;
  if (modelError) failure = { invariant: 'model-error', time: modelError.time, detail: modelError.detail };
  const violations = failure ? [failure] : checkAll(history, options.invariants, [...(options.design.invariants ?? []), ...(options.extraInvariants ?? [])]);
  return {
    design: options.design.name,
    seed: options.seed,
    schedule: schedule.name,
    params,
    workload: world.workload,
    eventBudget,
    traceHash: finished.traceHash,
    violations,
    metrics: { ...computeMetrics(history), events: finished.events, messages: finished.messages },
    history,
    trace: finished.trace,
    probes: world.probes.counters(),
    ...(finished.messageLog ? { messages: finished.messageLog } : {}),
  };
}
