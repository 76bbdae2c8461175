import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binomialCdf, fisherExact, kolmogorovSmirnov, mannWhitney, normalCdf, quantileInterval, summarize } from '../../src/calibration/stats.ts';

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

  it('binomial CDF matches scipy.stats.binom.cdf', () => {
    expect(binomialCdf(14, 20, 0.9)).toBeCloseTo(0.011253134, 8);
    expect(binomialCdf(15, 20, 0.9)).toBeCloseTo(0.043174495, 8);
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
  });

  it('quantile interval: the textbook order statistics, and no upper bound of a p90 below 36 values', () => {
    const ranks = (n: number, q: number) => {
      const i = quantileInterval(Array.from({ length: n }, (_, k) => k + 1), q);
      return [i.loRank, i.hiRank, i.lo, i.hi];
    };
    // median of 20: X(6)..X(15) (Conover, table A3); values 1..n make rank = value
    expect(ranks(20, 0.5)).toEqual([6, 15, 6, 15]);
    // p90 of 20: X(15) below (P(B <= 14) = 0.011), nothing above (0.9^20 = 0.12 > 0.025)
    expect(ranks(20, 0.9)).toEqual([15, null, 15, Infinity]);
    // 0.9^35 = 0.02503 > 0.025: still no upper bound; 0.9^36 = 0.0225: the maximum bounds it
    expect(ranks(35, 0.9)[1]).toBeNull();
    expect(ranks(36, 0.9)[1]).toBe(36);
    // the same search with scipy.stats.binom gives ranks 32 and 40 for n = 40
    expect(ranks(40, 0.9).slice(0, 2)).toEqual([32, 40]);
    expect(ranks(1, 0.5)).toEqual([null, null, -Infinity, Infinity]);
  });

  it('quantile interval covers the true p90 at least 95 % of the time (uniform samples of 60)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let covered = 0;
    for (let t = 0; t < 1000; t++) {
      const i = quantileInterval(Array.from({ length: 60 }, rand), 0.9);
      if (i.lo <= 0.9 && 0.9 <= i.hi) covered++;
    }
    expect(covered / 1000).toBeGreaterThanOrEqual(0.94);
  });

  it("Fisher's exact test matches scipy.stats.fisher_exact (two-sided)", () => {
    expect(fisherExact(5, 20, 3, 20)).toBeCloseTo(0.694765, 6);
    expect(fisherExact(5, 20, 15, 20)).toBeCloseTo(0.003848, 6);
    expect(fisherExact(1, 10, 8, 10)).toBeCloseTo(0.005477, 6);
    expect(fisherExact(3, 3, 0, 3)).toBeCloseTo(0.1, 9);
    expect(fisherExact(0, 0, 3, 10)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), (n1, n2, x, y) => {
        const a = x % (n1 + 1);
        const b = y % (n2 + 1);
        const p = fisherExact(a, n1, b, n2);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(fisherExact(b, n2, a, n1)).toBeCloseTo(p, 9);
      }),
    );
  });
});
