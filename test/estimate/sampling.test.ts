/**
 * How the estimate spends its simulations over incident classes (`inclusionProbabilities`)
 * when the classes outnumber them: the floors take at most half of the budget, the rest goes
 * by sqrt(count), so a frequent class is measured better than a one-off, no class is dropped,
 * and the Horvitz-Thompson total stays unbiased. The populations below are shaped like dr-site
 * under p1 (1,000 years: 4,855 classes, most of them GC-pause phase variants seen once or
 * twice, and `p1.server- L p1.server+` 4,540 times with ~14 s of failover each; drsite-5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorOf, inclusionProbabilities } from '../../src/estimate/sampling.ts';

/** `rare` classes seen once each and one class seen `frequent` times (key 0). */
function population(rare: number, frequent: number): Map<number, number> {
  return new Map([[0, frequent], ...Array.from({ length: rare }, (_, i): [number, number] => [i + 1, 1])]);
}

/** Expected simulations per class: n_c pi_c. */
function expectedSimulations(counts: ReadonlyMap<number, number>, pi: ReadonlyMap<number, number>): Map<number, number> {
  return new Map([...counts].map(([key, n]) => [key, n * pi.get(key)!]));
}

/**
 * The variance of the Horvitz-Thompson total of `excess` per incident under Poisson sampling
 * with these probabilities: sum over incidents of (1 - pi)/pi * y^2 (every incident of a class
 * has the same y here).
 */
function htVariance(counts: ReadonlyMap<number, number>, pi: ReadonlyMap<number, number>, excess: (key: number) => number): number {
  let v = 0;
  for (const [key, n] of counts) v += (n * (1 - pi.get(key)!) * excess(key) ** 2) / pi.get(key)!;
  return v;
}

describe('the allocation when classes outnumber the simulations', () => {
  it('gives a frequent class many more expected simulations than a one-off, and each one-off at least the floor, budget / (2K)', () => {
    const counts = population(4_854, 4_540);
    const budget = 300;
    const pi = inclusionProbabilities(counts, budget);
    const sims = expectedSimulations(counts, pi);
    const floor = floorOf(budget, counts.size);
    expect(floor).toBeLessThanOrEqual(budget / (2 * counts.size));
    expect(floor).toBeGreaterThan(0);
    // the one-offs: the floor plus their sqrt(1) share, well under one simulation each
    for (let key = 1; key < counts.size; key++) {
      expect(sims.get(key)!).toBeGreaterThanOrEqual(floor);
      expect(sims.get(key)!).toBeLessThan(0.1);
    }
    // the frequent class: sqrt(4,540) = 67 times a one-off's water share, about 2 simulations (the rule before: 0.062)
    expect(sims.get(0)!).toBeGreaterThan(10 * sims.get(1)!);
    expect(sims.get(0)!).toBeGreaterThan(2);
    // the budget is spent in expectation
    expect([...sims.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(budget, 6);
  });

  it('lowers the Horvitz-Thompson variance of a frequent costly class several times against equal floors', () => {
    const counts = population(4_854, 4_540);
    const budget = 300;
    const excess = (key: number) => (key === 0 ? 13.8 : 0.5);
    const now = htVariance(counts, inclusionProbabilities(counts, budget), excess);
    // the rule before: budget / K expected simulations for every class, nothing else
    const equal = new Map([...counts].map(([key, n]) => [key, budget / counts.size / n]));
    const before = htVariance(counts, equal, excess);
    expect(now).toBeLessThan(before / 5);
  });

  it('for any counts: every pi in (0, 1], the budget spent, the floors at most half of it, the rest by sqrt(count)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 1_000 }),
        (list, budget) => {
          const counts = new Map(list.map((n, key) => [key, n]));
          const pi = inclusionProbabilities(counts, budget);
          const total = list.reduce((a, b) => a + b, 0);
          const sims = expectedSimulations(counts, pi);
          for (const p of pi.values()) {
            expect(p).toBeGreaterThan(0);
            expect(p).toBeLessThanOrEqual(1);
          }
          const spent = [...sims.values()].reduce((a, b) => a + b, 0);
          expect(spent).toBeCloseTo(Math.min(budget, total), 6);
          const floor = floorOf(budget, list.length);
          expect(list.length * floor).toBeLessThanOrEqual((budget / 2) * (1 + 1e-12));
          // what is spent above the floors: at least half the budget, unless every incident is simulated
          const above = spent - list.length * floor;
          if (total > budget) expect(above).toBeGreaterThanOrEqual(Math.max(budget / 2, budget - list.length) * (1 - 1e-9));
          // more incidents never means fewer expected simulations, nor a higher probability
          const byCount = [...counts].sort((a, b) => a[1] - b[1]);
          for (let i = 1; i < byCount.length; i++) {
            expect(sims.get(byCount[i][0])!).toBeGreaterThanOrEqual(sims.get(byCount[i - 1][0])! * (1 - 1e-9));
            expect(pi.get(byCount[i][0])!).toBeLessThanOrEqual(pi.get(byCount[i - 1][0])! * (1 + 1e-9));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the Horvitz-Thompson total unbiased: its mean over many Poisson samples is the real total', () => {
    // a small population, so many samples are cheap: 60 classes, 3 of them frequent, for 20 simulations
    const counts = new Map<number, number>([[0, 900], [1, 400], [2, 50], ...Array.from({ length: 57 }, (_, i): [number, number] => [i + 3, 1 + (i % 3)])]);
    const excess = (key: number) => (key === 0 ? 14 : key === 1 ? 3 : 1 + (key % 7));
    const pi = inclusionProbabilities(counts, 20);
    const real = [...counts].reduce((s, [key, n]) => s + n * excess(key), 0);
    // a fixed LCG: the test's draws are the same every run
    let state = 12345;
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const samples = 4_000;
    let sum = 0;
    let sumSq = 0;
    for (let s = 0; s < samples; s++) {
      let estimate = 0;
      for (const [key, n] of counts) for (let i = 0; i < n; i++) if (uniform() < pi.get(key)!) estimate += excess(key) / pi.get(key)!;
      sum += estimate;
      sumSq += estimate * estimate;
    }
    const mean = sum / samples;
    const standardError = Math.sqrt((sumSq / samples - mean * mean) / samples);
    expect(Math.abs(mean - real)).toBeLessThan(4 * standardError);
    // and the analytic variance agrees with the samples' (within 10 %)
    const analytic = htVariance(counts, pi, excess);
    expect(Math.abs(sumSq / samples - mean * mean - analytic) / analytic).toBeLessThan(0.1);
  });
});
