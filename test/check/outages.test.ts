import { describe, expect, it } from 'vitest';
import { findOutages, scopeOutages } from '../../src/check/outages.ts';
import { computeMetrics } from '../../src/metrics/index.ts';
import { acked, crash, fail, history, info, invoke, ms, ok, role, unserved } from '../check/helpers.ts';

const frame = { settleEndAt: ms(10_000), endAt: ms(11_000) };

describe('findOutages', () => {
  it('spans consecutive unserved orders, from the first invoke to the next ack a client receives', () => {
    const h = history([
      role(0, 'a', 'primary', 1), acked('o1', 0, 'a'),
      ...unserved('o2', 2_000), ...unserved('o3', 3_000, 'fail'),
      role(2_500, 'b', 'candidate', 2), role(2_800, 'b', 'primary', 2), acked('o4', 4_000, 'b'),
    ], frame);
    expect(findOutages(h)).toEqual([
      {
        start: ms(2_000), end: ms(4_002), open: false, kind: 'down', share: 1, scopes: [], unservedOrders: 2, detectedAt: ms(2_500), failoverAt: ms(2_800),
        detectedBy: 'b', promoted: 'b', routing: null, servedBy: { client: 'c1', node: 'b' },
      },
    ]);
  });

  it('ends an outage at the ack of an order invoked mid-outage, not at its invoke', () => {
    // o3 is sent during the election and acked once b is primary: served (within the timeout),
    // but the clients had no answer until its ack at 3.4 s
    const h = history([
      role(0, 'a', 'primary', 1), acked('o1', 0, 'a'), crash(1_000, 'a'),
      ...unserved('o2', 1_000), role(2_900, 'b', 'candidate', 2), acked('o3', 3_000, 'b', 400),
      role(3_300, 'b', 'primary', 2), { type: 'vip', time: ms(3_350), node: 'b' }, acked('o4', 3_200, 'b', 201),
    ], frame);
    expect(findOutages(h)).toEqual([
      {
        start: ms(1_000), end: ms(3_400), open: false, kind: 'down', share: 1, scopes: [], unservedOrders: 1, detectedAt: ms(2_900), failoverAt: ms(3_300),
        detectedBy: 'b', promoted: 'b', routing: 'VIP to b', servedBy: { client: 'c1', node: 'b' },
      },
    ]);
  });

  it('is not ended by the ack of an order invoked before it started', () => {
    const h = history([acked('o1', 999, 'a', 50), ...unserved('o2', 1_000), acked('o3', 2_000, 'b')], frame);
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(1_000), ms(2_002)]]);
  });

  it('counts a late ack (after the client timeout) as the end: a client received it', () => {
    const h = history([invoke(1_000, 'o1'), ok(2_500, 'o1', 'a', 1_500), acked('o2', 3_000, 'a')], frame);
    expect(findOutages(h).map((o) => [o.start, o.end, o.unservedOrders])).toEqual([[ms(1_000), ms(2_500), 1]]);
  });

  it('leaves an outage unserved until settle end open, and reports no reaction as null', () => {
    const h = history([role(0, 'a', 'primary', 1), acked('o1', 0, 'a'), ...unserved('o2', 8_000)], frame);
    expect(findOutages(h)).toEqual([
      { start: ms(8_000), end: ms(10_000), open: true, kind: 'down', share: 1, scopes: [], unservedOrders: 1, detectedAt: null, failoverAt: null, detectedBy: null, promoted: null, routing: null, servedBy: null },
    ]);
  });

  it('does not let a market-closed rejection end or start an outage', () => {
    const h = history([
      acked('o1', 0, 'a'), ...unserved('o2', 1_000), invoke(2_000, 'o3'), fail(2_001, 'o3', 'market-closed'), acked('o4', 3_000, 'a'),
      invoke(4_000, 'o5'), fail(4_001, 'o5', 'market-closed'),
    ], frame);
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(1_000), ms(3_002)]]);
  });

  it('treats an unserved stretch shorter than 100 ms between served orders as a blip, not an outage', () => {
    const h = history([
      acked('o1', 0, 'a'), ...unserved('o2', 1_000), acked('o3', 1_005, 'a'),
      ...unserved('o4', 2_000), acked('o5', 2_097, 'a'),
      ...unserved('o6', 3_000), acked('o7', 3_098, 'a'),
    ], frame);
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(3_000), ms(3_100)]]);
  });

  it('ignores role changes after the outage ended', () => {
    const h = history([...unserved('o1', 0), acked('o2', 1_000, 'a'), role(1_500, 'a', 'primary', 1)], frame);
    expect(findOutages(h)[0]).toMatchObject({ start: 0, end: ms(1_002), detectedAt: null, failoverAt: null });
  });

  it('orders same-instant invokes by order id', () => {
    const h = history([...unserved('b', 1_000), acked('a', 1_000, 'x'), acked('c', 2_000, 'x')], frame);
    // a (served) sorts before b (unserved) at 1 s, so the outage runs from b to c's ack.
    expect(findOutages(h).map((o) => [o.start, o.end])).toEqual([[ms(1_000), ms(2_002)]]);
  });

  describe('partial service (a design that serves in scopes)', () => {
    // three clients, one per shard; c1 and c2 keep being served, c3's shard is down 2-6 s
    const clientScopes = { c1: 'shard1', c2: 'shard2', c3: 'shard3' };
    const served = (at: number) => [acked(`x${at}`, at, 'a1', 2, 'c1'), acked(`y${at}`, at, 'a2', 2, 'c2')];
    const down3 = (id: string, at: number) => [invoke(at, id, 'c3'), info(at + 1_000, id, 'timeout', 'c3')];

    it('reports one shard of three down as a degraded outage with a third of the orders', () => {
      const h = history([
        ...served(0), acked('z0', 0, 'a3', 2, 'c3'),
        ...down3('z1', 2_000), ...served(2_500), ...down3('z2', 3_000), ...served(4_000), acked('z3', 5_000, 's', 1_000, 'c3'),
        ...served(7_000),
      ], { ...frame, clientScopes });
      const [outage, ...rest] = findOutages(h);
      expect(rest).toEqual([]);
      expect(outage).toMatchObject({ start: ms(2_000), end: ms(6_000), kind: 'degraded', scopes: ['shard3'], unservedOrders: 2, servedBy: { client: 'c3', node: 's' } });
      expect(outage.share).toBeCloseTo(1 / 3, 12);
      // the other shards' acks do not end it: each scope is judged on its own orders
      expect(scopeOutages(h).get('shard3')!.map((o) => [o.start, o.end, o.kind])).toEqual([[ms(2_000), ms(6_000), 'down']]);
      expect(scopeOutages(h).get('shard1')).toEqual([]);
    });

    it('merges overlapping scope outages into one, down while every scope was down, its share the weighted mean', () => {
      const downIn = (client: string, id: string, at: number) => [invoke(at, id, client), info(at + 1_000, id, 'timeout', client)];
      const h = history([
        ...downIn('c1', 'p', 1_000), acked('p2', 4_000, 'a1', 1_000, 'c1'), // shard1 down 1-5 s
        ...downIn('c2', 'q', 2_000), acked('q2', 5_000, 'a2', 1_000, 'c2'), // shard2 down 2-6 s
        ...downIn('c3', 'r', 3_000), acked('r2', 3_500, 'a3', 500, 'c3'), // shard3 down 3-4 s
      ], { ...frame, clientScopes });
      const outages = findOutages(h);
      expect(outages.map((o) => [o.start, o.end, o.kind, o.scopes])).toEqual([[ms(1_000), ms(6_000), 'down', ['shard1', 'shard2', 'shard3']]]);
      // (4 s + 4 s + 1 s) of one third each, over 5 s
      expect(outages[0].share).toBeCloseTo(9 / 3 / 5, 12);
    });

    it('weights uptime by the share: a third of the service down for 4 s of 10 costs 4/3 s', () => {
      const h = history([
        ...served(0), acked('z0', 0, 'a3', 2, 'c3'),
        ...down3('z1', 2_000), acked('z3', 5_000, 's', 1_000, 'c3'), ...served(9_000),
      ], { ...frame, clientScopes });
      const m = computeMetrics(h);
      expect(m.downtimeMs).toBeCloseTo(4_000 / 3, 6);
      expect(m.uptimeFraction).toBeCloseTo(1 - 4_000 / 3 / 10_000, 12);
      expect(m.scopes!.shard3).toMatchObject({ share: 1 / 3, uptimeFraction: 1 - 4_000 / 10_000 });
      expect(m.scopes!.shard1).toMatchObject({ availability: 1, outages: [] });
    });
  });
});
