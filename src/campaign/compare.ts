/**
 * `compare()` and `sweep()`: campaigns whose point is the table, not the verdict. Compare runs
 * several designs under the same seeds and schedules; sweep runs one design across values of
 * a parameter. Both are `campaign()` with one variant per design or per value, no shrinking.
 *
 * With no schedules and no profile they use a fixed set of bundled scenarios (crashes,
 * partitions, a GC pause, packet loss, ...) times 3 seeds, so `hasim compare` alone gives a
 * quick, meaningful table; with no designs compare takes every bundled design.
 *
 * ```ts
 * const result = await compare({ designs: ['raft', 'hot-standby-naive'], runs: 3 });
 * const sweepResult = await sweep({ design: 'raft', param: 'electionTimeout', values: ['500ms', '1s', '2s'] });
 * ```
 */
import { InputError } from '../sim/input-error.ts';
import { MS, SECOND, tryParseDuration, type Micros } from '../sim/time.ts';
import { parseParam } from '../world/params.ts';
import { parseWorkloadText, WORKLOAD_NAMES } from '../faults/schedule-workload.ts';
import type { CampaignResult } from './campaign.ts';
import { designNames, loadDesign, scenarioNames } from './catalog.ts';
import { campaign, type CampaignInput } from './check.ts';

/** The scenarios compare and sweep use by default, those of them that are bundled. */
export const DEFAULT_COMPARE_SCENARIOS = ['primary-crash', 'server-crash', 'partition-primary', 'partition-one-way', 'gc-pause', 'packet-loss'];
/** Seeds per scenario by default (fixed schedules) or runs under a profile. */
export const DEFAULT_COMPARE_RUNS = 3;
export const DEFAULT_PROFILE_RUNS = 20;

export interface CompareOptions extends CampaignInput {
  /** Designs by name or path; default every bundled design. */
  designs?: string[];
  /** Overrides per design label, or for every design that has the parameter (key `*`). */
  params?: Record<string, Record<string, string>>;
}

export async function compare(options: CompareOptions): Promise<CampaignResult> {
  const designs = options.designs?.length ? options.designs : designNames();
  if (designs.length === 0) throw new InputError('design', '', 'at least one design (none are bundled)');
  const variants = [];
  for (const name of designs) {
    const design = await loadDesign(name);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.params?.['*'] ?? {})) if (k in design.params) params[k] = v;
    Object.assign(params, options.params?.[name] ?? {}, design.name !== name ? (options.params?.[design.name] ?? {}) : {});
    variants.push({ design: name, params, label: design.name });
  }
  for (const [k] of Object.entries(options.params?.['*'] ?? {})) {
    if (!variants.some((v) => k in v.params)) throw new InputError('--set', k, `a parameter of at least one compared design`);
  }
  for (const key of Object.keys(options.params ?? {})) {
    if (key !== '*' && !variants.some((v) => v.label === key || v.design === key)) throw new InputError('--set', key, `one of the compared designs (${variants.map((v) => v.label).join(', ')})`);
  }
  return campaign(variants, withDefaults(options));
}

export interface SweepOptions extends CampaignInput {
  design: string;
  /**
   * The parameter swept, and its values (as `--set` would take them): a design parameter, or a
   * workload setting by its flag's name (`rate`, `clients`, `timeout`, `attempts`, `retry`,
   * `arrivals`, `reads`), whose values are taken as that flag takes them. A design parameter
   * of the same name comes first.
   */
  param: string;
  values: string[];
  /** Other overrides, fixed across the sweep. */
  params?: Record<string, string>;
}

export async function sweep(options: SweepOptions): Promise<CampaignResult> {
  if (options.values.length === 0) throw new InputError('--param', options.param, 'at least one value');
  const design = await loadDesign(options.design);
  if (!(options.param in design.params) && WORKLOAD_NAMES[options.param]) return sweepWorkload(options, WORKLOAD_NAMES[options.param]);
  if (!(options.param in design.params)) {
    const workload = Object.keys(WORKLOAD_NAMES).join(', ');
    throw new InputError('--param', options.param, `a parameter of ${design.name} (${Object.keys(design.params).join(', ') || 'it has none'}) or a workload setting (${workload})`);
  }
  if (options.params && options.param in options.params) throw new InputError('--set', options.param, `a parameter other than the swept one (--param ${options.param})`);
  if (new Set(options.values).size !== options.values.length) throw new InputError('--param', options.param, 'each value once', options.values.join(','));
  for (const value of options.values) parseParam(design.params[options.param], value, '--param', options.param);
  const variants = options.values.map((value) => ({
    design: options.design,
    params: { ...options.params, [options.param]: value },
    label: `${options.param}=${value}`,
  }));
  return campaign(variants, withDefaults(options));
}

