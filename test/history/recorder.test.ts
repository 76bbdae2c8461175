import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HistoryRecorder, type HistoryEvent } from '../../src/history/history.ts';

/**
 * The recorder's per-field methods for the order traffic (recordInvoke, recordOk,
 * recordAckSent, recordExchange) must leave exactly what `record` of the same event leaves:
 * the same kept events before the origin or without folding, the same fold after it.
 */
describe('HistoryRecorder order traffic by fields', () => {
  const order = fc.tuple(fc.constantFrom('1-', '2-'), fc.nat({ max: 40 })).map(([p, n]) => `${p}${n}`);
  const node = fc.constantFrom('n1', 'n2');
  const event = fc.oneof(
    fc.record({ kind: fc.constant('invoke' as const), client: fc.constantFrom('client:1', 'client:2'), orderId: order, scope: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }) }),
    fc.record({ kind: fc.constant('ok' as const), client: fc.constantFrom('client:1', 'client:2'), orderId: order, node, latency: fc.nat({ max: 3_000_000 }), attempt: fc.integer({ min: 1, max: 3 }), replicas: fc.option(fc.nat({ max: 3 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('ack-sent' as const), orderId: order, node }),
    fc.record({ kind: fc.constant('exchange' as const), orderId: order, node, token: fc.option(fc.nat({ max: 5 }), { nil: null }), accepted: fc.boolean(), reason: fc.option(fc.constantFrom('stale-token', 'market-closed'), { nil: undefined }) }),
    fc.record({ kind: fc.constant('role' as const), node, primary: fc.boolean() }),
  );
  type Drawn = typeof event extends fc.Arbitrary<infer T> ? T : never;

  function asEvent(d: Drawn, time: number): HistoryEvent {
    switch (d.kind) {
      case 'invoke':
        return d.scope === undefined ? { type: 'invoke', time, client: d.client, orderId: d.orderId } : { type: 'invoke', time, client: d.client, orderId: d.orderId, scope: d.scope };
      case 'ok': {
        const ok: HistoryEvent = { type: 'ok', time, client: d.client, orderId: d.orderId, node: d.node, latency: d.latency, attempt: d.attempt };
        if (d.replicas !== undefined) ok.replicas = d.replicas;
        return ok;
      }
      case 'ack-sent':
        return { type: 'ack-sent', time, node: d.node, orderId: d.orderId };
      case 'exchange':
        return { type: 'exchange', time, node: d.node, orderId: d.orderId, token: d.token, accepted: d.accepted, reason: d.reason };
      case 'role':
        return { type: 'role', time, node: d.node, role: d.primary ? 'primary' : 'standby', epoch: 1 };
    }
  }

  function byFields(recorder: HistoryRecorder, d: Drawn, time: number): void {
    switch (d.kind) {
      case 'invoke':
        return recorder.recordInvoke(time, d.client, d.orderId, d.scope);
      case 'ok':
        return recorder.recordOk(time, d.client, d.orderId, d.node, d.latency, d.attempt, d.replicas);
      case 'ack-sent':
        return recorder.recordAckSent(time, d.node, d.orderId);
      case 'exchange':
        return recorder.recordExchange(time, d.node, d.orderId, d.token, d.accepted, d.reason);
      case 'role':
        return recorder.record(asEvent(d, time));
    }
  }

  it('keeps and folds what record() of the same events does, folding from any origin or not at all', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 120 }), fc.nat({ max: 130 }), fc.boolean(), (drawn, originAt, fold) => {
        const whole = new HistoryRecorder();
        const fields = new HistoryRecorder();
        const frame = { clientTimeout: 1_000_000, healAt: 50_000, settleEndAt: 100_000 };
        if (fold) for (const r of [whole, fields]) r.foldTraffic(frame);
        drawn.forEach((d, i) => {
          const time = i * 1000;
          if (i === originAt) for (const r of [whole, fields]) r.setOrigin(time);
          whole.record(asEvent(d, time));
          byFields(fields, d, time);
        });
        expect(fields.events).toEqual(whole.events);
        expect(fields.digest).toEqual(whole.digest);
      }),
      { numRuns: 200 },
    );
  });
});
