import { describe, expect, it } from 'vitest';
import { orderAvailability, uptimeFraction } from '../../src/metrics/availability.ts';
import { findOutages } from '../../src/check/outages.ts';
import { acked, fail, history, info, invoke, ms, ok, role } from '../check/helpers.ts';

export const frame = { settleEndAt: ms(10_000), endAt: ms(11_000) };

// Served: o1, o2, o6, o7. Unserved: o3 (acked too late), o4 (timed out). Excluded: o5 (closed).
export const mixed = history([
  role(0, 'a', 'primary', 1),
  acked('o1', 0, 'a'), acked('o2', 1_000, 'a'),
  invoke(2_000, 'o3'), ok(3_500, 'o3', 'a', 1_500),
  invoke(3_000, 'o4'), info(4_000, 'o4'),
  invoke(4_000, 'o5'), fail(4_001, 'o5', 'market-closed'),
  acked('o6', 5_000, 'a'), acked('o7', 6_000, 'a'),
], frame);

describe('availability', () => {
  it('is the fraction of counted orders acked within the client timeout', () => {
    expect(orderAvailability(mixed)).toBe(4 / 6);
  });

  it('is the uptime share of [first invoke, settle end] outside outages', () => {
    expect(uptimeFraction(mixed, findOutages(mixed))).toBe(0.85); // down from 2 s until o3's late ack reaches the client at 3.5 s, of 10 s
  });

  it('is 1 both ways when there is nothing to measure', () => {
    const empty = history([invoke(0, 'o1'), fail(1, 'o1', 'market-closed')], frame);
    expect(orderAvailability(empty)).toBe(1);
    expect(uptimeFraction(history([], frame), [])).toBe(1);
  });
});
