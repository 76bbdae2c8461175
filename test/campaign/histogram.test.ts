/**
 * The campaign histogram: quantiles within its stated relative error of the exact
 * nearest-rank quantiles, exact merges, and results independent of recording order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, bucketRange, Histogram, RELATIVE_ERROR } from '../../src/campaign/histogram.ts';

/** The exact nearest-rank quantile: the value of rank ceil(q n), at least 1. */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
}

const values = fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 1, maxLength: 300 });
const quantile = fc.oneof(fc.constantFrom(0, 0.01, 0.5, 0.9, 0.99, 0.999, 1), fc.double({ min: 0, max: 1, noNaN: true }));

describe('Histogram', () => {
  it('reports every quantile within its relative error of the exact nearest-rank quantile', () => {
    fc.assert(
      fc.property(values, quantile, (xs, q) => {
        const h = new Histogram();
        for (const x of xs) h.record(x);
        const exact = nearestRank(xs, q);
        expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(exact * RELATIVE_ERROR + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('states a relative error under 1 %', () => {
    expect(RELATIVE_ERROR).toBeLessThan(0.01);
  });

  it('keeps values below 256 exactly, and the extremes, count and sum exactly', () => {
    const h = new Histogram();
    for (const x of [3, 200, 255, 1_000_003, 7]) h.record(x);
    expect([h.quantile(0), h.quantile(0.25), h.quantile(0.5), h.quantile(1)]).toEqual([3, 7, 200, 1_000_003]);
    expect([h.count, h.sum, h.min, h.max]).toEqual([5, 1_000_468, 3, 1_000_003]);
  });

  it('merges exactly: two histograms merged equal one histogram of both samples', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const a = new Histogram();
        const b = new Histogram();
        const both = new Histogram();
        for (const x of xs) (a.record(x), both.record(x));
        for (const y of ys) (b.record(y), both.record(y));
        expect(a.merge(b.state()).state()).toEqual(both.state());
      }),
      { numRuns: 100 },
    );
  });

  it('does not depend on the order values arrive in', () => {
    fc.assert(
      fc.property(values, fc.integer(), (xs, seed) => {
        const shuffled = [...xs].sort((x, y) => ((x * 2654435761 + seed) % 97) - ((y * 2654435761 + seed) % 97));
        const a = new Histogram();
        const b = new Histogram();
        for (const x of xs) a.record(x);
        for (const x of shuffled) b.record(x);
        expect(b.state()).toEqual(a.state());
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips through its JSON state', () => {
    const h = new Histogram();
    for (const x of [0, 1, 999, 123_456_789]) h.record(x);
    expect(Histogram.from(JSON.parse(JSON.stringify(h.state()))).state()).toEqual(h.state());
  });

  it('tiles the integers with buckets: each value falls in its bucket, and buckets are contiguous', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (v) => {
        const [low, high] = bucketRange(bucketOf(v));
        expect(low).toBeLessThanOrEqual(v);
        expect(v).toBeLessThanOrEqual(high);
        expect(bucketRange(bucketOf(v) + 1)[0]).toBe(high + 1);
      }),
    );
    for (const p of [256, 512, 2 ** 20, 2 ** 33]) {
      expect(bucketRange(bucketOf(p))[0]).toBe(p);
      expect(bucketRange(bucketOf(p - 1))[1]).toBe(p - 1);
    }
  });

  it('is NaN when empty', () => {
    expect(new Histogram().quantile(0.5)).toBeNaN();
    expect(new Histogram().mean()).toBeNaN();
  });
});
