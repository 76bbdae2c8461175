import { describe, expect, it } from 'vitest';
import { orderRecords, serviceOf } from '../../src/check/orders.ts';
import { fail, history, info, invoke, ms, ok } from './helpers.ts';

describe('orderRecords', () => {
  it('sorts by invoke time then id, and lets an ok win over an earlier info', () => {
    const h = history([invoke(10, 'b'), invoke(10, 'a'), invoke(5, 'z'), info(1_010, 'a'), ok(1_200, 'a', 'n1', 1_190), fail(12, 'z', 'x'), info(13, 'z')]);
    expect(orderRecords(h)).toEqual([
      { orderId: 'z', client: 'c1', scope: '', invokeAt: ms(5), outcome: 'fail', outcomeAt: ms(12), reason: 'x' },
      { orderId: 'a', client: 'c1', scope: '', invokeAt: ms(10), outcome: 'ok', outcomeAt: ms(1_200), latency: ms(1_190), ackNode: 'n1', reason: undefined },
      { orderId: 'b', client: 'c1', scope: '', invokeAt: ms(10), outcome: 'pending' },
    ]);
  });
});

describe('serviceOf', () => {
  const frame = { clientTimeout: ms(1_000), endAt: ms(10_000) };
  const service = (events: Parameters<typeof history>[0]) => {
    const h = history(events, frame);
    return orderRecords(h).map((o) => serviceOf(o, h));
  };

  it('serves an order acked within the client timeout, inclusive', () => {
    expect(service([invoke(0, 'o'), ok(1_000, 'o', 'a', 1_000)])).toEqual(['served']);
    expect(service([invoke(0, 'o'), ok(1_001, 'o', 'a', 1_001)])).toEqual(['unserved']);
  });

  it('excludes market-closed rejections but not other failures', () => {
    expect(service([invoke(0, 'o'), fail(1, 'o', 'market-closed')])).toEqual(['excluded']);
    expect(service([invoke(0, 'o'), fail(1, 'o', 'refused')])).toEqual(['unserved']);
    expect(service([invoke(0, 'o'), info(1, 'o')])).toEqual(['unserved']);
  });

  it('judges an unanswered order only once its timeout ran out inside the run', () => {
    expect(service([invoke(8_000, 'o')])).toEqual(['unserved']);
    expect(service([invoke(9_500, 'o')])).toEqual(['excluded']);
  });
});
