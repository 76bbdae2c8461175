/**
 * The count pass keeps only the incidents whose selection draw falls below `InclusionBound`, a
 * bound on their class's inclusion probability computed from one chunk's counts so far; the
 * estimate then samples among them exactly as a second pass over the whole history would.
 * That is right only if the bound is never below the probability `inclusionProbabilities`
 * gives from the final counts of every chunk, and if the kept incidents give the same sample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InclusionBound, inclusionProbabilities } from '../../src/estimate/sampling.ts';
import { runChunk } from '../../src/estimate/chunk.ts';
import { serversOnly } from './helpers.ts';

describe('the inclusion bound of the count pass', () => {
  it('is never below the probability of the final counts, from any part of them, at any point', () => {
    fc.assert(
      fc.property(
        // per class: its total count, and how much of it one chunk has seen so far
        fc.array(fc.record({ total: fc.integer({ min: 1, max: 200_000 }), seen: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 2000 }),
        (classes, budget) => {
          const pi = inclusionProbabilities(new Map(classes.map((c, key) => [key, c.total])), budget);
          const partial = classes.map((c) => Math.floor(c.seen * c.total));
          const bound = new InclusionBound(budget);
          bound.update(partial.filter((n) => n > 0));
          classes.forEach((c, key) => {
            const n = Math.max(1, partial[key]);
            expect(bound.of(n)).toBeGreaterThanOrEqual(pi.get(key)!);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with about as many classes as the budget or more, is never below the final probability, whichever of them were seen', () => {
    fc.assert(
      fc.property(
        // classes near or above the budget in number (postgres-patroni: ~45,000 for 300 simulations), some not seen yet
        fc.array(fc.record({ total: fc.integer({ min: 1, max: 100_000 }), seen: fc.double({ min: -0.3, max: 1, noNaN: true }) }), { minLength: 2, maxLength: 200 }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        (classes, share) => {
          const budget = Math.max(1, Math.floor(share * classes.length));
          const pi = inclusionProbabilities(new Map(classes.map((c, key) => [key, c.total])), budget);
          const partial = classes.map((c) => Math.max(0, Math.floor(c.seen * c.total)));
          const bound = new InclusionBound(budget);
          bound.update(partial);
          classes.forEach((c, key) => expect(bound.of(Math.max(1, partial[key]))).toBeGreaterThanOrEqual(pi.get(key)!));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('over any sequence of incidents with more classes than the budget, bounds each one by its count so far, updated at any points', () => {
    fc.assert(
      fc.property(
        // a skewed draw of classes (a few frequent, many one-offs: dr-site, postgres-patroni), and when the bound is updated
        fc.array(fc.tuple(fc.nat({ max: 599 }), fc.nat({ max: 31 })), { minLength: 2, maxLength: 3_000 }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        (draws, share) => {
          const sequence = draws.map(([a, update]) => ({ key: Math.floor((a * a) / 600), update: update === 0 }));
          const totals = new Map<number, number>();
          for (const { key } of sequence) totals.set(key, (totals.get(key) ?? 0) + 1);
          // fewer simulations than classes, so the floors alone would spend them all
          const budget = Math.max(1, Math.floor(share * totals.size));
          fc.pre(totals.size > budget);
          const pi = inclusionProbabilities(totals, budget);
          const bound = new InclusionBound(budget);
          const seen = new Map<number, number>();
          for (const { key, update } of sequence) {
            seen.set(key, (seen.get(key) ?? 0) + 1);
            expect(bound.of(seen.get(key)!)).toBeGreaterThanOrEqual(pi.get(key)!);
            if (update) bound.update([...seen.values()]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('from the complete counts is the probability itself, with more classes than the budget or fewer', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 600 }), (counts, budget) => {
        const pi = inclusionProbabilities(new Map(counts.map((n, key) => [key, n])), budget);
        const bound = new InclusionBound(budget);
        bound.update(counts);
        counts.forEach((n, key) => {
          expect(bound.of(n)).toBeGreaterThanOrEqual(pi.get(key)!);
          expect(bound.of(n)).toBeLessThanOrEqual(pi.get(key)! * (1 + 2e-6));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('is tight enough to matter: most of a frequent class is left out', () => {
    const bound = new InclusionBound(300);
    bound.update([40_000, 2_000, 500, 30, 1]);
    expect(bound.of(40_000)).toBeLessThan(0.01);
    expect(bound.of(1)).toBe(1);
    // with more classes than the budget too (half of it goes by sqrt(count), so not the floor alone)
    const many = new InclusionBound(300);
    many.update([40_000, 2_000, ...Array.from({ length: 1_000 }, () => 1)]);
    expect(many.of(40_000)).toBeLessThan(0.001);
    expect(many.of(1)).toBeLessThan(0.5);
  });

  it('the count pass keeps every incident the sample takes, and only a few others', async () => {
    const data = serversOnly('software:\n  gcPause: { every: 24h, duration: 200ms }\n');
    const job = { design: 'hot-standby-naive', params: {}, reliability: data, seed: 4, chunk: 0, spanYears: 40, ordersPerSecond: 10, pass: 'count' as const, simulations: 30 };
    const counted = await runChunk(job);
    const pi = inclusionProbabilities(new Map(counted.classes!.map((c) => [c.key, c.count])), 30);
    const kept = new Set(counted.candidates!.map((c) => c.ordinal));
    // the whole chunk's selection draws, as a second pass makes them
    const { Rng } = await import('../../src/sim/rng.ts');
    const { drawIncidents } = await import('../../src/estimate/components.ts');
    const { plantOf } = await import('./helpers.ts');
    const plant = await plantOf('hot-standby-naive', data);
    const select = Rng.stream(4, 'estimate:select:0');
    let ordinal = 0;
    const sampled: number[] = [];
    drawIncidents(plant, Rng.stream(4, 'estimate:chunk:0'), 40 * 365 * 86_400, 30, (draw) => {
      if (select.float() < pi.get(draw.key)!) sampled.push(ordinal);
      ordinal++;
    });
    expect(ordinal).toBe(counted.incidents);
    expect(sampled.length).toBeGreaterThan(0);
    // the estimate samples among the kept ones with the same draws: the same incidents
    const fromKept = counted.candidates!.filter((c) => c.u < pi.get(c.incident.key)!).map((c) => c.ordinal);
    expect(fromKept).toEqual(sampled);
    expect(sampled.every((n) => kept.has(n))).toBe(true);
    expect(counted.candidates!.length).toBeLessThan(counted.incidents / 2);
  });
});
