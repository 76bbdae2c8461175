import { describe, expect, it } from 'vitest';
import { inclusionProbabilities } from '../../src/estimate/sampling.ts';
import { batchMeans, chiSquareQuantile, garwood, tQuantile, weightedPoisson, weightedQuantile, wilson } from '../../src/estimate/statistics.ts';

describe('interval arithmetic', () => {
  it('Garwood: the exact Poisson interval (tables: n=0 -> [0, 3.689], n=10 -> [4.795, 18.390])', () => {
    expect(garwood(0, 0.95).high).toBeCloseTo(3.6889, 3);
    expect(garwood(10, 0.95).low).toBeCloseTo(4.7954, 3);
    expect(garwood(10, 0.95).high).toBeCloseTo(18.3904, 3);
  });

  it('Fay-Feuer reduces to Garwood with unit weights and widens with larger weights', () => {
    const plain = garwood(3, 0.95);
    const ff = weightedPoisson([1, 1, 1], 1, 0.95);
    expect(ff.low).toBeCloseTo(plain.low, 8);
    expect(ff.high).toBeCloseTo(plain.high, 8);
    const heavy = weightedPoisson([10, 10, 10], 10, 0.95);
    expect(heavy.high).toBeCloseTo(10 * plain.high, 6);
  });

  it('Wilson, Student t and chi-square match published values', () => {
    const w = wilson(1, 1000, 0.95);
    expect(w.low).toBeCloseTo(0.000177, 5);
    expect(w.high).toBeCloseTo(0.005643, 5);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.2622, 4);
    expect(chiSquareQuantile(0.975, 4)).toBeCloseTo(11.1433, 3);
  });

  it('batch means and weighted quantiles', () => {
    const b = batchMeans([1, 2, 3, 4, 5], 0.95);
    expect(b.mean).toBe(3);
    expect(b.high - b.mean).toBeCloseTo(2.7764 * Math.sqrt(2.5 / 5), 3);
    expect(weightedQuantile([1, 2, 3], [1, 1, 8], 0.5)).toBe(3);
    expect(weightedQuantile([1, 2, 3], [8, 1, 1], 0.5)).toBe(1);
  });
});

describe('how incidents are chosen for simulation', () => {
  it('simulates every incident when the budget allows', () => {
    const pi = inclusionProbabilities(new Map([[1, 5], [2, 10]]), 100);
    expect([...pi.values()]).toEqual([1, 1]);
  });

  it('spends the budget in expectation, capped classes first, never excluding a class', () => {
    const counts = new Map([[1, 1], [2, 2], [3, 10_000], [4, 1_000_000]]);
    const pi = inclusionProbabilities(counts, 300);
    expect(pi.get(1)).toBe(1);
    expect(pi.get(2)).toBeGreaterThanOrEqual(0.5); // at least one of its two
    const expected = [...counts].reduce((s, [k, n]) => s + n * pi.get(k)!, 0);
    expect(expected).toBeCloseTo(300, 6);
    expect(pi.get(4)!).toBeGreaterThan(0);
    expect(pi.get(3)! * 10_000).toBeLessThan(pi.get(4)! * 1_000_000); // more simulations for the bigger class
  });
});
