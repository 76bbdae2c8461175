/**
 * postgres-patroni with PostgreSQL and Patroni as separate processes of a host (`process-crash`
 * with `component: postgres` kills PostgreSQL while Patroni lives):
 *
 * - primary_start_timeout (Patroni docs, Dynamic configuration settings: "the amount of time a
 *   primary is allowed to recover from failures before failover is triggered ... Worst case
 *   failover time for primary failure is: loop_wait + primary_start_timeout + loop_wait, unless
 *   primary_start_timeout is zero, in which case it's just loop_wait"; ha.py `recover`);
 * - a killed sync standby's walsender exits at once, and Patroni turns synchronous replication
 *   off at its next loop (Patroni docs, Replication modes: "When synchronous_mode is on and a
 *   standby crashes, commits will block until next iteration of Patroni runs and switches the
 *   primary to standalone mode"), so commits resume within a loop_wait, loop_wait/2 on average;
 * - synchronous_commit = remote_write: a commit is acked once the standby wrote it, which a
 *   crash of the standby's PostgreSQL does not lose (the page cache survives), while a crash of
 *   its host does (PostgreSQL docs, synchronous_commit).
 */
import { describe, expect, it } from 'vitest';
import { SECOND, events, invariants, noteAt, promotions, run } from './postgres-patroni-helpers.ts';

const KILL_PG1_POSTGRES = '{ at: 20s, kind: process-crash, target: pg1, component: postgres, for: 60s }';

describe('postgres-patroni primary_start_timeout (PostgreSQL down, Patroni up)', () => {
  it('Patroni restarts a killed PostgreSQL at its next loop and stays primary: no failover', () => {
    const r = run(['{ at: 20s, kind: process-crash, target: pg1, component: postgres, restartAfter: supervisor }']);
    const restarted = noteAt(r, 'pg1', 'starting primary after failure', 20 * SECOND)!;
    expect(restarted - 20 * SECOND).toBeLessThanOrEqual(10 * SECOND);
    expect(promotions(r, 20 * SECOND).map((e) => e.node)).toEqual(['pg1']);
    expect(invariants(r)).toEqual([]);
  });

  it('a PostgreSQL that will not start keeps the key for primary_start_timeout, then fails over (within loop_wait + timeout + loop_wait)', () => {
    const r = run([KILL_PG1_POSTGRES], { primaryStartTimeout: '30s' });
    const next = promotions(r, 20 * SECOND).find((e) => e.node !== 'pg1')!;
    expect(next.time - 20 * SECOND).toBeGreaterThanOrEqual(30 * SECOND);
    expect(next.time - 20 * SECOND).toBeLessThanOrEqual(10 * SECOND + 30 * SECOND + 10 * SECOND + SECOND);
    expect(noteAt(r, 'pg1', 'PostgreSQL did not start within primary_start_timeout')).toBeDefined();
    expect(invariants(r)).toEqual([]);
  });

  it('with primary_start_timeout 0 it releases the key at its next loop: failover within about loop_wait', () => {
    const r = run([KILL_PG1_POSTGRES], { primaryStartTimeout: '0s' });
    const next = promotions(r, 20 * SECOND).find((e) => e.node !== 'pg1')!;
    expect(next.time - 20 * SECOND).toBeLessThanOrEqual(10 * SECOND + SECOND);
    expect(noteAt(r, 'pg1', 'primary crashed and primary_start_timeout is 0')).toBeDefined();
    expect(invariants(r)).toEqual([]);
  });
});

describe("postgres-patroni: the sync standby's PostgreSQL killed (issue #10)", () => {
  // two nodes, so pg2 is the sync standby; the kill falls anywhere in one 10 s loop
  const blockedS = () => [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
    const r = run(['{ at: 20s..30s, kind: process-crash, target: pg2, component: postgres, for: 15s }'], { synchronousMode: 'on', pgNodes: 2 }, seed, '45s', '5s');
    const kill = events(r, 'fault-begin')[0].time;
    // commits block from the kill until Patroni's next loop: the longest pause between acks
    let gap = 0;
    let previous = kill;
    for (const e of events(r, 'ack-sent')) {
      if (e.node !== 'pg1' || e.time < kill || e.time > kill + 15 * SECOND) continue;
      gap = Math.max(gap, e.time - previous);
      previous = e.time;
    }
    return gap / SECOND;
  });

  it('commits resume within about a loop_wait of the kill, loop_wait/2 on average', () => {
    const gapsS = blockedS();
    expect(Math.max(...gapsS)).toBeLessThanOrEqual(10.5);
    const mean = gapsS.reduce((a, b) => a + b, 0) / gapsS.length;
    expect(mean).toBeGreaterThan(2.5);
    expect(mean).toBeLessThan(7.5);
    // spread over the loop, not one phase
    expect(Math.max(...gapsS) - Math.min(...gapsS)).toBeGreaterThan(4);
  });
});

