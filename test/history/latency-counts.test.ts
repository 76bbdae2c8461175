import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LatencyCounts } from '../../src/history/latency-counts.ts';

describe('LatencyCounts', () => {
  // dense values (clustered, and across chunk edges), values past the dense range, negative and fractional ones
  const latency = fc.oneof(
    fc.nat({ max: 5000 }),
    fc.constantFrom(0, 1023, 1024, 1025, 2047, 2048, (1 << 24) - 1, 1 << 24, 2 ** 31, 2 ** 40, -1, -2048, 0.5, 1024.25),
  );

  it('counts as a Map<latency, count> does: get, size and the same [latency, count] pairs', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 400 }), (values) => {
        const counts = new LatencyCounts();
        const model = new Map<number, number>();
        for (const v of values) {
          counts.add(v);
          model.set(v, (model.get(v) ?? 0) + 1);
        }
        expect(counts.size).toBe(model.size);
        for (const v of [...values, 3, 5000, 1 << 24, -7]) expect(counts.get(v)).toBe(model.get(v));
        const pairs = [...counts];
        expect(pairs.sort((a, b) => a[0] - b[0])).toEqual([...model].sort((a, b) => a[0] - b[0]));
        expect(new Map(counts)).toEqual(model);
      }),
    );
  });

  it('lists dense latencies in ascending order', () => {
    const counts = new LatencyCounts();
    for (const v of [5000, 3, 1024, 3, 70_000, 1023]) counts.add(v);
    expect([...counts]).toEqual([
      [3, 2],
      [1023, 1],
      [1024, 1],
      [5000, 1],
      [70_000, 1],
    ]);
  });
});
