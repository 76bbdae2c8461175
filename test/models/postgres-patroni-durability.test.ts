/**
 * postgres-patroni: what a failover may lose, and the GC-pause case the watchdog exists for.
 *
 * Patroni docs, "Replication modes": in asynchronous mode "the cluster is allowed to lose some
 * committed transactions to ensure availability ... The amount of transactions that can be lost
 * is controlled via maximum_lag_on_failover"; with synchronous_mode "Patroni will not promote a
 * standby unless it is certain that the standby contains all transactions that may have
 * returned a successful commit status to client". Patroni docs, "Watchdog support": without a
 * watchdog, a primary whose Patroni "does not get to run due to ... the VM being paused" keeps
 * accepting commits after its leader key expired.
 */
import { describe, expect, it } from 'vitest';
import { SECOND, acksBy, demotedAt, events, invariants, noteAt, promotions, run } from './postgres-patroni-helpers.ts';

const MIB = 1_048_576;
const BYTES_PER_ORDER = 200;

/** The replicas lose the primary's WAL stream for 15 s, then the primary crashes. */
const LAG_THEN_CRASH = [
  '{ at: 20s, kind: partition, groups: [[pg1], [pg2, pg3]], for: 20s }',
  '{ at: 35s, kind: process-crash, target: pg1, for: 45s }',
];

describe('postgres-patroni durability across a failover', () => {
  it('with synchronousMode off, loses the commits acked while the replicas lagged, up to maximum_lag_on_failover', () => {
    const r = run(LAG_THEN_CRASH);
    expect(promotions(r, 35 * SECOND, 'pg1').length).toBe(1);
    expect(invariants(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(1000);
    expect(r.metrics.lostAcked * BYTES_PER_ORDER).toBeLessThanOrEqual(MIB);
    // what is lost is exactly what pg1 acked while its replicas could not hear it
    expect(r.metrics.lostAcked).toBeLessThanOrEqual(acksBy(r, 'pg1', 20 * SECOND, 35 * SECOND));
    expect(noteAt(r, 'pg1', 'pg_rewind', 80 * SECOND)).toBeDefined();
  });

  it('refuses to promote a replica that lags by more than maximum_lag_on_failover', () => {
    // the replicas are 1.2 MB of WAL behind pg1's last published optime (its loop at 46 s, 31 s
    // of orders after the cut) when pg1 crashes: nobody may race
    const r = run(['{ at: 15s, kind: partition, groups: [[pg1], [pg2, pg3]], for: 45s }', '{ at: 55s, kind: process-crash, target: pg1, for: 30s }']);
    expect(promotions(r, 55 * SECOND, 'pg1')).toEqual([]);
    expect(noteAt(r, 'pg2', 'maximum_lag_on_failover', 55 * SECOND)).toBeDefined();
    expect(r.metrics.lostAcked).toBe(0);
  });

  it.each(['on', 'strict'])('with synchronousMode %s and synchronous_commit on, the same failover loses no acked commit', (mode) => {
    const r = run(LAG_THEN_CRASH, { synchronousMode: mode });
    expect(promotions(r, 35 * SECOND, 'pg1').length).toBe(1);
    expect(r.metrics.lostAcked).toBe(0);
    expect(invariants(r)).not.toContain('no-lost-ack');
    // the primary could not ack while its sync standby was cut off (wal_sender_timeout is 60 s)
    expect(acksBy(r, 'pg1', 20 * SECOND + SECOND, 35 * SECOND)).toBe(0);
  });

  it('with synchronousMode on, turns synchronous replication off once the sync standby is gone, and acks again', () => {
    // the replicas stay cut off for 90 s: wal_sender_timeout (60 s) drops them, Patroni finds no candidate
    const r = run(['{ at: 20s, kind: partition, groups: [[pg1], [pg2, pg3]], for: 90s }'], { synchronousMode: 'on' }, 1, '120s', '30s');
    expect(acksBy(r, 'pg1', 21 * SECOND, 80 * SECOND)).toBe(0);
    expect(acksBy(r, 'pg1', 95 * SECOND, 110 * SECOND)).toBeGreaterThan(1000);
    const strict = run(['{ at: 20s, kind: partition, groups: [[pg1], [pg2, pg3]], for: 90s }'], { synchronousMode: 'strict' }, 1, '120s', '30s');
    expect(acksBy(strict, 'pg1', 21 * SECOND, 110 * SECOND)).toBe(0);
  });

  // PostgreSQL docs, synchronous_commit: remote_write waits for the standby's write, on for its
  // flush, remote_apply for its replay; local waits for none.
  it('orders ack latency by synchronous_commit level: local < remote_write < on < remote_apply', () => {
    const p50 = (level: string) => run([], { synchronousMode: 'on', synchronousCommit: level }, 1, '30s', '10s').metrics.ackLatency.p50;
    const [local, write, flush, apply] = ['local', 'remote_write', 'on', 'remote_apply'].map(p50);
    expect(local).toBeLessThan(write);
    expect(write).toBeLessThan(flush);
    expect(flush).toBeLessThan(apply);
  });
});

describe('postgres-patroni and a GC pause of the primary', () => {
  const PAUSE = '{ at: 20s, kind: pause, target: pg1, for: 45s }';

  it('without a watchdog, a primary paused past ttl resumes as primary and acks beside the new one until its next loop', () => {
    // the pause starts half a second after an HA loop (boot ended ~0.5 s into a loop period),
    // so on resume the queued orders come before the overdue loop
    const PAUSE = '{ at: 21s, kind: pause, target: pg1, for: 45s }';
    const r = run([PAUSE]);
    const next = promotions(r, 20 * SECOND, 'pg1')[0];
    expect(next.time).toBeLessThan(66 * SECOND);
    expect(acksBy(r, 'pg1', 66 * SECOND)).toBeGreaterThan(0);
    // the clients timed out those orders 45 s ago and dropped the connections: the acks reach
    // nobody, so none is lost; a FIX-style client keeping its session takes them, and they are
    expect(invariants(r)).toEqual(['single-primary']);
    expect(invariants(run([PAUSE], {}, 1, '90s', '40s', 'keep'))).toEqual(['no-lost-ack', 'single-primary']);
    // its first loop after the pause demotes it, within a second
    expect(demotedAt(r, 'pg1', 66 * SECOND)! - 66 * SECOND).toBeLessThan(SECOND);
  });

  it('with the watchdog, the paused primary is reset ttl - safety_margin after its last renewal, before its key expires', () => {
    const r = run([PAUSE], { watchdog: true });
    const reset = events(r, 'node-state').find((e) => e.node === 'pg1' && e.reason === 'watchdog reset')!;
    expect(reset).toBeDefined();
    const next = promotions(r, 20 * SECOND, 'pg1')[0];
    // reset = last keepalive + 25 s, expiry = last renewal + 30 s: the 5 s safety margin
    expect(next.time - reset.time).toBeGreaterThanOrEqual(5 * SECOND);
    expect(invariants(r)).toEqual([]);
    expect(r.metrics.splitBrainMs.belief).toBe(0);
  });

  it('rides out a pause shorter than ttl without any failover', () => {
    const r = run(['{ at: 20s, kind: pause, target: pg1, for: 8s }'], {}, 1, '60s', '20s');
    expect(promotions(r, 20 * SECOND)).toEqual([]);
    expect(invariants(r)).toEqual([]);
  });
});
