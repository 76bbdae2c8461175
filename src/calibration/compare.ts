/**
 * Real against hasim, step by step: for each step of an experiment the two samples' summaries,
 * the ratio of medians, Mann-Whitney and Kolmogorov-Smirnov p-values (shown, not used for the
 * verdict: with a few dozen values each they flag shape differences of a few ms that no
 * architect cares about), and the verdict the fidelity test applies:
 *
 * - the median must be within `max(5 %, 20 ms, the sampling noise of the difference)`: a
 *   fixture of 20-60 trials (and a test's few dozen seeds) cannot pin a median closer than its
 *   order statistics allow, so a tighter bound would fail on sampling noise rather than on
 *   hasim. The noise is taken in the direction of the difference: the root sum of squares of the
 *   real sample's distribution-free 95 % interval on hasim's side of its median and hasim's
 *   interval on the real side (`quantileInterval`, exact order statistics);
 * - the p90 within `max(10 %, 20 ms, the same noise for the p90)`. A sample too small to bound
 *   its p90 on the side the difference lies (the upper side below 36 trials) makes a difference
 *   beyond 10 % *not testable*: the check neither passes nor fails it silently, it is reported
 *   as "p90 not testable at n=…" (the median still is tested);
 * - an absolute floor of 20 ms on both (one Sentinel or etcd tick is 100 ms; below 20 ms the
 *   harness's own sampling of the client loop dominates);
 * - intervals between consecutive steps of the protocol (`sdown→odown`) are held to the same
 *   rule, so a disagreement shows the stage it starts in;
 * - how often a step happens at all (share of trials, Fisher's exact test at `SHARE_ALPHA`):
 *   a step the real system reaches in every trial and hasim in half its runs disagrees;
 * - counts (election rounds) compare the share of trials above a threshold (a second round) by
 *   Fisher's exact test at `SHARE_ALPHA`;
 * - lost acked writes: where the real system lost none, hasim must lose none (a safe system's
 *   model must be safe); where it lost some, the shares of trials with a loss by Fisher's exact
 *   test at `SHARE_ALPHA` (the counts themselves depend on the client's write rate).
 *
 * A step that fails is `disagrees` unless it is listed in the residuals table
 * (`residuals.ts`), in which case it is `residual` and the table says why.
 */
import { stepValues, type Fixture } from './fixture.ts';
import type { Experiment } from './experiments.ts';
import { residualFor, type Residual } from './residuals.ts';
import type { SimTrial } from './run-experiment.ts';
import { fisherExact, kolmogorovSmirnov, mannWhitney, quantileInterval, summarize, type Summary } from './stats.ts';

/**
 * Seeds per experiment in the fidelity test and, by default, in the report, so the README's
 * verdicts are the test's: enough that hasim's own sampling noise is below the fixture's, few
 * enough for seconds (an experiment may ask for fewer when its runs are long).
 */
export const FIDELITY_SEEDS = 60;

export function seedsFor(experiment: Experiment): number {
  return experiment.seeds ?? FIDELITY_SEEDS;
}
export const MEDIAN_TOLERANCE = 0.05;
export const P90_TOLERANCE = 0.1;
export const ABSOLUTE_FLOOR_MS = 20;
/**
 * Significance level of the share comparisons (Fisher's exact test). The fidelity test makes
 * about 20 of them (one loss share per experiment, a few counts), on fixed seeds, so a false
 * alarm would stay until the fixture is re-recorded: at 0.01 a faithful hasim raises one in
 * about 5 full runs of the table (1 - 0.99^20), at 0.05 in 2 of 3. At 0.01 the test still
 * separates 25 % from 75 % of 20 real trials against 20 runs (p = 0.004), and anything wider.
 */
export const SHARE_ALPHA = 0.01;

export type Verdict = 'agrees' | 'residual' | 'disagrees' | 'no-data';

/**
 * One quantile check: `ok` (within the tolerance), `fails`, or `untestable` (beyond the
 * percentage tolerance, but a sample cannot bound its quantile on that side).
 */
export type QuantileCheck = 'ok' | 'fails' | 'untestable';

