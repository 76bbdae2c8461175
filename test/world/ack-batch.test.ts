/**
 * Acks answered together leave together: `NodeContext.ackOrders` sends one message per client
 * (`acks`, or `ack` for a client's only one), and the client counts every order in it on its
 * own, as if each had come alone at that instant.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Msg, NodeContext, OrderRequest } from '../../src/world/actor.ts';
import { MessageLog } from '../../src/world/message-log.ts';
import { harness, MS, SECOND } from '../parts/harness.ts';

/** A node that takes every order and acks what it holds every 10 ms, in one `ackOrders` call. */
function batchingNode(batches: OrderRequest[][]) {
  return (ctx: NodeContext): Actor => {
    let held: OrderRequest[] = [];
    return {
      onStart: () => {
        ctx.declareRole('primary', 1);
        ctx.setTimer(10 * MS, 'flush');
      },
      onMessage: (_from: string, msg: Msg) => {
        if (msg.type === 'order') held.push(msg as OrderRequest);
      },
      onTimer: () => {
        if (held.length > 0) {
          batches.push(held.slice());
          ctx.ackOrders(held);
          held = [];
        }
        ctx.setTimer(10 * MS, 'flush');
      },
    };
  };
}

describe('acks answered together', () => {
  it('go to each client in one message, and every order in it is acked on its own', () => {
    const batches: OrderRequest[][] = [];
    const h = harness(['a'], batchingNode(batches), { ordersPerSecond: 2_000 });
    const log = new MessageLog();
    h.world.network.messageLog = log;
    h.runUntil(SECOND);
    const events = h.world.history.events;
    const oks = events.filter((e) => e.type === 'ok');
    const sent = events.filter((e) => e.type === 'ack-sent');
    const acked = batches.flat();
    expect(acked.length).toBeGreaterThan(1_000);
    // every order acked is recorded as sent, and as ok at its client, once
    expect(sent.map((e) => (e as { orderId: string }).orderId)).toEqual(acked.map((o) => o.orderId));
    expect(new Set(oks.map((e) => e.orderId)).size).toBe(oks.length);
    const okAt = new Map(oks.map((e) => [e.orderId, e.time]));
    // one message per batch and client: `acks` when it holds several, `ack` for one alone
    const expected = { ack: 0, acks: 0 };
    let delivered = 0;
    for (const batch of batches) {
      for (const client of new Set(batch.map((o) => o.client))) {
        const mine = batch.filter((o) => o.client === client);
        expected[mine.length > 1 ? 'acks' : 'ack']++;
        // all of them arrive together (those delivered before the run's end)
        const times = new Set(mine.map((o) => okAt.get(o.orderId)));
        expect(times.size).toBe(1);
        if (!times.has(undefined)) delivered += mine.length;
      }
    }
    expect(expected.acks).toBeGreaterThan(50);
    expect(delivered).toBe(oks.length);
    const sentTypes = { ack: 0, acks: 0 };
    for (let i = 0; i < log.length; i++) {
      const type = log.entry(i).type;
      if (type === 'ack' || type === 'acks') sentTypes[type]++;
    }
    // the log holds the messages that arrived: all but those still in flight at the end
    expect(sentTypes.acks).toBeGreaterThanOrEqual(expected.acks - 2);
    expect(sentTypes.acks + sentTypes.ack).toBeLessThanOrEqual(expected.acks + expected.ack);
    expect(sentTypes.ack).toBeLessThanOrEqual(expected.ack);
  });
});
