import { describe, expect, it } from 'vitest';
import { ackLatency } from '../../src/metrics/latency.ts';
import { acked, history, unserved } from '../check/helpers.ts';

describe('ackLatency', () => {
  it('takes type-7 quantiles of acked orders in milliseconds', () => {
    const events = Array.from({ length: 100 }, (_, i) => acked(`o${i}`, i * 10, 'a', i + 1)).flat();
    const latency = ackLatency(history([...events, ...unserved('lost', 5_000)]));
    expect(latency.p50).toBe(50.5);
    expect(latency.p99).toBeCloseTo(99.01, 9);
    expect(latency.p999).toBeCloseTo(99.901, 9);
    expect(latency.max).toBe(100);
  });

  it('is all zero when nothing was acked', () => {
    expect(ackLatency(history(unserved('o1', 0)))).toEqual({ p50: 0, p99: 0, p999: 0, max: 0 });
  });
});
