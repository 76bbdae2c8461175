/**
 * The interval arithmetic of estimates: batch means with Student's t for means over
 * independent chunks; the Garwood exact Poisson interval for a count of rare events, and its
 * generalisation to weighted counts (Fay and Feuer 1997, "Confidence intervals for directly
 * standardized rates: a method based on the gamma distribution"), which is what a
 * Horvitz-Thompson total of sampled incidents is; Wilson's score interval for a proportion;
 * and weighted quantiles. Distribution functions are computed here (no dependency): the
 * regularised incomplete gamma and beta functions by series and continued fractions
 * (Numerical Recipes, 3rd ed., 6.2 and 6.4), quantiles by bisection.
 *
 * ```ts
 * garwood(0, 0.95);  // { low: 0, high: 3.689 }: no event seen, the rate is below 3.69 per span
 * wilson(1, 1000, 0.95); // { low: 0.00018, high: 0.0056 }
 * ```
 */
import { inverseNormal } from '../sim/distributions.ts';

export interface Interval {
  low: number;
  high: number;
}

/** The standard normal quantile; Acklam's approximation (see sim/distributions.ts). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return inverseNormal(p);
}

function logGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const t = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let s = 1.000000000190015;
  for (const ci of c) s += ci / ++y;
  return -t + Math.log((2.5066282746310005 * s) / x);
}

/** P(a, x): the regularised lower incomplete gamma function. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** The p-quantile of the chi-square distribution with `df` (> 0, not necessarily integer) degrees of freedom. */
export function chiSquareQuantile(p: number, df: number): number {
  if (p <= 0) return 0;
  const cdf = (x: number) => gammaP(df / 2, x / 2);
  let hi = Math.max(1, df);
  while (cdf(hi) < p) hi *= 2;
  return bisect(cdf, p, 0, hi);
}

/** I_x(a, b): the regularised incomplete beta function. */
function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - betaI(1 - x, b, a);
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
    c = 1 + aa / c;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
    c = 1 + aa / c;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return (front * h) / a;
}

/** The p-quantile of Student's t with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  const cdf = (t: number) => 1 - 0.5 * betaI(df / (df + t * t), df / 2, 0.5);
  let hi = 2;
  while (cdf(hi) < p) hi *= 2;
  return bisect(cdf, p, 0, hi);
}

function bisect(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Garwood's exact interval for the mean of a Poisson count `n`. */
export function garwood(n: number, confidence: number): Interval {
  const alpha = 1 - confidence;
  return { low: n === 0 ? 0 : chiSquareQuantile(alpha / 2, 2 * n) / 2, high: chiSquareQuantile(1 - alpha / 2, 2 * n + 2) / 2 };
}

/**
 * Fay-Feuer gamma interval for a weighted sum of Poisson counts, sum w_i x_i (each event i
 * with its weight). `maxWeight` is the largest weight an event could have had (for zero events
 * too). With every weight 1 it is Garwood's interval.
 */
export function weightedPoisson(weights: readonly number[], maxWeight: number, confidence: number): Interval {
  const alpha = 1 - confidence;
  const y = weights.reduce((a, b) => a + b, 0);
  const v = weights.reduce((a, w) => a + w * w, 0);
  const wm = Math.max(maxWeight, ...weights);
  const low = y === 0 ? 0 : (v / (2 * y)) * chiSquareQuantile(alpha / 2, (2 * y * y) / v);
  const high = ((v + wm * wm) / (2 * (y + wm))) * chiSquareQuantile(1 - alpha / 2, (2 * (y + wm) ** 2) / (v + wm * wm));
  return { low, high };
}

/** Wilson's score interval for a proportion of `k` successes in `n` trials. */
export function wilson(k: number, n: number, confidence: number): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Mean of independent batch values with a Student-t interval (no interval from one batch). */
export function batchMeans(values: readonly number[], confidence: number): { mean: number; low: number; high: number; stderr: number } {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, low: NaN, high: NaN, stderr: NaN };
  const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / (k - 1);
  const stderr = Math.sqrt(variance / k);
  const t = tQuantile(1 - (1 - confidence) / 2, k - 1);
  return { mean, low: mean - t * stderr, high: mean + t * stderr, stderr };
}

/** The q-quantile of values with weights (the smallest value whose cumulative weight reaches q). */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (const i of order) {
    acc += weights[i];
    if (acc >= q * total - 1e-9 * total) return values[i];
  }
  return values[order[order.length - 1]];
}
