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
    const mean = spec.exponential.mean;
    return (rng) => -mean * Math.log(1 - rng.float());
  }
  if ('normal' in spec) {
    const { mean, stddev } = spec.normal;
    return (rng) => Math.max(0, mean + stddev * rng.gaussian());
  }
  if ('lognormal' in spec) {
    const mu = Math.log(spec.lognormal.median);
    const sigma = spec.lognormal.sigma;
    return (rng) => Math.exp(mu + sigma * rng.gaussian());
  }
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
