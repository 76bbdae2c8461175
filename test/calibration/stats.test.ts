import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kolmogorovSmirnov, mannWhitney, normalCdf, summarize } from '../../src/calibration/stats.ts';

describe('calibration statistics', () => {
  it('summarises a sample as min / median / p90 / max (type-7 quantiles)', () => {
    expect(summarize([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ n: 10, min: 1, median: 5.5, p90: 9.1, max: 10 });
  });

  it('normal CDF matches reference values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('Mann-Whitney: U and the continuity-corrected asymptotic p (scipy mannwhitneyu gives 0.0809)', () => {
    const r = mannWhitney([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(0);
    expect(r.p).toBeCloseTo(0.0809, 3);
  });

  it('Mann-Whitney handles ties with mid-ranks and the tie-corrected variance', () => {
    // by hand: ranks of a = 1, 3, 3, 5.5 -> U = 12.5 - 10 = 2.5; ties (3 twos, 2 threes) give
    // var = 16/12 (9 - 30/56) = 11.286; z = (|2.5 - 8| - 0.5) / 3.359 = 1.488; p = 0.1366
    const r = mannWhitney([1, 2, 2, 3], [2, 3, 4, 5]);
    expect(r.statistic).toBe(2.5);
    expect(r.p).toBeCloseTo(0.1366, 3);
  });

  it('Kolmogorov-Smirnov: D is the largest CDF gap', () => {
    expect(kolmogorovSmirnov([1, 2, 3], [4, 5, 6]).statistic).toBe(1);
    expect(kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]).statistic).toBe(0.5);
  });

  it('both tests separate a shifted sample and accept the same one', () => {
    const a = Array.from({ length: 40 }, (_, i) => 1000 + 25 * i);
    const shifted = a.map((x) => x + 400);
    expect(mannWhitney(a, shifted).p).toBeLessThan(0.001);
    // D = 16/40 = 0.4 with 40 + 40 values: p = Q(1.85) = 0.002
    expect(kolmogorovSmirnov(a, shifted).p).toBeLessThan(0.01);
    expect(mannWhitney(a, [...a]).p).toBeGreaterThan(0.9);
    expect(kolmogorovSmirnov(a, [...a]).p).toBe(1);
  });

  it('p-values lie in [0, 1] and the tests are symmetric', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        for (const test of [mannWhitney, kolmogorovSmirnov]) {
          const ab = test(a, b).p;
          expect(ab).toBeGreaterThanOrEqual(0);
          expect(ab).toBeLessThanOrEqual(1);
          expect(test(b, a).p).toBeCloseTo(ab, 9);
        }
      }),
    );
  });
});
