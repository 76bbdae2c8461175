/**
 * active-active-lock: two instances behind a load balancer, a per-order lock `SET NX PX 5000`
 * in Redis. The published results these tests reproduce:
 *
 * - Kleppmann, "How to do distributed locking" (2016), the "unsafe lock" figure: client 1
 *   acquires the lease, stops in a GC pause longer than the lease, the lease expires, client 2
 *   acquires it and writes, client 1 wakes up and writes too. With fencing tokens the storage
 *   (here: the exchange) rejects client 1's older token.
 * - Kleppmann (2016), timing assumptions: a clock jump on the lock server expires a lease
 *   early, with the same effect; a pause shorter than the lease alone is safe.
 * - Redis, "Distributed Locks with Redis", "Why failover-based implementations are not
 *   enough": a lock granted by a master that fails before the write reaches its replica is
 *   lost when the replica is promoted, and a second client acquires it; and the tokens a
 *   failed-over Redis hands out are not monotonic, so fencing does not save that case.
 *
 * The paused instance must hold locks when the pause hits. With orders taking ~0.3 ms at
 * 100/s per instance it rarely would; a congested link (+25 ms on i1's traffic, from 20 s) keeps
 * several orders in flight on i1, the situation in which a long GC pause does hurt.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { duplicateAcceptances } from '../../src/check/no-duplicate-order.ts';
import type { Schedule } from '../../src/faults/schedule.ts';
import type { Workload } from '../../src/world/client.ts';
import design from '../../models/active-active-lock.ts';
import { faultSchedule } from './fault-schedule.ts';
import { lostAcks } from '../../src/check/no-lost-ack.ts';

const SECOND = 1_000_000;

function schedule(faultLines: string[], duration = '60s', settle = '30s'): Schedule {
  return faultSchedule(faultLines, duration, settle);
}

function run(faultLines: string[], params: Record<string, unknown> = {}, workload?: Partial<Workload>): RunResult {
  return simulate({ design, seed: 1, schedule: schedule(faultLines), params, workload });
}

const violated = (r: RunResult, invariant: string) => r.violations.filter((v) => v.invariant === invariant);
const staleTokenRejections = (r: RunResult) => r.history.events.filter((e) => e.type === 'exchange' && e.reason === 'stale-token');

/** i1's link is congested from 20 s to 40 s: several orders are in flight on it. */
const CONGESTED_I1 = '{ at: 20s, kind: latency, target: i1, delay: 25ms, for: 20s }';

describe('active-active-lock: a quiet run', () => {
  it('violates nothing and both instances serve (the balancer spreads the load)', () => {
    const r = run([]);
    expect(r.violations).toEqual([]);
    expect(r.metrics.availability).toBe(1);
    const acks = { i1: 0, i2: 0 } as Record<string, number>;
    // the metrics count orders invoked after boot
    const bootOrders = new Set(r.history.events.flatMap((e) => (e.type === 'invoke' && e.time < 0 ? [e.orderId] : [])));
    for (const e of r.history.events) if (e.type === 'ack-sent' && !bootOrders.has(e.orderId)) acks[e.node]++;
    expect(acks.i1 + acks.i2).toBe(r.metrics.acked);
    expect(acks.i1 / (acks.i1 + acks.i2)).toBeGreaterThan(0.45);
    expect(acks.i2 / (acks.i1 + acks.i2)).toBeGreaterThan(0.45);
  });

  it('stays correct with a replica and Sentinels when nothing fails', () => {
    const r = run([], { redisReplica: true });
    expect(r.violations).toEqual([]);
    const roles = r.history.events.filter((e) => e.type === 'role' && e.role === 'primary').map((e) => e.type === 'role' && e.node);
    expect(roles).toEqual(['redis1']); // the Redis master is the primary of the state, alone
  });
});

describe("active-active-lock: Kleppmann's GC pause longer than the lease", () => {
  // i1 holds locks when an 8 s pause hits it; their 5 s leases expire; the clients' retries
  // reach i2 through the balancer, i2 acquires the locks and sends the orders; i1 wakes up and
  // sends them as well.
  const faults = [CONGESTED_I1, '{ at: 25s, kind: pause, target: i1, for: 8s }'];

  it('sends orders twice without fencing tokens', () => {
    const r = run(faults);
    const duplicates = duplicateAcceptances(r.history);
    expect(duplicates.length).toBeGreaterThan(0);
    for (const d of duplicates) {
      // i2 first (after the lease ran out), then i1 when it wakes up at 33 s
      expect(d.first.node).toBe('i2');
      expect(d.first.time).toBeGreaterThanOrEqual(29.9 * SECOND);
      expect(d.again.node).toBe('i1');
      expect(d.again.time).toBeGreaterThanOrEqual(33 * SECOND);
    }
  });

  it('sends none twice with fencing tokens: the exchange rejects the stale token', () => {
    const unsafe = duplicateAcceptances(run(faults).history).length;
    const r = run(faults, { fencingTokens: true });
    expect(violated(r, 'no-duplicate-order')).toEqual([]);
    const stale = staleTokenRejections(r);
    expect(stale.length).toBe(unsafe); // each would-be duplicate is fenced off (the coverage counter)
    for (const e of stale) expect(e.type === 'exchange' && e.node).toBe('i1');
  });
});

