/**
 * Two-sample statistics for calibration: a five-figure summary of a sample (min, median, p90,
 * max), the Mann-Whitney U test (do the two samples come from distributions with the same
 * location?) and the two-sample Kolmogorov-Smirnov test (the same distribution?), both with a
 * two-sided p-value from their large-sample approximations, fair from about 8 values per
 * sample; a distribution-free confidence interval of a quantile from the order statistics
 * (exact binomial, no approximation, so it says honestly when a small sample cannot bound a
 * p90); and Fisher's exact test of two shares (trials with a second election round, with lost
 * writes), exact at any count. Calibration fixtures hold 8-60 real trials against a few dozen
 * simulated.
 *
 * ```ts
 * mannWhitney([1, 2, 3], [4, 5, 6]).p; // 0.08: different locations, but only three values each
 * kolmogorovSmirnov([1, 2, 3], [4, 5, 6]).d; // 1
 * quantileInterval(twentyValues, 0.9).hi; // Infinity: 20 values cannot bound a p90 from above
 * fisherExact(5, 20, 3, 20); // 0.69: 25 % and 15 % of 20 trials do not differ
 * ```
 */
import { quantiles } from '../metrics/quantiles.ts';

export interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** min / median / p90 / max (type-7 quantiles); NaN for an empty sample. */
export function summarize(values: readonly number[]): Summary {
  const [min, median, p90, max] = quantiles(values, [0, 0.5, 0.9, 1]);
  return { n: values.length, min, median, p90, max };
}

/** Standard normal CDF, by the complementary error function (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export interface TestResult {
  /** The statistic: U of the first sample for Mann-Whitney, D for Kolmogorov-Smirnov. */
  statistic: number;
  /** Two-sided p-value; NaN when either sample is empty. */
  p: number;
}

/**
 * Mann-Whitney U with mid-ranks for ties, the tie-corrected variance and a continuity
 * correction; p from the normal approximation.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): TestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, p: NaN };
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const midRank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].first) rankSumA += midRank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { statistic: u, p: 1 };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { statistic: u, p: Math.min(1, 2 * (1 - normalCdf(z))) };
}

/** Kolmogorov's Q(λ) = 2 Σ (-1)^(k-1) exp(-2 k² λ²): the asymptotic tail of √n·D. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Two-sample Kolmogorov-Smirnov: D is the largest gap between the two empirical CDFs; p uses
 * Stephens' small-sample adjustment of the asymptotic distribution (Numerical Recipes, kstwo).
 */
export function kolmogorovSmirnov(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length === 0 || b.length === 0) return { statistic: NaN, p: NaN };
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const en = Math.sqrt((x.length * y.length) / (x.length + y.length));
  return { statistic: d, p: kolmogorovQ((en + 0.12 + 0.11 / en) * d) };
}

/** ln(n!) for the binomial and hypergeometric probabilities, from a table grown on demand. */
const LOG_FACTORIAL = [0];
function logFactorial(n: number): number {
  for (let k = LOG_FACTORIAL.length; k <= n; k++) LOG_FACTORIAL.push(LOG_FACTORIAL[k - 1] + Math.log(k));
  return LOG_FACTORIAL[n];
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** P(B <= k) for B ~ Binomial(n, p), summed exactly (n is a count of trials: small). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

export interface QuantileInterval {
  /** Lower bound: the order statistic X(loRank), or -Infinity when no rank reaches the confidence. */
  lo: number;
  /** Upper bound: X(hiRank), or Infinity when the sample is too small to bound it from above. */
  hi: number;
  /** 1-based ranks of the bounds; null where the bound is infinite. */
  loRank: number | null;
  hiRank: number | null;
}

/**
 * Distribution-free, equal-tailed confidence interval of the q-quantile ξ of the distribution a
 * sample comes from, by its order statistics (Conover, "Practical Nonparametric Statistics",
 * 3rd ed., §3.2): with B ~ Binomial(n, q) the number of values below ξ, X(l) > ξ exactly when
 * B < l and X(u) < ξ exactly when B >= u, so the largest l with P(B <= l - 1) <= α/2 and the
 * smallest u with P(B >= u) <= α/2 give P(X(l) <= ξ <= X(u)) >= 1 - α for any continuous
 * distribution. Where no rank meets α/2 the bound is infinite: the sample cannot bound the
 * quantile on that side. For the p90 at 95 % that is the upper side below n = 36, since even
 * the maximum is below the p90 with probability 0.9^n > 0.025.
 */
export function quantileInterval(values: readonly number[], q: number, confidence = 0.95): QuantileInterval {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const tail = (1 - confidence) / 2;
  let loRank: number | null = null;
  for (let l = 1; l <= n && binomialCdf(l - 1, n, q) <= tail; l++) loRank = l;
  let hiRank: number | null = null;
  for (let u = n; u >= 1 && 1 - binomialCdf(u - 1, n, q) <= tail; u--) hiRank = u;
  return {
    lo: loRank === null ? -Infinity : sorted[loRank - 1],
    hi: hiRank === null ? Infinity : sorted[hiRank - 1],
    loRank,
    hiRank,
  };
}

/**
 * Fisher's exact test of two shares: `a` of `n1` trials against `b` of `n2`. Conditional on the
 * margins, the count in the first sample is hypergeometric; the two-sided p is the total
 * probability of the tables no more probable than the observed one (R's fisher.test, with its
 * relative tolerance of 1e-7 for ties). 1 when either sample is empty.
 */
export function fisherExact(a: number, n1: number, b: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  const k = a + b;
  const n = n1 + n2;
  const logP = (x: number) => logChoose(n1, x) + logChoose(n2, k - x) - logChoose(n, k);
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, k - n2); x <= Math.min(n1, k); x++) {
    const lp = logP(x);
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
