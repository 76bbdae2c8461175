/**
 * Real against hasim, step by step: for each step of an experiment the two samples' summaries,
 * the ratio of medians, Mann-Whitney and Kolmogorov-Smirnov p-values, and the verdict the
 * fidelity test applies:
 *
 * - the median must be within `max(5 %, the 95 % confidence half-width of the difference of the
 *   two medians)`: a fixture of 20-30 trials (and a test's few dozen seeds) cannot pin a median
 *   closer than its order statistics allow, so a tighter bound would fail on sampling noise
 *   rather than on hasim. The half-width of the difference is the root sum of squares of each
 *   sample's distribution-free half-width;
 * - the p90 within `max(10 %, the same half-width for the p90)`;
 * - an absolute floor of 20 ms on both (one Sentinel or etcd tick is 100 ms; below 20 ms the
 *   harness's own sampling of the client loop dominates);
 * - intervals between consecutive steps of the protocol (`sdown→odown`) are held to the same
 *   rule, so a disagreement shows the stage it starts in;
 * - counts (election rounds) compare the share of trials above a threshold (a second round):
 *   hasim's share must lie in the Wilson 95 % interval of the real share;
 * - lost acked writes: where the real system lost none, hasim must lose none; where it lost
 *   some, hasim's share of losing runs must lie in the Wilson interval of the real share.
 *
 * A step that fails is `disagrees` unless it is listed in the residuals table
 * (`residuals.ts`), in which case it is `residual` and the table says why.
 */
import { quantileSorted } from '../metrics/quantiles.ts';
import { stepValues, type Fixture } from './fixture.ts';
import type { Experiment } from './experiments.ts';
import { residualFor, type Residual } from './residuals.ts';
import type { SimTrial } from './run-experiment.ts';
import { kolmogorovSmirnov, mannWhitney, summarize, type Summary } from './stats.ts';

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

export type Verdict = 'agrees' | 'residual' | 'disagrees' | 'no-data';

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
  medianOk: boolean;
  p90Ok: boolean;
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
  /** Wilson 95 % interval of the real share. */
  interval: [number, number];
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
 * Half-width of a distribution-free 95 % confidence interval of the q-quantile of a sample
 * (order statistics at n q ± 1.96 √(n q (1 - q))), taken as the larger side.
 */
export function quantileHalfWidth(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n < 2) return Infinity;
  const spread = 1.96 * Math.sqrt(n * q * (1 - q));
  const lo = sorted[Math.max(0, Math.floor(n * q - spread) - 1)];
  const hi = sorted[Math.min(n - 1, Math.ceil(n * q + spread) - 1)];
  const point = quantileSorted(sorted, q);
  return Math.max(point - lo, hi - point);
}

function compareStep(experiment: Experiment, name: string, doc: string, real: number[], sim: number[]): StepComparison {
  const r = summarize(real);
  const s = summarize(sim);
  // the difference of two sample quantiles: its half-width combines both samples' half-widths
  const combined = (q: number) => Math.hypot(quantileHalfWidth(real, q), quantileHalfWidth(sim, q));
  const medianToleranceMs = Math.max(ABSOLUTE_FLOOR_MS, MEDIAN_TOLERANCE * Math.abs(r.median), combined(0.5));
  const p90ToleranceMs = Math.max(ABSOLUTE_FLOOR_MS, P90_TOLERANCE * Math.abs(r.p90), combined(0.9));
  const medianOk = Math.abs(s.median - r.median) <= medianToleranceMs;
  const p90Ok = Math.abs(s.p90 - r.p90) <= p90ToleranceMs;
  const residual = residualFor(experiment.id, name);
  const verdict = verdictOf(medianOk && p90Ok, residual, real.length > 0 && sim.length > 0);
  return {
    step: name,
    doc,
    real: r,
    sim: s,
    medianRatio: s.median / r.median,
    medianToleranceMs,
    p90ToleranceMs,
    medianOk,
    p90Ok,
    mannWhitneyP: mannWhitney(real, sim).p,
    ksP: kolmogorovSmirnov(real, sim).p,
    verdict,
    ...(residual ? { residual } : {}),
  };
}

export function compareExperiment(experiment: Experiment, fixture: Fixture, sim: SimTrial[]): ExperimentComparison {
  const real = fixture.trials.filter((t) => t.completed);
  const simValues = (step: string) => sim.map((t) => t.steps[step]).filter((v): v is number => v !== null);
  const steps = experiment.steps.map((step) => compareStep(experiment, step.name, step.doc, stepValues(fixture, step.name), simValues(step.name)));
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
    const interval = wilson(realWith, values.length);
    const share = sim.length ? simWith / sim.length : NaN;
    const ok = share >= interval[0] && share <= interval[1];
    const residual = residualFor(experiment.id, count.name);
    return { name: count.name, doc: count.doc, realWith, realTrials: values.length, simWith, simTrials: sim.length, interval, ok, verdict: verdictOf(ok, residual, values.length > 0 && sim.length > 0), ...(residual ? { residual } : {}) };
  });
  const counted = real.filter((t) => t.lostAckedWrites !== null);
  const realLost = counted.reduce((sum, t) => sum + (t.lostAckedWrites ?? 0), 0);
  const realWith = counted.filter((t) => (t.lostAckedWrites ?? 0) > 0).length;
  const simLost = sim.reduce((sum, t) => sum + t.lostAckedWrites, 0);
  const simWith = sim.filter((t) => t.lostAckedWrites > 0).length;
  const [lo, hi] = wilson(realWith, counted.length);
  const ok = realLost === 0 ? simLost === 0 : sim.length > 0 && simWith / sim.length >= lo && simWith / sim.length <= hi;
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
      ok,
      verdict: verdictOf(ok, lossResidual, counted.length > 0 && sim.length > 0),
      ...(lossResidual ? { residual: lossResidual } : {}),
    },
  };
}