describe('active-active-lock: a clock jump on the Redis server', () => {
  // A 3 s pause is shorter than the 5 s lease: alone it is safe. A forward jump of the Redis
  // server's clock during the pause expires the leases early (Redis keeps expiry as absolute
  // wall-clock times), and the pause becomes as harmful as a long one.
  const pause = [CONGESTED_I1, '{ at: 25s, kind: pause, target: i1, for: 3s }'];
  const jump = '{ at: 26500ms, kind: clock-jump, target: redis1, by: 10s }';

  it('a pause shorter than the lease is safe', () => {
    expect(violated(run(pause), 'no-duplicate-order')).toEqual([]);
  });

  it('with the jump, orders are sent twice without tokens and fenced with them', () => {
    const unsafe = run([...pause, jump]);
    expect(violated(unsafe, 'no-duplicate-order').length).toBeGreaterThan(0);
    for (const d of duplicateAcceptances(unsafe.history)) expect(d.first.time).toBeLessThan(28 * SECOND); // before the lease would have ended
    const fenced = run([...pause, jump], { fencingTokens: true });
    expect(violated(fenced, 'no-duplicate-order')).toEqual([]);
    expect(staleTokenRejections(fenced).length).toBeGreaterThan(0);
  });
});

describe('active-active-lock: Redis master failover loses the lock', () => {
  // The replica is cut off from the master from 22 s (it falls behind), i1 takes locks and
  // pauses 4.5 s at 25 s (shorter than the lease), the master crashes at 25.01 s and Sentinel
  // (down-after 1 s for the test; 30 s by default) promotes the stale replica. Clients retry
  // their orders for up to 10 s.
  const faults = [
    CONGESTED_I1,
    '{ at: 22s, kind: partition, groups: [[redis1], [redis2]], for: 10s }',
    '{ at: 25s, kind: pause, target: i1, for: 4500ms }',
    '{ at: 25010ms, kind: crash, target: redis1, for: 30s }',
  ];
  const params = { redisReplica: true, downAfterMilliseconds: '1s' };
  const workload = { maxAttempts: 10 };

  it('promotes the replica, loses acked order records and grants a lock i1 still holds', () => {
    const r = run(faults, params, workload);
    const promoted = r.history.events.find((e) => e.type === 'role' && e.node === 'redis2' && e.role === 'primary');
    expect(promoted).toBeDefined();
    // acked records written to the master after 22 s never reached the replica
    expect(violated(r, 'no-lost-ack')).toHaveLength(1);
    expect(r.metrics.lostAcked).toBeGreaterThan(100);
    // i2 acquired a lock on the new master while i1's 5 s lease (granted before 25 s) still
    // ran, and sent the order; i1 woke up at 29.5 s and sent it too
    const lostLock = duplicateAcceptances(r.history).filter((d) => d.first.node === 'i2' && d.first.time < 29.5 * SECOND && d.again.node === 'i1');
    expect(lostLock.length).toBeGreaterThan(0);
  });

  it('fencing tokens do not help: the promoted replica hands out tokens lower than the old master did', () => {
    const r = run(faults, { ...params, fencingTokens: true }, workload);
    const lostLock = duplicateAcceptances(r.history).filter((d) => d.first.node === 'i2' && d.first.time < 29.5 * SECOND && d.again.node === 'i1');
    expect(lostLock.length).toBeGreaterThan(0);
    for (const d of lostLock) {
      const tokens = r.history.events.flatMap((e) => (e.type === 'exchange' && e.orderId === d.orderId ? [e.token!] : []));
      expect(tokens[0]).toBeLessThan(tokens[1]); // the newer holder's token is the lower one
    }
  });
});

describe('active-active-lock: the store is one Redis with appendfsync everysec', () => {
  // Redis persistence docs / redis.conf: with `appendfsync everysec` "you may lose 1 second of
  // data" in a crash; `always` fsyncs every write before replying.
  const crash = ['{ at: 20s, kind: crash, target: redis1, for: 10s }'];

  it('a crash of the Redis host loses the acked records of the last second', () => {
    const r = run(crash);
    const lost = violated(r, 'no-lost-ack');
    expect(lost).toHaveLength(1);
    // timed at the crash that lost them; the acks were in the second before it
    expect(lost[0].time).toBe(20 * SECOND);
    expect(lost[0].detail).toContain('lost at redis1 off 20.000s');
    const firstAck = lostAcks(r.history)[0].ackAt;
    expect(firstAck).toBeGreaterThanOrEqual(19 * SECOND);
    expect(firstAck).toBeLessThan(20 * SECOND);
    expect(r.metrics.rpoMs).toBeLessThanOrEqual(1_000);
  });

  it('with appendfsync always nothing acked is lost', () => {
    expect(violated(run(crash, { appendfsync: 'always' }), 'no-lost-ack')).toEqual([]);
  });
});
