import { describe, expect, it } from 'vitest';
import { recovery } from '../../src/check/recovery.ts';
import type { HistoryEvent } from '../../src/history/history.ts';
import { acked, crash, fail, faultBegin, faultEnd, history, invoke, ms, ok, role, unserved } from './helpers.ts';

const frame = { healAt: ms(10_000), settleEndAt: ms(20_000), endAt: ms(21_000) };

/** a serves o1, crashes at 1.5 s; orders every second from 2 s are lost until b serves at `backMs`. */
function failover(backMs: number): HistoryEvent[] {
  const events: HistoryEvent[] = [role(0, 'a', 'primary', 1), ...acked('o1', 1_000, 'a'), crash(1_500, 'a')];
  for (let t = 2_000; t < backMs; t += 1_000) events.push(...unserved(`lost-${t}`, t));
  events.push(role(backMs - 100, 'b', 'primary', 2), ...acked('back', backMs - 2, 'b')); // acked at backMs
  return events;
}

describe('recovery: service returns after heal', () => {
  it('stays quiet when an order invoked after heal is acked before settle ends', () => {
    expect(recovery.check(history([...failover(3_000), ...acked('late', 12_000, 'b')], frame))).toEqual([]);
  });

  it('catches a service that never acks again after heal, at settle end', () => {
    const violations = recovery.check(history([...failover(3_000), ...unserved('after', 11_000)], frame));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'recovery', time: ms(20_000) });
    expect(violations[0].detail).toContain('none of the 1 order(s) invoked after faults healed at 10.000s');
  });

  it('does not count an ack that arrives after settle ends', () => {
    const h = history([...failover(3_000), invoke(19_990, 'slow'), ok(20_500, 'slow', 'b', 510)], frame);
    expect(recovery.check(h).map((v) => v.time)).toEqual([ms(20_000)]);
  });

  it('has nothing to judge when the only orders after heal met a closed market', () => {
    const h = history([...failover(3_000), invoke(11_000, 'closed'), fail(11_001, 'closed', 'market-closed')], frame);
    expect(recovery.check(h)).toEqual([]);
  });

  it('has nothing to judge when no order is invoked after heal', () => {
    expect(recovery.check(history([role(0, 'a', 'primary'), ...unserved('o1', 5_000)], frame))).toEqual([]);
  });
});

describe('recovery: outages within the RTO target', () => {
  it('stays quiet for an outage within the target', () => {
    // Outage from 2 s to 7 s: exactly the 5 s target.
    expect(recovery.check(history(failover(7_000), frame))).toEqual([]);
  });

  it('catches an outage over the target while a standby was healthy, when it passed the target', () => {
    const violations = recovery.check(history(failover(9_000), frame));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'recovery', time: ms(7_000) });
    expect(violations[0].detail).toBe('outage from 2.000s to 9.000s lasted 7s, over the RTO target of 5s, while a healthy node existed');
  });

  it('excuses an outage during which no node was healthy', () => {
    const h = history([...failover(9_000), faultBegin(3_000, 7, ['b']), faultEnd(3_500, 7, ['b'])], frame);
    expect(recovery.check(h)).toEqual([]);
  });

  it('does not excuse an outage when only the failed primary was unhealthy', () => {
    const h = history([...failover(9_000), faultBegin(1_500, 7, ['a']), faultEnd(8_000, 7, ['a'])], frame);
    expect(recovery.check(h)).toHaveLength(1);
  });

  it('leaves an outage still open at settle end to the first check', () => {
    // Open from 2 s; no order after heal, so nothing is reported.
    const events: HistoryEvent[] = [role(0, 'a', 'primary', 1), ...acked('o1', 1_000, 'a')];
    for (let t = 2_000; t < 10_000; t += 1_000) events.push(...unserved(`lost-${t}`, t));
    expect(recovery.check(history(events, frame))).toEqual([]);
  });
});
