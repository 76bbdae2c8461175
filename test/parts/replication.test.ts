import { describe, expect, it } from 'vitest';
import { AsyncReplicator } from '../../src/parts/async-replicator.ts';
import { OrderServer } from '../../src/parts/order-server.ts';
import { commonPrefixLength } from '../../src/parts/resync.ts';
import { StandbyReplica } from '../../src/parts/standby-replica.ts';
import { SyncReplicator, type StallPolicy } from '../../src/parts/sync-replicator.ts';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { FSYNC_US, harness, LINK_US, MS, SECOND } from './harness.ts';

type Mode = { kind: 'async'; flushInterval: number } | { kind: 'sync'; stallTimeout?: number; stallPolicy?: StallPolicy };

/**
 * `a` is the primary (OrderServer + a replicator), `b` a standby with catch-up. Clients send
 * orders to `a`.
 */
function pair(mode: Mode, ordersPerSecond = 200) {
  const stalls: number[] = [];
  const h = harness(
    ['a', 'b'],
    (ctx: NodeContext): Actor => {
      if (ctx.id === 'b') {
        const replica = new StandbyReplica(ctx, { catchUp: true });
        return {
          onStart: () => ctx.declareRole('standby', 1),
          onMessage: (from: string, msg: Msg) => replica.handle(from, msg),
          onTimer: (kind: string, data: unknown) => replica.onTimer(kind, data),
        };
      }
      const replicator =
        mode.kind === 'async'
          ? new AsyncReplicator(ctx, { peer: 'b', epoch: 1, flushInterval: mode.flushInterval })
          : new SyncReplicator(ctx, {
              peer: 'b',
              epoch: 1,
              startAlone: false,
              stallTimeout: mode.stallTimeout ?? 10 * SECOND,
              stallPolicy: mode.stallPolicy ?? 'block',
              onStalled: () => stalls.push(h.sim.now),
            });
      const server = new OrderServer(ctx, { replicate: replicator.replicate, replicateAfterLocal: mode.kind === 'async' });
      return {
        onStart: () => server.becomePrimary(1),
        onMessage: (from: string, msg: Msg) => server.handle(msg) || replicator.handle(from, msg),
        onTimer: (kind: string) => replicator.onTimer(kind),
      };
    },
    { ordersPerSecond },
  );
  return { h, stalls };
}

const acks = (h: ReturnType<typeof pair>['h']) => h.world.history.events.filter((e) => e.type === 'ok');
const acksSent = (h: ReturnType<typeof pair>['h'], node = 'a') =>
  h.world.history.events.filter((e) => e.type === 'ack-sent' && e.node === node).map((e) => ({ time: e.time, orderId: (e as { orderId: string }).orderId }));

