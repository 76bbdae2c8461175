/**
 * The folded order flow (history/fold/order-flow.ts, ack-frontier.ts) finds the same outages as
 * the rule applied to every order's record (check/outages.ts, as it was computed before the
 * fold): for random order traffic with many orders invoked and acked at the same instant, late
 * acks after a timeout, refusals and market-closed orders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_OUTAGE, scopeOutages } from '../../../src/check/outages.ts';
import { orderRecords, serviceOf, type OrderRecord } from '../../../src/check/orders.ts';
import type { History, HistoryEvent } from '../../../src/history/history.ts';
import { OrderTags, OrderTimes } from '../../../src/history/order-columns.ts';
import { history, ms } from '../../check/helpers.ts';

/** The outage rule over every counted order's record: the backward scan for the first ack at or after each. */
function referenceSpans(h: History): { start: number; end: number; open: boolean; unservedOrders: number; servedBy: { client: string; node: string } | null }[] {
  const counted = orderRecords(h).filter((o) => serviceOf(o, h) !== 'excluded');
  const firstAck = new Array<number>(counted.length);
  let best = -1;
  for (let i = counted.length - 1; i >= 0; i--) {
    const o = counted[i];
    if (o.outcome === 'ok' && (best === -1 || o.outcomeAt! < counted[best].outcomeAt!)) best = i;
    firstAck[i] = best;
  }
  const spans = [];
  let i = 0;
  while (i < counted.length) {
    if (serviceOf(counted[i], h) !== 'unserved') {
      i++;
      continue;
    }
    const start = counted[i].invokeAt;
    const ack: OrderRecord | undefined = counted[firstAck[i]];
    const open = !ack || ack.outcomeAt! > h.settleEndAt;
    const end = open ? Math.max(start, h.settleEndAt) : ack.outcomeAt!;
    let unserved = 0;
    for (; i < counted.length && (counted[i].invokeAt < end || (open && counted[i].invokeAt <= end)); i++) if (serviceOf(counted[i], h) === 'unserved') unserved++;
    if (!open && end - start < MIN_OUTAGE) continue;
    spans.push({ start, end, open, unservedOrders: unserved, servedBy: open ? null : { client: ack.client, node: ack.ackNode ?? '?' } });
  }
  return spans;
}

/** One order: invoked at a coarse instant (so many share one), then maybe acked, refused or timed out. */
const orderArb = fc.record({
  client: fc.constantFrom('c1', 'c2'),
  invokeMs: fc.integer({ min: -300, max: 6_000 }).map((t) => t - (t % 50)),
  end: fc.constantFrom('ok', 'late-ok', 'info', 'info-then-ok', 'fail', 'market-closed', 'none'),
  // never 0: an order acked at the instant it was invoked would make a zero-length outage step (no client sees that)
  delayMs: fc.integer({ min: 1, max: 25 }).map((d) => d * 100),
  node: fc.constantFrom('a', 'b'),
});

type OrderSpec = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

function trafficOf(orders: OrderSpec[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  orders.forEach((o, n) => {
    const orderId = `${o.client}-${n}`;
    const at = ms(o.invokeMs);
    events.push({ type: 'invoke', time: at, client: o.client, orderId });
    const done = at + ms(o.delayMs);
    const ok = (time: number): HistoryEvent => ({ type: 'ok', time, client: o.client, orderId, node: o.node, latency: time - at, attempt: 1 });
    if (o.end === 'ok') events.push(ok(done));
    else if (o.end === 'late-ok') events.push(ok(at + ms(1_000) + ms(o.delayMs)));
    else if (o.end === 'info') events.push({ type: 'info', time: done, client: o.client, orderId, reason: 'timed out' });
    else if (o.end === 'info-then-ok') events.push({ type: 'info', time: done, client: o.client, orderId, reason: 'timed out' }, ok(done + ms(300)));
    else if (o.end !== 'none') events.push({ type: 'fail', time: done, client: o.client, orderId, reason: o.end === 'fail' ? 'refused' : 'market-closed' });
  });
  return events;
}

describe('the folded order flow', () => {
  it('finds the outages the rule finds over every order record', () => {
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 60 }), (orders) => {
        const h = history(trafficOf(orders), { boot: ms(300), settleEndAt: ms(6_000), endAt: ms(7_000) });
        const folded = scopeOutages(h).get('')!.map((o) => ({ start: o.start, end: o.end, open: o.open, unservedOrders: o.unservedOrders, servedBy: o.servedBy }));
        expect(folded).toEqual(referenceSpans(h));
      }),
      { numRuns: 300 },
    );
  });
});

