/**
 * `check()`: the campaign as a library function, what `hasim check` runs. N seeds of each
 * design under a random profile (each seed draws its own schedule) or under fixed schedules,
 * in a worker pool or in the current thread; it returns the aggregate per design.
 *
 * ```ts
 * import { check } from 'hasim';
 * const result = await check({ designs: ['raft'], runs: 200, workers: 2 });
 * expect(result.aggregates[0].failedRuns).toBe(0);
 * // your own design, in-process (worker threads load designs by name or path only):
 * await check({ designs: [myDesign], runs: 50, workers: 0, schedules: [mySchedule] });
 * ```
 *
 * Every input is checked before a worker starts (designs, `--set` parameters, invariant
 * names, schedules and their targets, the profile), so a mistake is one InputError.
 */
import { availableParallelism } from 'node:os';
import { composeInvariants } from '../check/index.ts';
import { staticDesignView } from '../faults/design-view.ts';
import { loadProfile } from '../faults/random-profile.ts';
import { validateTargets, type Schedule } from '../faults/schedule.ts';
import { InputError } from '../sim/input-error.ts';
import type { Workload } from '../world/client.ts';
import { writeWorkload } from '../faults/schedule-workload.ts';
import { checkServesReads, type Design } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import type { AggregateState } from './aggregate.ts';
import { runCampaign, type CampaignResult, type CampaignSettings, type Progress } from './campaign.ts';
import { loadDesign, loadScenario, profilePath } from './catalog.ts';
import { loadInvariantModules } from './invariant-modules.ts';
import { parseShard, type Plan, type Shard, type Variant } from './plan.ts';

export const DEFAULT_PROFILE = 'random-default';
export const DEFAULT_RUNS = 100;
export const DEFAULT_MAX_FAILURES = 20;
export const DEFAULT_SHRINK_RUNS = 200;

/** Options every campaign command shares (check, compare, sweep). */
export interface CampaignInput {
  /** Seeds per design and schedule (default 100). */
  runs?: number;
  /** The first seed (default 1): seeds are seed .. seed + runs - 1. */
  seed?: number;
  /** A random profile (name or path); default `random-default` when no schedules are given. */
  profile?: string;
  /** Fixed schedules (names, paths or objects): every seed runs under each. */
  schedules?: (string | Schedule)[];
  /** Invariants to check (default: all: built-in, registered, the designs' own and the modules'). */
  invariants?: string[];
  /**
   * Files exporting `invariants` (a list of `{ name, description, check }`) that every run also
   * checks; each worker thread imports them, so they work with any number of workers.
   */
  invariantModules?: string[];
  /** Worker threads (default: every core); 0 runs in the current thread. */
  workers?: number;
  /** Run one slice of the seeds: `{ index: 2, count: 4 }` or `'2/4'` (1-based). */
  shard?: Shard | string;
  /** Stop dispatching after the first failed run. */
  failFast?: boolean;
  /** Failures kept in full and shrunk (default 20); the rest are only counted. */
  maxFailures?: number;
  /** Run every seed twice and fail it when the trace hashes differ. */
  checkDeterminism?: boolean;
  /** Simulations allowed to shrink each kept failure (default 200; 0: no shrinking). */
  shrinkRuns?: number;
  /** Event budget per run (default: the simulator's 50 million). */
  maxEvents?: number;
  workload?: Partial<Workload>;
  /** Kill a worker whose run takes longer than this much wall time (worker threads only). */
  runTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** A partial result of the same campaign to continue (see `readCampaignFile`). */
  resume?: ResumeState;
  /** Called as runs complete, with the state so far (see `CampaignOptions.onCheckpoint`). */
  onCheckpoint?: (snapshot: () => CampaignResult) => void;
}

export interface CheckOptions extends CampaignInput {
  /** Designs: bundled names, paths, or Design objects (these need `workers: 0`). */
  designs: (string | Design)[];
  /** `--set` parameter overrides, applied to every design. */
  params?: Record<string, string>;
}

/** What `--resume` needs from a previous result file. */
export interface ResumeState {
  /** The plan and settings, as `describePlan` writes them: must equal the new campaign's. */
  plan: PlanDescription;
  done: [number, number][];
  states: AggregateState[];
}

/** One variant to run: a design (by name, path or object) with its parameter overrides. */
export interface VariantInput {
  design: string | Design;
  params?: Record<string, string>;
  /** Default: the design's name. */
  label?: string;
  /** Workload settings of this variant alone (a sweep over `rate`), over `CampaignInput.workload`. */
  workload?: Partial<Workload>;
}

export async function check(options: CheckOptions): Promise<CampaignResult> {
  if (options.designs.length === 0) throw new InputError('design', '', 'at least one design');
  return campaign(options.designs.map((design) => ({ design, params: options.params ?? {} })), options);
}

/** Validates the inputs, builds the plan and runs it: the engine of check, compare and sweep. */
export async function campaign(variantInputs: VariantInput[], input: CampaignInput): Promise<CampaignResult> {
  const { plan, settings, inlineDesigns } = await prepareCampaign(variantInputs, input);
  if (input.resume) checkSamePlan(input.resume.plan, describePlan(plan, settings));
  return runCampaign(plan, settings, {
    workers: input.workers ?? availableParallelism(),
    failFast: input.failFast,
    signal: input.signal,
    onProgress: input.onProgress,
    runTimeoutMs: input.runTimeoutMs,
    inlineDesigns,
    resume: input.resume,
    onCheckpoint: input.onCheckpoint,
  });
}

