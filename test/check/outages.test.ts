import { describe, expect, it } from 'vitest';
import { findOutages } from '../../src/check/outages.ts';
import { acked, fail, history, invoke, ms, role, unserved } from '../check/helpers.ts';

const frame = { settleEndAt: ms(10_000), endAt: ms(11_000) };

describe('findOutages', () => {
  it('spans consecutive unserved orders, from the first invoke to the next served invoke', () => {
    const h = history([
      role(0, 'a', 'primary', 1), acked('o1', 0, 'a'),
      ...unserved('o2', 2_000), ...unserved('o3', 3_000, 'fail'),
      role(2_500, 'b', 'candidate', 2), role(2_800, 'b', 'primary', 2), acked('o4', 4_000, 'b'),
    ], frame);
    expect(findOutages(h)).toEqual([
      { start: ms(2_000), end: ms(4_000), open: false, unservedOrders: 2, detectedAt: ms(2_500), failoverAt: ms(2_800) },
    ]);
  });

  it('leaves an outage unserved until settle end open, and reports no reaction as null', () => {
    const h = history([role(0, 'a', 'primary', 1), acked('o1', 0, 'a'), ...unserved('o2', 8_000)], frame);
    expect(findOutages(h)).toEqual([
      { start: ms(8_000), end: ms(10_000), open: true, unservedOrders: 1, detectedAt: null, failoverAt: null },
    ]);
  });

  it('does not let a market-closed rejection end or start an outage', () => {
    const h = history([
      acked('o1', 0, 'a'), ...unserved('o2', 1_000), invoke(2_000, 'o3'), fail(2_001, 'o3', 'market-closed'), acked('o4', 3_000, 'a'),
      invoke(4_000, 'o5'), fail(4_001, 'o5', 'market-closed'),
    ], frame);
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(1_000), ms(3_000)]]);
  });

  it('treats an unserved stretch shorter than 100 ms between served orders as a blip, not an outage', () => {
    const h = history([
      acked('o1', 0, 'a'), ...unserved('o2', 1_000), acked('o3', 1_005, 'a'),
      ...unserved('o4', 2_000), acked('o5', 2_099, 'a'),
      ...unserved('o6', 3_000), acked('o7', 3_100, 'a'),
    ], frame);
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(3_000), ms(3_100)]]);
  });

  it('ignores role changes after the outage ended', () => {
    const h = history([...unserved('o1', 0), acked('o2', 1_000, 'a'), role(1_500, 'a', 'primary', 1)], frame);
    expect(findOutages(h)[0]).toMatchObject({ start: 0, end: ms(1_000), detectedAt: null, failoverAt: null });
  });

  it('orders same-instant invokes by order id', () => {
    const h = history([...unserved('b', 1_000), acked('a', 1_000, 'x'), acked('c', 2_000, 'x')], frame);
    // a (served) sorts before b (unserved) at 1 s, so the outage runs from b to c.
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(1_000), ms(2_000)]]);
  });
});
