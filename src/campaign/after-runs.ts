/**
 * What a campaign does once its runs are done, on the failures it kept, in the same pool:
 *
 * - shrinking: each failure's schedule is minimised while the same invariant still fails
 *   (`shrinkSchedule` from faults/), and the shrunk run's trace hash is recorded so the
 *   printed `hasim replay` command can be checked against it;
 * - divergence: for a determinism failure, both copies rerun with the text trace (in different
 *   workers), and the first trace line where they part is reported.
 *
 * Failures already shrunk (a resumed or merged campaign) are left as they are, so the result
 * is the same however the campaign was split.
 */
import type { Aggregate, Failure } from './aggregate.ts';
import type { CampaignSettings, Runner } from './campaign.ts';
import type { RunSpec } from './job.ts';
import { variantWorkload, type Plan } from './plan.ts';
import { NONDETERMINISM, WORKER_DIED } from './run-summary.ts';

export interface AfterRunsContext {
  plan: Plan;
  settings: CampaignSettings;
  runner: Runner;
  signal?: AbortSignal;
  onProgress: (done: number, total: number) => void;
}

/** Invariants whose failures cannot be shrunk by rerunning the schedule. */
const UNSHRINKABLE = new Set([WORKER_DIED, NONDETERMINISM]);

export async function shrinkFailures(ctx: AfterRunsContext, aggregates: Aggregate[]): Promise<void> {
  if (ctx.settings.shrinkRuns <= 0) return;
  const todo = kept(aggregates).filter(({ failure }) => !failure.shrunk && failure.schedule && !UNSHRINKABLE.has(failure.violation.invariant));
  let finished = 0;
  await Promise.all(
    todo.map(async ({ variant, failure }) => {
      const schedule = failure.schedule!;
      if (schedule.faults.length === 0) {
        failure.shrunk = { schedule, runs: 0, steps: [], traceHash: failure.traceHash, detail: failure.violation.detail };
      } else {
        const spec = specOf(ctx, variant, failure);
        const reply = await ctx.runner.run({ kind: 'shrink', ...spec, schedule, invariant: failure.violation.invariant, maxRuns: ctx.settings.shrinkRuns });
        if (ctx.signal?.aborted) return;
        if (reply.kind === 'shrink' && reply.result) failure.shrunk = reply.result;
      }
      ctx.onProgress(++finished, todo.length);
    }),
  );
}

export async function diagnoseDivergences(ctx: AfterRunsContext, aggregates: Aggregate[]): Promise<void> {
  const todo = kept(aggregates).filter(({ failure }) => failure.invariants.includes(NONDETERMINISM) && !failure.divergence && failure.schedule);
  for (const { variant, failure } of todo) {
    if (ctx.signal?.aborted) return;
    const spec = specOf(ctx, variant, failure);
    const group = `trace-${failure.index}`;
    const [a, b] = await Promise.all([ctx.runner.run({ kind: 'trace', ...spec }, group), ctx.runner.run({ kind: 'trace', ...spec }, group)]);
    if (a.kind !== 'trace' || b.kind !== 'trace' || !a.lineHashes || !b.lineHashes) continue;
    const line = firstDifference(a.lineHashes, b.lineHashes);
    if (line < 0) {
      failure.divergence = { line: -1, first: null, second: null };
      continue;
    }
    const window = { from: line, to: line + 1 };
    const [wa, wb] = await Promise.all([ctx.runner.run({ kind: 'trace', ...spec, window }, group), ctx.runner.run({ kind: 'trace', ...spec, window }, group)]);
    failure.divergence = {
      line,
      first: wa.kind === 'trace' ? (wa.lines?.[0] ?? null) : null,
      second: wb.kind === 'trace' ? (wb.lines?.[0] ?? null) : null,
    };
  }
}

/** The index of the first differing entry (a missing entry differs), or -1 when equal. */
export function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function kept(aggregates: Aggregate[]): { variant: number; failure: Failure }[] {
  return aggregates.flatMap((a, variant) => a.failures.map((failure) => ({ variant, failure })));
}

/** The exact run a failure came from: its schedule as run, and drawn plus `--set` parameters. */
function specOf(ctx: AfterRunsContext, variant: number, failure: Failure): RunSpec & { schedule: NonNullable<Failure['schedule']> } {
  const v = ctx.plan.variants[variant];
  return {
    design: v.design,
    seed: failure.seed,
    schedule: failure.schedule!,
    params: { ...failure.drawnParams, ...v.params },
    invariants: ctx.settings.invariants,
    ...(ctx.settings.invariantModules ? { invariantModules: ctx.settings.invariantModules } : {}),
    maxEvents: ctx.settings.maxEvents,
    workload: variantWorkload(ctx.settings.workload, v),
  };
}