/** A sweep over a workload setting: one variant per value, each with that setting (`rate=1000`). */
function sweepWorkload(options: SweepOptions, field: string): Promise<CampaignResult> {
  const flag = `--${options.param}`;
  if ((options.workload as Record<string, unknown> | undefined)?.[field] !== undefined) throw new InputError(flag, '', `no ${flag} when sweeping ${options.param} (--param ${options.param}=...)`);
  if (new Set(options.values).size !== options.values.length) throw new InputError('--param', options.param, 'each value once', options.values.join(','));
  const variants = options.values.map((value) => ({
    design: options.design,
    params: { ...options.params },
    workload: { [field]: parseWorkloadText(field, value, { source: '--param', field: options.param }) },
    label: `${options.param}=${value}`,
  }));
  return campaign(variants, withDefaults(options));
}

function withDefaults(options: CampaignInput): CampaignInput {
  const fixed = !options.profile && !options.schedules?.length;
  const available = new Set(scenarioNames());
  const schedules = fixed ? DEFAULT_COMPARE_SCENARIOS.filter((s) => available.has(s)) : options.schedules;
  if (fixed && schedules!.length === 0) throw new InputError('-s', '', 'schedules to run (no default scenarios are bundled)');
  return {
    ...options,
    schedules,
    runs: options.runs ?? (options.profile ? DEFAULT_PROFILE_RUNS : DEFAULT_COMPARE_RUNS),
    shrinkRuns: options.shrinkRuns ?? 0,
    maxFailures: options.maxFailures ?? 5,
  };
}

/**
 * Parses a sweep's values: `v1,v2,...`, or a range `start..end:step` of durations
 * (`1s..5s:1s`) or numbers (`1..9:2`; step 1 by default for numbers).
 */
export function parseSweepValues(raw: string): string[] {
  const range = /^\s*([^.,:]+?)\s*\.\.\s*([^.,:]+?)\s*(?::\s*([^,:]+?)\s*)?$/.exec(raw);
  if (!range) {
    const values = raw.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new InputError('--param', '', 'name=v1,v2,... or name=start..end:step', JSON.stringify(raw));
    return values;
  }
  const [, from, to, step] = range;
  const asNumbers = [from, to, step ?? '1'].map(Number);
  if (asNumbers.every(Number.isFinite)) return steps(asNumbers[0], asNumbers[1], asNumbers[2], raw).map((x) => String(Math.round(x * 1e9) / 1e9));
  const asDurations = [from, to, step].map((s) => (s === undefined ? undefined : tryParseDuration(s)));
  if (asDurations.some((d) => d === undefined)) {
    throw new InputError('--param', '', 'a range of numbers (1..9:2) or of durations with a step (1s..5s:1s)', JSON.stringify(raw));
  }
  return steps(asDurations[0]!, asDurations[1]!, asDurations[2]!, raw).map(exactDuration);
}

/** A duration in the largest unit that writes it exactly: `2s`, `1500ms`, `250us`. */
function exactDuration(us: Micros): string {
  const n = Math.round(us);
  return n % SECOND === 0 ? `${n / SECOND}s` : n % MS === 0 ? `${n / MS}ms` : `${n}us`;
}

function steps(from: number, to: number, step: number, raw: string): number[] {
  if (!(step > 0) || to < from) throw new InputError('--param', '', 'a range start..end:step with start <= end and a positive step', JSON.stringify(raw));
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > 1000) throw new InputError('--param', '', 'a range of at most 1000 values', JSON.stringify(raw));
  return Array.from({ length: count }, (_, i) => from + i * step);
}