describe('OrderTimes', () => {
  it('keeps the first instant of each id exactly, also far from its chunk and for any id shape', () => {
    const times = new OrderTimes();
    expect(times.setFirst('c1-5', 1_000)).toBe(true);
    expect(times.setFirst('c1-5', 2_000)).toBe(false);
    expect(times.setFirst('c1-6', 1_000 + 5 * 3_600_000_000)).toBe(true); // 5 h after its chunk's first instant
    expect(times.setFirst('o1', -7)).toBe(true);
    expect(times.setFirst('c1-007', 3)).toBe(true);
    expect([times.get('c1-5'), times.get('c1-6'), times.get('o1'), times.get('c1-007'), times.get('c1-7')]).toEqual([1_000, 1_000 + 5 * 3_600_000_000, -7, 3, undefined]);
    const seen: [string, number][] = [];
    times.forEach((id, t) => seen.push([id, t]));
    expect(seen).toEqual([['c1-5', 1_000], ['c1-6', 1_000 + 5 * 3_600_000_000], ['o1', -7], ['c1-007', 3]]);
    expect(times.size).toBe(4);
  });

  it('widens a chunk whose instants spread past 2 bytes, keeping those stored before', () => {
    const times = new OrderTimes();
    const at = (n: number) => 1_000_000 + n * 37 + (n % 3 === 0 ? 0 : 50_000); // within 65 ms of each group's first
    for (let n = 0; n < 200; n++) times.setFirst(`c2-${n}`, at(n));
    times.setFirst('c2-500', at(500) + 90_000_000); // 90 s after its group's first: a late ack
    times.setFirst('c2-501', at(501) - 1_000_000 + 2_000_000);
    times.setFirst('c2-600', 5_000_000);
    times.setFirst('c2-601', 5_100_000); // 100 ms after its group's first: the chunk widens to 4 bytes
    expect([times.get('c2-600'), times.get('c2-601')]).toEqual([5_000_000, 5_100_000]);
    for (let n = 0; n < 200; n++) expect(times.get(`c2-${n}`)).toBe(at(n));
    expect(times.get('c2-500')).toBe(at(500) + 90_000_000);
    expect(times.get('c2-501')).toBe(at(501) + 1_000_000);
    expect(times.get('c2-502')).toBeUndefined();
  });
});

describe('OrderTags', () => {
  it('answers as a map of ids to tags, whether a chunk holds one tag or several', () => {
    const tags = new OrderTags();
    const model = new Map<string, number>();
    const ids = [...Array.from({ length: 3000 }, (_, n) => `c1-${(n * 7) % 3000}`), 'o1', 'c1-00'];
    ids.forEach((id, i) => {
      // one tag for the first 1,500 (uniform chunks), then a few switches (mixed chunks)
      const tag = i < 1_500 ? 3 : 1 + (i % 4);
      expect(tags.setFirst(id, tag)).toBe(!model.has(id));
      if (!model.has(id)) model.set(id, tag);
      expect(tags.setFirst(id, 9)).toBe(false);
    });
    for (const id of [...ids, 'c1-3000', 'c2-1', 'o2']) expect(tags.get(id)).toBe(model.get(id) ?? 0);
  });
});