describe('postgres-patroni synchronous_commit = remote_write: the standby killed while the primary host dies', () => {
  // pg2 is the sync standby; its slow disk keeps written-but-unflushed WAL there for a while
  const faults = (standby: string) => [standby, '{ at: 20s, kind: crash, target: pg1, for: 60s }', '{ at: 5s, kind: disk-slow, target: pg2, factor: 50, for: 80s }'];
  const params = { pgNodes: 2, synchronousMode: 'on', synchronousCommit: 'remote_write' };

  it.each([1, 2, 3])("losing only the standby's PostgreSQL loses no acked commit: pg2 restarts it and takes over (seed %i)", (seed) => {
    const r = run(faults('{ at: 20s, kind: process-crash, target: pg2, component: postgres, restartAfter: supervisor }'), params, seed);
    expect(promotions(r, 20 * SECOND).map((e) => e.node)[0]).toBe('pg2');
    expect(r.metrics.lostAcked).toBe(0);
    expect(invariants(r)).toEqual([]);
  });

  it("losing the standby's host too loses the acked commits it had written but not flushed", () => {
    const lost = [2, 3].map((seed) => run(faults('{ at: 20s, kind: crash, target: pg2, for: 5s }'), params, seed).metrics.lostAcked);
    expect(Math.max(...lost)).toBeGreaterThan(0);
  });
});

describe('postgres-patroni: Patroni killed, its PostgreSQL left running', () => {
  const KILL_PATRONI = '{ at: 20s, kind: process-crash, target: pg1, component: patroni, for: 60s }';

  it('PostgreSQL keeps serving as primary until a replica takes the expired key; HAProxy, whose checks Patroni answered, has moved the clients away by then', () => {
    const r = run([KILL_PATRONI]);
    const next = promotions(r, 20 * SECOND).find((e) => e.node !== 'pg1')!;
    expect(next.time - 20 * SECOND).toBeGreaterThanOrEqual(20 * SECOND); // the key expires ttl after its last renewal
    expect(events(r, 'ack-sent').some((e) => e.node === 'pg1' && e.time > 20 * SECOND && e.time < 25 * SECOND)).toBe(true);
    expect(r.metrics.splitBrainMs.belief).toBeGreaterThan(0); // the detached postmaster still runs as primary
    expect(r.metrics.splitBrainMs.effective).toBe(0);
  });

  it('a Patroni killed while its PostgreSQL promotes promotes again once restarted', () => {
    // pg1 dies at 20 s; pg2 takes the key at 46.0 s (seed 1) and its Patroni dies 0.3 s later
    const r = run(['{ at: 20s, kind: crash, target: pg1, for: 60s }', '{ at: 46300ms, kind: process-crash, target: pg2, component: patroni, restartAfter: 2s }']);
    expect(noteAt(r, 'pg2', 'acquired the leader key', 45 * SECOND)! < 46.3 * SECOND).toBe(true);
    const promoted = promotions(r, 46.3 * SECOND).find((e) => e.node === 'pg2')!;
    expect(promoted.time).toBeGreaterThan(48.3 * SECOND);
    expect(promoted.time).toBeLessThan(50.3 * SECOND);
  });

  it('with the watchdog, the host is reset before the key expires: no second primary at all', () => {
    const r = run([KILL_PATRONI], { watchdog: true });
    expect(events(r, 'node-state').some((e) => e.node === 'pg1' && e.reason === 'watchdog reset')).toBe(true);
    expect(r.metrics.splitBrainMs.belief).toBe(0);
  });
});

describe('postgres-patroni: the watchdog while PostgreSQL is down on the leader', () => {
  it('stays fed while Patroni holds the key (update_lock keeps it alive): no reset during primary_start_timeout', () => {
    const r = run([KILL_PG1_POSTGRES], { watchdog: true, primaryStartTimeout: '40s' });
    expect(events(r, 'node-state').some((e) => e.node === 'pg1' && e.reason === 'watchdog reset')).toBe(false);
    const next = promotions(r, 20 * SECOND).find((e) => e.node !== 'pg1')!;
    expect(next.time - 20 * SECOND).toBeGreaterThanOrEqual(40 * SECOND);
  });
});
