/**
 * Runs a campaign: every run of a plan (or of a shard of it, minus what a resumed campaign
 * already did) through a worker pool or the current thread, aggregating summaries as they
 * arrive, then shrinks the failures it kept. The loop is:
 *
 *   while runs remain and nothing says stop: keep every worker busy (two jobs queued each);
 *   as each reply lands: add it to its variant's aggregate and mark its position done.
 *
 * Stop conditions: `failFast` after the first failed run (in-flight runs still count), an
 * aborted `signal` (Ctrl-C: in-flight runs are dropped and the result says `interrupted`),
 * or a user input error from a run (thrown as InputError once the pool is closed). Results
 * never depend on timing: aggregates are order-free, and only completed positions are done.
 */
import type { Workload } from '../world/client.ts';
import type { Design } from '../world/design.ts';
import { InputError } from '../sim/input-error.ts';
import { Aggregate, type AggregateState } from './aggregate.ts';
import { Executor } from './executor.ts';
import type { Job, Reply, RunSpec } from './job.ts';
import { positions, RangeSet, runAt, type Plan, type PlannedRun, variantWorkload } from './plan.ts';
import { WorkerPool } from './pool.ts';
import { workerEntry } from './worker-bundle.ts';
import { isDesignPath } from './catalog.ts';
import { failedSummary, NONDETERMINISM, WORKER_DIED, type RunSummary } from './run-summary.ts';
import { diagnoseDivergences, shrinkFailures } from './after-runs.ts';
import { nextTurn } from './next-turn.ts';

/** Everything besides the plan that shapes results (so resume and merge must agree on it). */
export interface CampaignSettings {
  /** Invariants checked (undefined: all registered). */
  invariants?: string[];
  /** Files of invariants every run also checks (each worker imports them). */
  invariantModules?: string[];
  /** Run every seed twice and fail it when the trace hashes differ. */
  checkDeterminism: boolean;
  /** Failures kept in full (with schedule, shrunk schedule and replay command). */
  maxFailures: number;
  /** Simulator runs allowed to shrink each kept failure; 0 turns shrinking off. */
  shrinkRuns: number;
  maxEvents?: number;
  workload?: Partial<Workload>;
}

export interface Progress {
  phase: 'runs' | 'shrink';
  done: number;
  total: number;
  failedRuns: number;
  elapsedMs: number;
}

export interface CampaignOptions {
  /** Worker threads; 0 runs everything in the current thread. */
  workers: number;
  failFast?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Kill a worker whose run takes longer than this (wall time). */
  runTimeoutMs?: number;
  /** Designs given as objects (in-process only), under the keys the plan's variants use. */
  inlineDesigns?: Map<string, Design>;
  /** A previous partial result of the same plan: its done positions are skipped. */
  resume?: { done: [number, number][]; states: AggregateState[] };
  /**
   * Called after each completed run with a way to take the campaign's state so far (an
   * interrupted result: `--resume` continues it), so a caller can save it as it goes.
   */
  onCheckpoint?: (snapshot: () => CampaignResult) => void;
}

export interface CampaignResult {
  plan: Plan;
  settings: CampaignSettings;
  /** One per variant, in plan order. */
  aggregates: Aggregate[];
  /** Positions of this shard's slice that completed. */
  done: RangeSet;
  /** How many positions the slice has. */
  positions: number;
  interrupted: boolean;
  /** Stopped after the first failure (`failFast`). */
  stoppedEarly: boolean;
  /** Wall time of the whole campaign, and of its runs alone (without shrinking). */
  elapsedMs: number;
  runsElapsedMs: number;
  workers: number;
}

/** Executes jobs: a worker pool, or the current thread. */
export interface Runner {
  readonly size: number;
  run(job: Job, group?: string): Promise<Reply>;
  close(): Promise<void>;
}

class InProcessRunner implements Runner {
  readonly size = 1;
  constructor(private readonly executor: Executor) {}
  async run(job: Job): Promise<Reply> {
    // Let signals, progress output and I/O through between runs.
    await nextTurn();
    return this.executor.execute(job);
  }
  async close(): Promise<void> {}
}

