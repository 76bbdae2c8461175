/**
 * postgres-patroni with synchronous_commit = off: a commit returns once its WAL is written to
 * the kernel, and the WAL writer flushes every wal_writer_delay (200 ms). PostgreSQL 16 docs,
 * "Asynchronous Commit": "an operating system or database crash might result in some recent
 * allegedly-committed transactions being lost ... The risk window is limited because a
 * background process (the WAL writer) flushes unwritten WAL records to disk every
 * wal_writer_delay milliseconds. The actual maximum duration of the risk window is three times
 * wal_writer_delay". The host of the primary crashes for 5 s and comes back before its leader
 * key expires, so it stays primary on what its disk kept.
 */
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/world/params.ts';
import patroni from '../../models/postgres-patroni.ts';
import { SECOND, events, invariants, promotions, run } from './postgres-patroni-helpers.ts';

const HOST_CRASH = '{ at: 20s, kind: crash, target: pg1, for: 5s }';
const RATE_PER_S = 200;

describe('postgres-patroni synchronous_commit = off', () => {
  const off = run([HOST_CRASH], { synchronousCommit: 'off' }, 1, '40s', '20s');

  it('acks before the local flush: acks come faster than with a local fsync', () => {
    const local = run([], { synchronousCommit: 'local' }, 1, '20s', '5s');
    const quiet = run([], { synchronousCommit: 'off' }, 1, '20s', '5s');
    const median = (r: typeof local) => {
      const l = events(r, 'ok').map((e) => e.latency).sort((a, b) => a - b);
      return l[Math.floor(l.length / 2)];
    };
    expect(median(quiet)).toBeLessThan(0.6 * median(local));
  });

  it('a host crash loses the acked commits of up to about one wal_writer_delay (at most three), and the primary keeps its key', () => {
    expect(promotions(off, 20 * SECOND).map((e) => e.node)).toEqual(['pg1']);
    expect(off.metrics.lostAcked).toBeGreaterThan(0);
    expect(off.metrics.lostAcked).toBeLessThanOrEqual(3 * 0.2 * RATE_PER_S);
    expect(invariants(off)).toContain('no-lost-ack');
  });

  it('a longer wal_writer_delay loses more; synchronous_commit = local loses nothing', () => {
    const slow = run([HOST_CRASH], { synchronousCommit: 'off', walWriterDelay: '1s' }, 1, '40s', '20s');
    expect(slow.metrics.lostAcked).toBeGreaterThan(off.metrics.lostAcked);
    expect(slow.metrics.lostAcked).toBeLessThanOrEqual(3 * 1 * RATE_PER_S);
    const local = run([HOST_CRASH], { synchronousCommit: 'local' }, 1, '40s', '20s');
    expect(local.metrics.lostAcked).toBe(0);
    expect(invariants(local)).toEqual([]);
  });

  it('a crash of the process alone loses nothing: the written WAL is in the page cache', () => {
    const r = run(['{ at: 20s, kind: process-crash, target: pg1, for: 5s }'], { synchronousCommit: 'off' }, 1, '40s', '20s');
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('refuses a wal_writer_delay of 0, naming the field', () => {
    expect(() => resolveParams(patroni, { walWriterDelay: '0s' })).toThrow(/walWriterDelay: expected a positive duration/);
  });
});
