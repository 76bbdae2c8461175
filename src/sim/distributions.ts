/**
 * Distributions of durations (and other quantities), as written in files and drawn from a
 * seeded stream. Durations inside a spec are strings with units in files and microseconds
 * once parsed. Draws are clamped at zero: a latency or a time to failure is never negative.
 *
 * ```yaml
 * latency: { lognormal: { median: 50us, p99: 400us } }
 * ttf:     { weibull: { shape: 1.2, scale: 50000h } }
 * ```
 */
import { InputError, describeValue } from './input-error.ts';
import type { Rng } from './rng.ts';
import { parseDuration, type Micros } from './time.ts';

export type DistributionSpec =
  | { constant: number }
  | { uniform: { min: number; max: number } }
  | { exponential: { mean: number } }
  | { normal: { mean: number; stddev: number } }
  | { lognormal: { median: number; sigma: number } }
  | { weibull: { shape: number; scale: number } }
  | { pareto: { scale: number; shape: number } }
  | { empirical: number[] };

export const DISTRIBUTION_KINDS = ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'weibull', 'pareto', 'empirical'] as const;

/** z such that P(Z < z) = 0.99 for a standard normal. */
const Z99 = 2.3263478740408408;

/** A compiled sampler: draws one value from the stream. */
export type Sampler = (rng: Rng) => number;

export function sampler(spec: DistributionSpec): Sampler {
  if ('constant' in spec) {
    const v = spec.constant;
    return () => v;
  }
  if ('uniform' in spec) {
    const { min, max } = spec.uniform;
    return (rng) => min + rng.float() * (max - min);
  }
  if ('exponential' in spec) {
    // the ziggurat (exponential.ts): exact, without a logarithm on ~99 % of draws
    const mean = spec.exponential.mean;
    return (rng) => mean * rng.exponential();
  }
  if ('normal' in spec) {
    const { mean, stddev } = spec.normal;
    return (rng) => Math.max(0, mean + stddev * rng.gaussian());
  }
  if ('lognormal' in spec) return lognormalSampler(Math.log(spec.lognormal.median), spec.lognormal.sigma);
  if ('weibull' in spec) {
    const { shape, scale } = spec.weibull;
    return (rng) => scale * Math.pow(-Math.log(1 - rng.float()), 1 / shape);
  }
  if ('pareto' in spec) {
    const { scale, shape } = spec.pareto;
    return (rng) => scale / Math.pow(1 - rng.float(), 1 / shape);
  }
  const values = spec.empirical;
  return (rng) => values[rng.int(values.length)];
}

/**
 * Lognormal draws by inversion: the quantile function exp(mu + sigma * Phi^-1(u)) is
 * tabulated at QUANTILE_STEPS points and interpolated linearly, so a draw costs one uniform and
 * no transcendental function (latency and fsync draws are on the hot path of every message).
 * The two outer buckets, where the quantile function curves hardest, are computed exactly, so
 * tails are not truncated. The interpolation error in the body is below 0.1 % of the value.
 */
const QUANTILE_STEPS = 1024;

function lognormalSampler(mu: number, sigma: number): Sampler {
  const table = new Float64Array(QUANTILE_STEPS + 1);
  for (let k = 1; k < QUANTILE_STEPS; k++) table[k] = Math.exp(mu + sigma * inverseNormal(k / QUANTILE_STEPS));
  return (rng) => {
    const u = rng.float();
    const x = u * QUANTILE_STEPS;
    const k = x | 0;
    if (k === 0 || k >= QUANTILE_STEPS - 1) return Math.exp(mu + sigma * inverseNormal(u > 0 ? u : Number.MIN_VALUE));
    const lo = table[k];
    return lo + (table[k + 1] - lo) * (x - k);
  };
}

/**
 * The standard normal quantile function Phi^-1(p), 0 < p < 1, by Acklam's rational
 * approximation (relative error < 1.15e-9), a well-known published algorithm.
 */
export function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The mean of a distribution (used by closed-form checks and reports). */
export function meanOf(spec: DistributionSpec): number {
  if ('constant' in spec) return spec.constant;
  if ('uniform' in spec) return (spec.uniform.min + spec.uniform.max) / 2;
  if ('exponential' in spec) return spec.exponential.mean;
  if ('normal' in spec) return spec.normal.mean;
  if ('lognormal' in spec) return spec.lognormal.median * Math.exp((spec.lognormal.sigma ** 2) / 2);
  if ('weibull' in spec) return spec.weibull.scale * gamma(1 + 1 / spec.weibull.shape);
  if ('pareto' in spec) return spec.pareto.shape <= 1 ? Infinity : (spec.pareto.shape * spec.pareto.scale) / (spec.pareto.shape - 1);
  return spec.empirical.reduce((a, b) => a + b, 0) / spec.empirical.length;
}

/**
 * E[X - deficit(X)]: the mean of what is left of a draw after a bounded `deficit` (0 <= deficit(x)
 * <= x, bounded by a constant), as mean minus E[deficit(X)], the second integrated over the
 * quantile function by the midpoint rule (2^16 points; empirical data exactly). The integrand
 * is bounded, so heavy tails do not hurt. `hasim estimate` uses it for the part of a down
 * period that the clients see as an outage (estimate/plant.ts).
 */
