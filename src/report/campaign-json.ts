/**
 * The result file of a campaign (design.md §8): what `hasim check --json` writes and what
 * `hasim merge` and `--resume` read back. Besides the report (per design: runs, failed runs,
 * violations by invariant, failures with seed, invariant, shrunk schedule and replay command,
 * aggregated metrics, coverage, warnings) it carries `state`, the aggregates in mergeable form,
 * and `done`, the completed positions of the slice, so an interrupted or sharded campaign can
 * be continued or combined into exactly what one whole run gives.
 *
 * Fields that depend on how the campaign ran rather than what it found (`command`,
 * `elapsedMs`, `runsElapsedMs`, `runsPerSecond`, `workers`) are the only ones that differ
 * between a whole run and merged shards (or a resumed one).
 */
import { writtenWorkloadArgs } from './workload-args.ts';
import { replayCommand, type ReplaySpec } from './replay-command.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Aggregate, AggregateState, Failure } from '../campaign/aggregate.ts';
import type { CampaignResult } from '../campaign/campaign.ts';
import { describePlan, type PlanDescription, type ResumeState } from '../campaign/check.ts';
import type { Variant } from '../campaign/plan.ts';
import { INVARIANTS } from '../check/index.ts';
import { scheduleToYaml } from '../faults/schedule.ts';
import { InputError } from '../sim/input-error.ts';
import { campaignCoverage, campaignMetrics, vacuityWarnings, type CampaignCoverage, type CampaignMetrics } from './campaign-metrics.ts';
import { HASIM_VERSION } from './run-json.ts';
import { campaignVerdict } from './verdict.ts';

export const FORMAT = 'hasim-campaign/1';
export const DEFAULT_FAILURES_DIR = 'hasim-failures';

export interface FailureReport {
  seed: number;
  schedule: string;
  /** The invariant shrinking preserved (the most severe one the run broke). */
  invariant: string;
  invariants: string[];
  timeMs: number;
  detail: string;
  traceHash: string;
  /** Parameters the run used beyond the defaults: drawn by the profile, then `--set`. */
  params: Record<string, string>;
  swarm?: { enabledKinds: string[]; intensity: number };
  /** The schedule to replay (shrunk, when it could be) as YAML, where it is written, and the command replaying it. */
  scheduleYaml: string | null;
  scheduleFile: string | null;
  replay: string;
  shrunk: { faults: number; runs: number; steps: string[]; traceHash: string; detail: string } | null;
  divergence?: Failure['divergence'];
}

export interface DesignReport {
  label: string;
  design: string;
  params: Record<string, string>;
  /** This row's own workload settings, as a file spells them (a sweep of `rate`: `{ ordersPerSecond: 1000 }`). */
  workload?: Record<string, unknown>;
  runs: number;
  failedRuns: number;
  /** No safety invariant broke in any run (report/verdict.ts; `recovery` is liveness). */
  safe: boolean;
  /** Every invariant that broke, with the number of runs it broke in. */
  invariantsBroken: { invariant: string; runs: number }[];
  /** The verdict in one line, as the tables lead with it. */
  verdict: string;
  violations: Record<string, number>;
  failures: FailureReport[];
  /** Failed runs beyond `maxFailures`, counted but not kept. */
  failuresOmitted: number;
  metrics: CampaignMetrics;
  coverage: CampaignCoverage;
  warnings: string[];
}

export interface CampaignFile {
  format: typeof FORMAT;
  hasim: string;
  kind: 'check' | 'compare' | 'sweep';
  command: string[];
  plan: PlanDescription;
  interrupted: boolean;
  stoppedEarly: boolean;
  completedRuns: number;
  totalRuns: number;
  done: [number, number][];
  elapsedMs: number;
  runsElapsedMs: number;
  /** Runs completed per second of wall time, shrinking excluded (a resumed file counts all its runs). */
  runsPerSecond: number;
  workers: number;
  designs: DesignReport[];
  state: AggregateState[];
}

export interface JsonOptions {
  kind: CampaignFile['kind'];
  command: string[];
  /** Directory the failure schedules are (or will be) written to. */
  failuresDir?: string;
}

/** The result file of a campaign. */
export function campaignJson(result: CampaignResult, options: JsonOptions): CampaignFile {
  return buildCampaignFile(
    {
      plan: describePlan(result.plan, result.settings),
      aggregates: result.aggregates,
      done: result.done.toJSON(),
      totalRuns: result.positions,
      interrupted: result.interrupted,
      stoppedEarly: result.stoppedEarly,
      elapsedMs: result.elapsedMs,
      runsElapsedMs: result.runsElapsedMs,
      workers: result.workers,
    },
    options,
  );
}

/** What a result file is made of: the plan, the aggregates, and how far the campaign got. */
export interface FileInput {
  plan: PlanDescription;
  aggregates: Aggregate[];
  done: [number, number][];
  totalRuns: number;
  interrupted: boolean;
  stoppedEarly: boolean;
  elapsedMs: number;
  /** Wall time of the runs alone (runs per second are computed from it). */
  runsElapsedMs: number;
  workers: number;
}