export async function prepareCampaign(variantInputs: VariantInput[], input: CampaignInput): Promise<{ plan: Plan; settings: CampaignSettings; inlineDesigns: Map<string, Design> }> {
  const runs = input.runs ?? DEFAULT_RUNS;
  const seed = input.seed ?? 1;
  const workers = input.workers;
  checkCount('runs', runs, 1);
  checkCount('seed', seed, 0);
  if (workers !== undefined) checkCount('workers', workers, 0);
  const maxFailures = input.maxFailures ?? DEFAULT_MAX_FAILURES;
  checkCount('max-failures', maxFailures, 0);
  const shrinkRuns = input.shrinkRuns ?? DEFAULT_SHRINK_RUNS;
  checkCount('shrink-runs', shrinkRuns, 0);
  if (input.maxEvents !== undefined) checkCount('max-events', input.maxEvents, 1);
  const moduleInvariants = await loadInvariantModules(input.invariantModules);
  const shard = typeof input.shard === 'string' ? parseShard(input.shard) : input.shard;
  if (shard) parseShard(`${shard.index}/${shard.count}`);
  if (input.profile && input.schedules?.length) throw new InputError('--profile', '', 'either a random profile or schedules (-s), not both');

  const schedules = (input.schedules ?? []).map((s) => (typeof s === 'string' ? loadScenario(s) : s));
  const profileLabel = schedules.length ? undefined : (input.profile ?? DEFAULT_PROFILE);
  const profile = profileLabel === undefined ? undefined : profilePath(profileLabel);
  if (profile) loadProfile(profile);

  const inlineDesigns = new Map<string, Design>();
  const variants: Variant[] = [];
  for (const [i, v] of variantInputs.entries()) {
    let design: Design;
    let key: string;
    if (typeof v.design === 'string') {
      design = await loadDesign(v.design);
      key = v.design;
    } else {
      if (workers !== 0) throw new InputError('workers', '', '0 for designs passed as objects (worker threads load designs by name or path)');
      design = v.design;
      key = `inline:${i}:${design.name}`;
      inlineDesigns.set(key, design);
    }
    const params = v.params ?? {};
    const resolved = resolveParams(design, params);
    const view = staticDesignView(design, resolved);
    for (const s of schedules) validateTargets(s, view);
    const known = composeInvariants([...(design.invariants ?? []), ...moduleInvariants]);
    for (const name of input.invariants ?? []) {
      if (!known.has(name)) throw new InputError('--invariants', '', `invariant names among ${[...known.keys()].join(', ')}`, JSON.stringify(name));
    }
    const label = v.label ?? design.name;
    if (variants.some((other) => other.label === label)) throw new InputError('design', label, 'each design (or parameter value) once');
    checkServesReads(design, { ...input.workload, ...v.workload }, v.workload?.readsPerSecond !== undefined ? '--param reads' : '--reads');
    variants.push({ label, design: key, params, ...(v.workload ? { workload: v.workload } : {}) });
  }
  const plan: Plan = { variants, schedules, ...(profile ? { profile, profileLabel } : {}), seed, runs, ...(shard ? { shard } : {}) };
  const settings: CampaignSettings = {
    ...(input.invariants?.length ? { invariants: [...input.invariants] } : {}),
    ...(input.invariantModules?.length ? { invariantModules: [...input.invariantModules] } : {}),
    checkDeterminism: input.checkDeterminism ?? false,
    maxFailures,
    shrinkRuns,
    ...(input.maxEvents !== undefined ? { maxEvents: input.maxEvents } : {}),
    ...(input.workload ? { workload: input.workload } : {}),
  };
  return { plan, settings, inlineDesigns };
}

/** Everything that shapes a campaign's results, as result files record it. */
export type PlanDescription = ReturnType<typeof describePlan>;

/**
 * The identity of a campaign for `--resume` and `merge` (which compares it without the
 * shard), and the `plan` section of result files.
 */
export function describePlan(plan: Plan, settings: CampaignSettings) {
  return {
    variants: plan.variants.map((v) => ({ label: v.label, design: v.design, params: sorted(v.params), ...(v.workload ? { workload: sorted(writeWorkload(v.workload)) } : {}) })),
    schedules: plan.schedules.map((s) => s.name),
    profile: plan.profileLabel ?? null,
    seed: plan.seed,
    runs: plan.runs,
    shard: plan.shard ? `${plan.shard.index}/${plan.shard.count}` : null,
    invariants: settings.invariants ?? null,
    ...(settings.invariantModules ? { invariantModules: settings.invariantModules } : {}),
    checkDeterminism: settings.checkDeterminism,
    maxFailures: settings.maxFailures,
    shrinkRuns: settings.shrinkRuns,
    maxEvents: settings.maxEvents ?? null,
    // spelled as flags and files spell it (timeout "500ms", retry "breaker:5,10s")
    workload: settings.workload ? sorted(writeWorkload(settings.workload)) : null,
  };
}

/** A resumed campaign must be the same campaign: names the first field that differs. */
function checkSamePlan(previous: PlanDescription, current: PlanDescription): void {
  for (const key of Object.keys(current) as (keyof PlanDescription)[]) {
    const was = JSON.stringify(previous?.[key] ?? null);
    const now = JSON.stringify(current[key]);
    if (was !== now) throw new InputError('--resume', `plan.${key}`, `the same as this campaign's (${now}): resume with the flags of the interrupted run`, was);
  }
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkCount(flag: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new InputError(`--${flag}`, '', `an integer >= ${min}`, String(value));
}