export interface StepComparison {
  step: string;
  doc: string;
  real: Summary;
  sim: Summary;
  /** hasim median / real median. */
  medianRatio: number;
  /** Allowed |sim - real| for the median and the p90 (ms). */
  medianToleranceMs: number;
  p90ToleranceMs: number;
  medianCheck: QuantileCheck;
  p90Check: QuantileCheck;
  /** The median is within its tolerance; the p90 is, or cannot be tested at this sample size. */
  medianOk: boolean;
  p90Ok: boolean;
  /** Why a check is untestable ("p90 not testable at n=20 real trials ..."), if one is. */
  untestable: string[];
  /**
   * How often the step happened at all, real against hasim (a protocol step, not an interval):
   * Fisher's exact test at SHARE_ALPHA, so a step hasim reaches in half the runs and the real
   * system in every trial disagrees even where the times it has agree.
   */
  occurrence?: { realWith: number; realTrials: number; simWith: number; simTrials: number; fisherP: number; ok: boolean };
  mannWhitneyP: number;
  ksP: number;
  verdict: Verdict;
  residual?: Residual;
}

/** A count compared as the share of trials above a threshold. */
export interface ShareComparison {
  name: string;
  doc: string;
  realWith: number;
  realTrials: number;
  simWith: number;
  simTrials: number;
  /** Fisher's exact two-sided p of the two shares. */
  fisherP: number;
  ok: boolean;
  verdict: Verdict;
  residual?: Residual;
}

export interface LossComparison {
  realTrials: number;
  realTrialsWithLoss: number;
  realLost: number;
  simTrials: number;
  simTrialsWithLoss: number;
  simLost: number;
  /** Fisher's exact p of the shares of trials with a loss (1 where the real system lost none: that rule is exact). */
  fisherP: number;
  ok: boolean;
  verdict: Verdict;
  residual?: Residual;
}

export interface ExperimentComparison {
  id: string;
  system: string;
  description: string;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  recordedAt: string;
  loadAvg: { min: number; max: number };
  steps: StepComparison[];
  shares: ShareComparison[];
  loss: LossComparison;
}

/** Wilson score interval (95 %) of `k` successes in `n` trials. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function verdictOf(ok: boolean, residual: Residual | undefined, hasData: boolean): Verdict {
  return hasData && ok ? 'agrees' : residual ? 'residual' : hasData ? 'disagrees' : 'no-data';
}

/**
 * Checks one quantile of hasim against the real one. Within `percent` of the real value (or the
 * 20 ms floor) it is `ok`. Beyond, the difference is compared with the sampling noise in its
 * direction: the real sample's 95 % interval on hasim's side and hasim's on the real side,
 * combined as a root sum of squares (the difference of two independent estimates). A side with
 * no bound (too few values) makes the check `untestable` rather than a silent pass or fail.
 */
function checkQuantile(real: readonly number[], sim: readonly number[], q: number, percent: number, label: string): { check: QuantileCheck; toleranceMs: number; note?: string } {
  const r = summarize(real);
  const s = summarize(sim);
  const [rPoint, sPoint] = q === 0.5 ? [r.median, s.median] : [r.p90, s.p90];
  const floorMs = Math.max(ABSOLUTE_FLOOR_MS, percent * Math.abs(rPoint));
  const ri = quantileInterval(real, q);
  const si = quantileInterval(sim, q);
  const up = sPoint >= rPoint;
  const noiseMs = Math.hypot(up ? ri.hi - rPoint : rPoint - ri.lo, up ? sPoint - si.lo : si.hi - sPoint);
  const toleranceMs = Math.max(floorMs, noiseMs);
  const diff = Math.abs(sPoint - rPoint);
  if (diff <= floorMs) return { check: 'ok', toleranceMs };
  if (Number.isFinite(noiseMs)) return { check: diff <= noiseMs ? 'ok' : 'fails', toleranceMs };
  const short = (up ? ri.hiRank : ri.loRank) === null ? `n=${real.length} real trials` : `n=${sim.length} hasim runs`;
  return { check: 'untestable', toleranceMs, note: `${label} not testable at ${short}: hasim's is ${up ? 'above' : 'below'} the real one by ${((diff / Math.abs(rPoint)) * 100).toFixed(0)} %, and so few values cannot bound a ${label} on that side at 95 %` };
}