export function buildCampaignFile(input: FileInput, options: JsonOptions): CampaignFile {
  const dir = options.failuresDir ?? DEFAULT_FAILURES_DIR;
  const plan = input.plan;
  const fixedSchedules = plan.schedules.length > 0;
  // a failure replays with the campaign's invariant modules, workload flags and event budget
  const replayArgs = (variant: { workload?: Record<string, unknown> }) => ({
    invariantModules: plan.invariantModules,
    runArgs: writtenWorkloadArgs({ ...(plan.workload as Record<string, unknown> | null), ...variant.workload }, plan.maxEvents),
  });
  const completedRuns = input.done.reduce((n, [s, e]) => n + e - s, 0);
  return {
    format: FORMAT,
    hasim: HASIM_VERSION,
    kind: options.kind,
    command: options.command,
    plan,
    interrupted: input.interrupted,
    stoppedEarly: input.stoppedEarly,
    completedRuns,
    totalRuns: input.totalRuns,
    done: input.done,
    elapsedMs: Math.round(input.elapsedMs),
    runsElapsedMs: Math.round(input.runsElapsedMs),
    runsPerSecond: input.runsElapsedMs > 0 ? Math.round((completedRuns / input.runsElapsedMs) * 1e4) / 10 : 0,
    workers: input.workers,
    designs: input.aggregates.map((a, i) => {
      const variant = plan.variants[i];
      const violations: Record<string, number> = {};
      for (const name of plan.invariants ?? INVARIANTS.keys()) violations[name] = 0;
      for (const [name, n] of a.violations) violations[name] = n;
      const report = {
        label: variant.label,
        design: variant.design,
        params: variant.params,
        ...(variant.workload ? { workload: variant.workload } : {}),
        runs: a.runs,
        failedRuns: a.failedRuns,
        safe: true,
        invariantsBroken: [] as DesignReport['invariantsBroken'],
        verdict: '',
        violations,
        failures: a.failures.map((f) => failureReport(variant, f, dir, fixedSchedules, replayArgs(variant))),
        failuresOmitted: a.failedRuns - a.failures.length,
        metrics: campaignMetrics(a),
        coverage: campaignCoverage(a),
        warnings: vacuityWarnings(a),
      };
      const verdict = campaignVerdict(report);
      return { ...report, safe: verdict.safe, invariantsBroken: verdict.invariantsBroken, verdict: verdict.text };
    }),
    state: input.aggregates.map((a) => a.state()),
  };
}

/** The file a failure's schedule goes to: `<dir>/<label>-seed<N>[-<schedule>].yaml`. */
export function failureFile(variant: Variant, failure: Failure, dir: string, fixedSchedules = false): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._=-]+/g, '_');
  return join(dir, `${safe(variant.label)}-seed${failure.seed}${fixedSchedules ? `-${safe(failure.scheduleName)}` : ''}.yaml`);
}

function failureReport(variant: Variant, f: Failure, dir: string, fixedSchedules: boolean, replayArgs: Pick<ReplaySpec, 'invariantModules' | 'runArgs'>): FailureReport {
  const params = { ...f.drawnParams, ...variant.params };
  const schedule = f.shrunk?.schedule ?? f.schedule;
  const scheduleFile = schedule ? failureFile(variant, f, dir, fixedSchedules) : null;
  return {
    seed: f.seed,
    schedule: f.scheduleName,
    invariant: f.violation.invariant,
    invariants: f.invariants,
    timeMs: f.violation.timeMs,
    detail: f.violation.detail,
    traceHash: f.traceHash,
    params,
    ...(f.swarm ? { swarm: f.swarm } : {}),
    scheduleYaml: schedule ? scheduleToYaml(schedule) : null,
    scheduleFile,
    replay: replayCommand({
      design: variant.design,
      seed: f.seed,
      scenario: scheduleFile,
      sets: Object.keys(params)
        .sort()
        .map((k) => `${k}=${params[k]}`),
      ...replayArgs,
      expectHash: f.shrunk?.traceHash ?? f.traceHash,
    }),
    shrunk: f.shrunk ? { faults: f.shrunk.schedule.faults.length, runs: f.shrunk.runs, steps: f.shrunk.steps, traceHash: f.shrunk.traceHash, detail: f.shrunk.detail } : null,
    ...(f.divergence ? { divergence: f.divergence } : {}),
  };
}

/** Reads a result file for `merge` or `--resume`; anything else is an InputError naming it. */
export function readCampaignFile(path: string): CampaignFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, '', 'a JSON result file written by hasim check --json', code === 'ENOENT' ? 'no such file' : code ? code : 'invalid JSON');
  }
  const file = parsed as Partial<CampaignFile>;
  if (!file || typeof file !== 'object' || file.format !== FORMAT) throw new InputError(path, 'format', `"${FORMAT}" (a result file written by hasim check --json)`);
  for (const field of ['plan', 'done', 'state', 'designs'] as const) {
    if (file[field] === undefined) throw new InputError(path, field, 'the field present (the file is truncated or edited)');
  }
  if (file.state!.length !== file.plan!.variants.length) throw new InputError(path, 'state', 'one aggregate per design of the plan');
  return file as CampaignFile;
}

/** What `--resume` takes from a result file. */
export function resumeStateOf(file: CampaignFile): ResumeState {
  return { plan: file.plan, done: file.done, states: file.state };
}