describe('async and sync replication', () => {
  it('async acks after the local fsync alone; sync waits for the standby\'s fsync and the round trip as well', () => {
    // client -> a, then a's fsync, then a -> client: 100 + 200 + 100 us
    const asyncRun = pair({ kind: 'async', flushInterval: 0 });
    asyncRun.h.runUntil(2 * SECOND);
    const asyncLatencies = new Set(acks(asyncRun.h).map((e) => (e as { latency: number }).latency));
    expect([...asyncLatencies]).toEqual([LINK_US + FSYNC_US + LINK_US]);

    // the standby's copy runs alongside the local fsync: a -> b, b's fsync, b -> a
    const syncRun = pair({ kind: 'sync' });
    syncRun.h.runUntil(2 * SECOND);
    const syncLatencies = acks(syncRun.h).map((e) => (e as { latency: number }).latency);
    // the first orders also wait for the standby's initial resync; after that every ack costs the same
    const steady = new Set(syncLatencies.slice(5));
    expect([...steady]).toEqual([LINK_US + (LINK_US + FSYNC_US + LINK_US) + LINK_US]);
  });

  it('sync: every acked order is durable on the standby when the primary dies', () => {
    const { h } = pair({ kind: 'sync' }, 2000);
    h.sim.at(1 * SECOND + 123, () => h.world.node('a').crashProcess('test'));
    h.runUntil(2 * SECOND);
    const onStandby = new Set(h.world.node('b').disk.durableEntries().map((e) => e.orderId));
    const acked = acksSent(h);
    expect(acked.length).toBeGreaterThan(1500);
    expect(acked.filter((a) => !onStandby.has(a.orderId))).toEqual([]);
  });

  it('async with a sender queue: a crash of the primary loses acked orders the sender had not shipped', () => {
    const { h } = pair({ kind: 'async', flushInterval: 10 * MS }, 2000);
    h.sim.at(1 * SECOND + 5 * MS, () => h.world.node('a').crashProcess('test'));
    h.runUntil(2 * SECOND);
    const onStandby = new Set(h.world.node('b').disk.entries.map((e) => e.orderId));
    const lost = acksSent(h).filter((a) => !onStandby.has(a.orderId));
    expect(lost.length).toBeGreaterThan(0);
    // only the last flush interval's orders: the tail acked after the last shipment
    expect(Math.min(...lost.map((l) => l.time))).toBeGreaterThan(1 * SECOND - 10 * MS);
  });

  it('async without a queue loses nothing to a process crash: what was sent is on the wire', () => {
    const { h } = pair({ kind: 'async', flushInterval: 0 }, 2000);
    h.sim.at(1 * SECOND + 5 * MS, () => h.world.node('a').crashProcess('test'));
    h.runUntil(2 * SECOND);
    const onStandby = new Set(h.world.node('b').disk.entries.map((e) => e.orderId));
    expect(acksSent(h).filter((a) => !onStandby.has(a.orderId))).toEqual([]);
  });

  it('sync with `block`: no order is acked while the standby is down', () => {
    const { h, stalls } = pair({ kind: 'sync', stallTimeout: 2 * SECOND, stallPolicy: 'block' });
    h.sim.at(1 * SECOND, () => h.world.node('b').crashProcess('test'));
    h.runUntil(10 * SECOND);
    expect(acksSent(h).filter((a) => a.time > 1 * SECOND + 1 * MS)).toEqual([]);
    expect(stalls.length).toBe(1);
    expect(stalls[0]).toBeGreaterThanOrEqual(3 * SECOND);
  });

  it('sync with `async-after-timeout` (MySQL semi-sync): acks resume once an order has waited the timeout', () => {
    const { h, stalls } = pair({ kind: 'sync', stallTimeout: 2 * SECOND, stallPolicy: 'async-after-timeout' });
    h.sim.at(1 * SECOND, () => h.world.node('b').crashProcess('test'));
    h.runUntil(10 * SECOND);
    const after = acksSent(h).filter((a) => a.time > 1 * SECOND + 1 * MS);
    expect(after.length).toBeGreaterThan(1000);
    // the orders that arrived right after the crash waited the whole timeout
    expect(after[0].time).toBeGreaterThanOrEqual(3 * SECOND);
    expect(after[0].time).toBeLessThan(3 * SECOND + 10 * MS);
    expect(stalls).toEqual([after[0].time]);
  });
});

describe('standby catch-up (resync)', () => {
  it('commonPrefixLength finds where two logs part', () => {
    const log = ['x', 'y', 'z'].map((orderId) => ({ orderId }));
    expect(commonPrefixLength(['x', 'y', 'q', 'r'], log)).toBe(2);
    expect(commonPrefixLength([], log)).toBe(0);
    expect(commonPrefixLength(['x', 'y', 'z', 'w'], log)).toBe(3);
  });

  it('a standby with a divergent tail truncates it and takes the primary\'s log', () => {
    const { h } = pair({ kind: 'sync' });
    // b starts with the first two orders the primary will write, then a tail the primary never had
    h.runUntil(1 * SECOND);
    const b = h.world.node('b');
    b.crashProcess('test');
    b.disk.truncate(3);
    for (const orderId of ['stale-1', 'stale-2']) b.disk.append({ orderId, term: 0 });
    h.sim.at(1 * SECOND + 50 * MS, () => b.boot('test'));
    h.runUntil(3 * SECOND);
    const primaryLog = h.world.node('a').disk.durableEntries().map((e) => e.orderId);
    const standbyLog = b.disk.durableEntries().map((e) => e.orderId);
    expect(standbyLog).not.toContain('stale-1');
    expect(primaryLog.slice(0, standbyLog.length)).toEqual(standbyLog);
    expect(primaryLog.length - standbyLog.length).toBeLessThan(5);
  });
});
