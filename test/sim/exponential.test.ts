import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { standardExponential, ZIGGURAT_AREA, ZIGGURAT_R, ZIGGURAT_X } from '../../src/sim/exponential.ts';
import { Rng } from '../../src/sim/rng.ts';

/** Draws of the ziggurat at a fixed seed. */
function drawsOf(n: number, seed = 1): Float64Array {
  const rng = Rng.stream(seed, 'ziggurat-test');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.exponential();
  return out;
}

const N = 1_000_000;
const sample = drawsOf(N);
const sorted = Float64Array.from(sample).sort();
const cdf = (x: number) => 1 - Math.exp(-x);

describe('the exponential ziggurat', () => {
  it('builds its layers from the definition: the paper\'s r, every layer of area v, the top one reaching the peak', () => {
    // Marsaglia & Tsang 2000, section 4: r = 7.69711747013104972, v = 3.949659822581572e-3 for 256 layers
    expect(ZIGGURAT_R).toBeCloseTo(7.69711747013104972, 12);
    expect(ZIGGURAT_AREA).toBeCloseTo(3.949659822581572e-3, 15);
    expect(ZIGGURAT_X[1]).toBe(ZIGGURAT_R);
    expect(ZIGGURAT_X[256]).toBe(0);
    for (let i = 1; i < 256; i++) {
      const area = ZIGGURAT_X[i] * (Math.exp(-ZIGGURAT_X[i + 1]) - Math.exp(-ZIGGURAT_X[i]));
      expect(Math.abs(area - ZIGGURAT_AREA) / ZIGGURAT_AREA).toBeLessThan(1e-9);
    }
  });

  it('is exponential (Kolmogorov-Smirnov over 1,000,000 draws at a fixed seed)', () => {
    let d = 0;
    for (let i = 0; i < N; i++) {
      const f = cdf(sorted[i]);
      d = Math.max(d, f - i / N, (i + 1) / N - f);
    }
    // the 0.1 % critical value is 1.95 / sqrt(n)
    expect(d).toBeLessThan(1.95 / Math.sqrt(N));
  });

  it('has mean 1 and variance 1, and the quantiles of Exp(1) (p50, p90, p99, p99.9, p99.99)', () => {
    let sum = 0;
    let squares = 0;
    for (const x of sample) {
      sum += x;
      squares += x * x;
    }
    const mean = sum / N;
    // standard errors: 1/sqrt(n) for the mean, sqrt(8/n) for the variance; 4 of them
    expect(Math.abs(mean - 1)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(squares / N - mean * mean - 1)).toBeLessThan(4 * Math.sqrt(8 / N));
    for (const p of [0.5, 0.9, 0.99, 0.999, 0.9999]) {
      // how many draws fall under the true quantile: binomial(n, p), within 4 standard deviations
      const q = -Math.log(1 - p);
      let below = 0;
      while (below < N && sorted[below] < q) below++;
      expect(Math.abs(below - N * p)).toBeLessThan(4 * Math.sqrt(N * p * (1 - p)));
    }
  });

  it('draws the tail beyond the last layer (x > r) as often as Exp(1) does, and exponential there too', () => {
    // P(X > r) = e^-r ≈ 4.5e-4: ~450 of a million draws; beyond r, X - r is again Exp(1)
    const tail = sample.filter((x) => x > ZIGGURAT_R);
    const expected = N * Math.exp(-ZIGGURAT_R);
    expect(Math.abs(tail.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const excess = tail.reduce((a, x) => a + x - ZIGGURAT_R, 0) / tail.length;
    expect(Math.abs(excess - 1)).toBeLessThan(4 / Math.sqrt(tail.length));
    // not cut at any layer: some draws go well past r (P(X > r + 3) ≈ 2.3e-5: ~23 expected)
    expect(tail.filter((x) => x > ZIGGURAT_R + 3).length).toBeGreaterThan(5);
  });

  it('is exponential everywhere: 500 equal-probability bins hold n/500 draws each (chi-square)', () => {
    // bins between consecutive quantiles k/B; a wrong wedge test or layer edge shows as a bin off
    const bins = 500;
    const counts = new Float64Array(bins);
    for (const x of sample) counts[Math.min(bins - 1, Math.floor(cdf(x) * bins))]++;
    const expected = N / bins;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    // chi-square with 499 degrees of freedom: mean 499, sd ~31.6; 0.1 % critical ~600
    expect(chi2).toBeLessThan(600);
  });

  it('returns a finite non-negative value for any uniforms, and the fast path is x = position × layer step', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 64, maxLength: 64 }), (words) => {
        let k = 0;
        const x = standardExponential({ float: () => words[k++ % words.length] / 2 ** 32 });
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        const first = words[0];
        const layer = first & 255;
        const position = (first >>> 8) * (ZIGGURAT_X[layer] / 2 ** 24);
        if (position < ZIGGURAT_X[layer + 1]) expect(x).toBe(position);
      }),
    );
  });

  it('does not depend on the seed for its shape: another seed passes the same KS bound', () => {
    const other = Float64Array.from(drawsOf(200_000, 2)).sort();
    let d = 0;
    for (let i = 0; i < other.length; i++) {
      const f = cdf(other[i]);
      d = Math.max(d, f - i / other.length, (i + 1) / other.length - f);
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(other.length));
  });
});