export async function runCampaign(plan: Plan, settings: CampaignSettings, options: CampaignOptions): Promise<CampaignResult> {
  const startedAt = Date.now();
  const local = new Executor();
  for (const [key, design] of options.inlineDesigns ?? []) local.register(key, design);
  const aggregates = plan.variants.map((_, i) => (options.resume ? Aggregate.from(options.resume.states[i]) : new Aggregate(settings.maxFailures)));
  const done = new RangeSet(options.resume?.done ?? []);
  const total = positions(plan);
  const pending = total - done.size;
  const pooled = options.workers > 0 && pending > 0;
  // user code (a design or invariant module named by path) needs the tsx boot: see worker-bundle.ts
  const userCode = plan.variants.some((v) => isDesignPath(v.design)) || (settings.invariantModules?.length ?? 0) > 0;
  const entry = pooled ? await workerEntry('campaign', { userCode }) : undefined;
  const runner: Runner = pooled ? new WorkerPool({ size: Math.min(options.workers, settings.checkDeterminism ? 2 * pending : pending), runTimeoutMs: options.runTimeoutMs, entry }) : new InProcessRunner(local);
  const signal = options.signal;
  const failedRuns = () => aggregates.reduce((n, a) => n + a.failedRuns, 0);
  const progress = (phase: Progress['phase'], doneCount: number, totalCount: number) =>
    options.onProgress?.({ phase, done: doneCount, total: totalCount, failedRuns: failedRuns(), elapsedMs: Date.now() - startedAt });

  let inputError: InputError | undefined;
  /** A failure of hasim itself (a worker that cannot start): the campaign stops and throws it. */
  let fatal: unknown;
  let stoppedEarly = false;
  const stop = () => signal?.aborted || inputError !== undefined || fatal !== undefined || stoppedEarly;

  const spec = (run: PlannedRun): RunSpec => {
    const variant = plan.variants[run.variant];
    return {
      design: variant.design,
      seed: run.seed,
      ...(plan.schedules.length ? { schedule: plan.schedules[run.schedule] } : { profile: plan.profile }),
      params: variant.params,
      invariants: settings.invariants,
      ...(settings.invariantModules ? { invariantModules: settings.invariantModules } : {}),
      maxEvents: settings.maxEvents,
      workload: variantWorkload(settings.workload, variant),
    };
  };

  /** The summary of one position: one run, or two compared when checking determinism. */
  const execute = async (position: number): Promise<RunSummary | undefined> => {
    const run = runAt(plan, position);
    const job: Job = { kind: 'run', index: run.index, ...spec(run) };
    const replies = settings.checkDeterminism
      ? await Promise.all([runner.run(job, `seed-${position}`), runner.run(job, `seed-${position}`)])
      : [await runner.run(job)];
    if (stop()) return undefined;
    const summaries: RunSummary[] = [];
    for (const reply of replies) {
      if (reply.kind === 'input-error') {
        inputError ??= new InputError(reply.source, reply.field, reply.expected, reply.found);
        return undefined;
      }
      if (reply.kind === 'died') summaries.push(await diedSummary(local, run, spec(run), reply.detail));
      else if (reply.kind === 'run') summaries.push(reply.summary);
      else throw new Error(`unexpected reply ${reply.kind} to a run job`);
    }
    const [first, second] = summaries;
    if (second && first.traceHash && second.traceHash && first.traceHash !== second.traceHash) {
      first.violations.push({ invariant: NONDETERMINISM, timeMs: 0, detail: `seed ${run.seed} gave trace hash ${first.traceHash} in one run and ${second.traceHash} in another` });
      first.schedule ??= (await local.prepare(spec(run))).schedule;
    } else if (second && !second.traceHash && first.traceHash) return second;
    return first;
  };

  const snapshot = (): CampaignResult => ({
    plan,
    settings,
    aggregates,
    done,
    positions: total,
    interrupted: true,
    stoppedEarly,
    elapsedMs: Date.now() - startedAt,
    runsElapsedMs: Date.now() - startedAt,
    workers: options.workers > 0 ? runner.size : 0,
  });
  const inflight = new Set<Promise<void>>();
  let cursor = 0;
  const limit = runner.size * 2;
  const abortion = aborted(signal);
  let runsElapsedMs = 0;
  try {
    progress('runs', done.size, total);
    while (true) {
      while (!stop() && inflight.size < limit && cursor < total) {
        const position = cursor++;
        if (done.has(position)) continue;
        const task: Promise<void> = execute(position).then(
          (summary) => {
            inflight.delete(task);
            if (!summary || signal?.aborted) return;
            aggregates[runAt(plan, position).variant].add(summary);
            done.add(position);
            if (options.failFast && summary.violations.length > 0) stoppedEarly = true;
            progress('runs', done.size, total);
            options.onCheckpoint?.(snapshot);
          },
          (error: unknown) => {
            inflight.delete(task);
            fatal ??= error;
          },
        );
        inflight.add(task);
      }
      if (inflight.size === 0 || signal?.aborted || fatal !== undefined) break;
      await Promise.race([...inflight, abortion]);
    }
    runsElapsedMs = Date.now() - startedAt;
    if (fatal !== undefined) throw fatal;
    if (inputError) throw inputError;
    if (!signal?.aborted) {
      const after = { plan, settings, runner, signal, onProgress: (n: number, of: number) => progress('shrink', n, of) };
      await shrinkFailures(after, aggregates);
      await diagnoseDivergences(after, aggregates);
    }
  } finally {
    await runner.close();
  }
  return {
    plan,
    settings,
    aggregates,
    done,
    positions: total,
    interrupted: signal?.aborted ?? false,
    stoppedEarly,
    elapsedMs: Date.now() - startedAt,
    runsElapsedMs,
    workers: options.workers > 0 ? runner.size : 0,
  };
}

/** A run whose worker died: a failure with its seed, and its drawn schedule when cheap to get. */
async function diedSummary(local: Executor, run: PlannedRun, spec: RunSpec, detail: string): Promise<RunSummary> {
  let prepared: Awaited<ReturnType<Executor['prepare']>> | undefined;
  try {
    prepared = await local.prepare(spec);
  } catch {
    prepared = undefined;
  }
  return failedSummary(run.index, run.seed, prepared?.schedule.name ?? spec.schedule?.name ?? 'random', WORKER_DIED, detail, prepared?.schedule, prepared?.drawnParams);
}

/** A promise that settles when the signal aborts (never, without a signal). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