export function meanAfterDeficit(spec: DistributionSpec, deficit: (x: number) => number): number {
  if ('empirical' in spec) return spec.empirical.reduce((a, v) => a + v - deficit(v), 0) / spec.empirical.length;
  if ('constant' in spec) return spec.constant - deficit(spec.constant);
  const quantile = quantileOf(spec);
  const steps = 1 << 16;
  let lost = 0;
  for (let k = 0; k < steps; k++) lost += deficit(quantile((k + 0.5) / steps));
  return meanOf(spec) - lost / steps;
}

/** The quantile function (draws clamped at zero, as `sampler`). */
function quantileOf(spec: Exclude<DistributionSpec, { constant: number } | { empirical: number[] }>): (u: number) => number {
  if ('uniform' in spec) return (u) => spec.uniform.min + u * (spec.uniform.max - spec.uniform.min);
  if ('exponential' in spec) return (u) => -spec.exponential.mean * Math.log(1 - u);
  if ('normal' in spec) return (u) => Math.max(0, spec.normal.mean + spec.normal.stddev * inverseNormal(u));
  if ('lognormal' in spec) return (u) => spec.lognormal.median * Math.exp(spec.lognormal.sigma * inverseNormal(u));
  if ('weibull' in spec) return (u) => spec.weibull.scale * Math.pow(-Math.log(1 - u), 1 / spec.weibull.shape);
  return (u) => spec.pareto.scale / Math.pow(1 - u, 1 / spec.pareto.shape);
}

/** Lanczos approximation of the gamma function (for Weibull means). */
function gamma(z: number): number {
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  z -= 1;
  let x = c[0];
  for (let i = 1; i < g + 2; i++) x += c[i] / (z + i);
  const t = z + g + 0.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * x;
}

const EXPECTED = `a duration (e.g. 5ms) or one of ${DISTRIBUTION_KINDS.map((k) => `{ ${k}: ... }`).join(', ')}`;

/**
 * Parses a distribution of durations from a file: a plain duration means `constant`.
 * `lognormal` takes `median` and either `sigma` or `p99`.
 */
export function parseDurationDistribution(raw: unknown, source: string, field: string): DistributionSpec {
  if (typeof raw === 'string') return { constant: parseDuration(raw, source, field) };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(source, field, EXPECTED, describeValue(raw));
  const keys = Object.keys(raw);
  if (keys.length !== 1 || !(DISTRIBUTION_KINDS as readonly string[]).includes(keys[0])) {
    throw new InputError(source, field, EXPECTED, keys.length ? `{ ${keys.join(', ')} }` : 'an empty mapping');
  }
  const kind = keys[0];
  const body = (raw as Record<string, unknown>)[kind];
  const at = `${field}.${kind}`;
  const dur = (name: string): Micros => parseDuration(fieldOf(body, name, source, at), source, `${at}.${name}`);
  const num = (name: string, min: number): number => {
    const v = fieldOf(body, name, source, at);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new InputError(source, `${at}.${name}`, `a number >= ${min}`, describeValue(v));
    }
    return v;
  };
  switch (kind) {
    case 'constant':
      return { constant: parseDuration(body, source, at) };
    case 'uniform': {
      const min = dur('min');
      const max = dur('max');
      if (max < min) throw new InputError(source, `${at}.max`, 'a duration >= min', describeValue((body as Record<string, unknown>).max));
      return { uniform: { min, max } };
    }
    case 'exponential':
      return { exponential: { mean: dur('mean') } };
    case 'normal':
      return { normal: { mean: dur('mean'), stddev: dur('stddev') } };
    case 'lognormal': {
      const median = dur('median');
      if (median <= 0) throw new InputError(source, `${at}.median`, 'a positive duration', describeValue((body as Record<string, unknown>).median));
      const b = body as Record<string, unknown>;
      if (b.p99 !== undefined) {
        const p99 = dur('p99');
        if (p99 < median) throw new InputError(source, `${at}.p99`, 'a duration >= median', describeValue(b.p99));
        return { lognormal: { median, sigma: Math.log(p99 / median) / Z99 } };
      }
      return { lognormal: { median, sigma: num('sigma', 0) } };
    }
    case 'weibull':
      return { weibull: { shape: num('shape', Number.MIN_VALUE), scale: dur('scale') } };
    case 'pareto':
      return { pareto: { scale: dur('scale'), shape: num('shape', Number.MIN_VALUE) } };
    default: {
      if (!Array.isArray(body) || body.length === 0) throw new InputError(source, at, 'a non-empty list of durations', describeValue(body));
      return { empirical: body.map((v, i) => parseDuration(v, source, `${at}[${i}]`)) };
    }
  }
}

function fieldOf(body: unknown, name: string, source: string, at: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InputError(source, at, `a mapping with ${name}`, describeValue(body));
  return (body as Record<string, unknown>)[name];
}

/** Lognormal latency from a median and a p99, both in µs. */
export function lognormalFromP99(median: Micros, p99: Micros): DistributionSpec {
  return { lognormal: { median, sigma: Math.log(p99 / median) / Z99 } };
}

/**
 * A duration drawn log-normally with median `median` and log-standard deviation `spread` (0:
 * `median` itself): an operation time calibrated by its median (Pacemaker's operations,
 * keepalived's address changes).
 */
export function drawAroundMedian(rng: Rng, median: Micros, spread: number): Micros {
  if (median <= 0 || spread <= 0) return median;
  return Math.round(median * Math.exp(spread * rng.gaussian()));
}