function compareStep(experiment: Experiment, name: string, doc: string, real: number[], sim: number[], trials?: { real: number; sim: number }): StepComparison {
  const r = summarize(real);
  const s = summarize(sim);
  const median = checkQuantile(real, sim, 0.5, MEDIAN_TOLERANCE, 'median');
  const p90 = checkQuantile(real, sim, 0.9, P90_TOLERANCE, 'p90');
  // a median that cannot be tested (hasim or the real system reached the step in a handful of
  // runs) is no agreement; a p90 that cannot be is reported as such, the median still stands
  const medianOk = median.check === 'ok';
  const p90Ok = p90.check !== 'fails';
  const occurrenceP = trials ? fisherExact(real.length, trials.real, sim.length, trials.sim) : 1;
  const occurrence = trials ? { realWith: real.length, realTrials: trials.real, simWith: sim.length, simTrials: trials.sim, fisherP: occurrenceP, ok: occurrenceP >= SHARE_ALPHA } : undefined;
  const residual = residualFor(experiment.id, name);
  const verdict = verdictOf(medianOk && p90Ok && (occurrence?.ok ?? true), residual, real.length > 0 && sim.length > 0);
  return {
    step: name,
    doc,
    real: r,
    sim: s,
    medianRatio: s.median / r.median,
    medianToleranceMs: median.toleranceMs,
    p90ToleranceMs: p90.toleranceMs,
    medianCheck: median.check,
    p90Check: p90.check,
    medianOk,
    p90Ok,
    untestable: [median.note, p90.note].filter((x): x is string => x !== undefined),
    ...(occurrence ? { occurrence } : {}),
    mannWhitneyP: mannWhitney(real, sim).p,
    ksP: kolmogorovSmirnov(real, sim).p,
    verdict,
    ...(residual ? { residual } : {}),
  };
}

export function compareExperiment(experiment: Experiment, fixture: Fixture, sim: SimTrial[]): ExperimentComparison {
  const real = fixture.trials.filter((t) => t.completed);
  const simValues = (step: string) => sim.map((t) => t.steps[step]).filter((v): v is number => v !== null);
  const trials = { real: real.length, sim: sim.length };
  const steps = experiment.steps.map((step) => compareStep(experiment, step.name, step.doc, stepValues(fixture, step.name), simValues(step.name), trials));
  const chain = experiment.chain ?? [];
  for (let i = 1; i < chain.length; i++) {
    const [from, to] = [chain[i - 1], chain[i]];
    const gaps = (trials: { steps: Record<string, number | null> }[]) =>
      trials.filter((t) => typeof t.steps[from] === 'number' && typeof t.steps[to] === 'number').map((t) => t.steps[to]! - t.steps[from]!);
    steps.push(compareStep(experiment, `${from}→${to}`, `from ${from} to ${to}`, gaps(real), gaps(sim)));
  }
  const shares = (experiment.counts ?? []).map((count): ShareComparison => {
    const values = real.map((t) => (t as unknown as Record<string, unknown>)[count.name]).filter((v): v is number => typeof v === 'number');
    const realWith = values.filter((v) => v > count.above).length;
    const simWith = sim.filter((t) => t.counts[count.name] > count.above).length;
    const fisherP = fisherExact(realWith, values.length, simWith, sim.length);
    const ok = fisherP >= SHARE_ALPHA;
    const residual = residualFor(experiment.id, count.name);
    return { name: count.name, doc: count.doc, realWith, realTrials: values.length, simWith, simTrials: sim.length, fisherP, ok, verdict: verdictOf(ok, residual, values.length > 0 && sim.length > 0), ...(residual ? { residual } : {}) };
  });
  const counted = real.filter((t) => t.lostAckedWrites !== null);
  const realLost = counted.reduce((sum, t) => sum + (t.lostAckedWrites ?? 0), 0);
  const realWith = counted.filter((t) => (t.lostAckedWrites ?? 0) > 0).length;
  const simLost = sim.reduce((sum, t) => sum + t.lostAckedWrites, 0);
  const simWith = sim.filter((t) => t.lostAckedWrites > 0).length;
  const lossFisherP = realLost === 0 ? 1 : fisherExact(realWith, counted.length, simWith, sim.length);
  const ok = realLost === 0 ? simLost === 0 : sim.length > 0 && lossFisherP >= SHARE_ALPHA;
  const lossResidual = residualFor(experiment.id, 'lostAckedWrites');
  const loads = fixture.trials.map((t) => t.loadAvg?.[0]).filter((v): v is number => typeof v === 'number');
  return {
    id: experiment.id,
    system: experiment.system,
    description: fixture.header.description,
    versions: fixture.header.versions,
    settings: fixture.header.settings,
    recordedAt: fixture.header.recordedAt,
    loadAvg: { min: Math.min(...loads), max: Math.max(...loads) },
    steps,
    shares,
    loss: {
      realTrials: counted.length,
      realTrialsWithLoss: realWith,
      realLost,
      simTrials: sim.length,
      simTrialsWithLoss: simWith,
      simLost,
      fisherP: lossFisherP,
      ok,
      verdict: verdictOf(ok, lossResidual, counted.length > 0 && sim.length > 0),
      ...(lossResidual ? { residual: lossResidual } : {}),
    },
  };
}
