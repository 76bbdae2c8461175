import { describe, expect, it } from 'vitest';
import { quantileSorted, quantiles } from '../../src/metrics/quantiles.ts';

describe('quantiles (type 7)', () => {
  it('interpolates linearly between neighbours', () => {
    expect(quantiles([4, 1, 3, 2], [0, 0.25, 0.5, 1])).toEqual([1, 1.75, 2.5, 4]);
    expect(quantiles([1, 2, 3, 4, 10], [0.9])[0]).toBeCloseTo(7.6, 12); // numpy.quantile(..., 0.9)
  });

  it('lands exactly on a rank despite float noise', () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1);
    expect(quantiles(values, [0.99])).toEqual([100]);
    expect(quantiles(Array.from({ length: 1001 }, (_, i) => i), [0.999])).toEqual([999]);
  });

  it('sorts numerically without touching the input', () => {
    const values = [10, 9, 100, 1];
    expect(quantiles(values, [0.5])).toEqual([9.5]);
    expect(values).toEqual([10, 9, 100, 1]);
  });

  it('returns the value of a one-element sample and NaN for an empty one', () => {
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('rejects q outside [0, 1]', () => {
    expect(() => quantileSorted([1], 1.5)).toThrow(RangeError);
  });
});
