/**
 * postgres-patroni: a replica's data disk fails. PostgreSQL's walreceiver cannot write the WAL
 * it receives and the server PANICs (walreceiver.c XLogWalRcvWrite: "could not write to WAL
 * segment ...", ereport PANIC), so the primary's walsender to it ends at once; Patroni finds it
 * down at each loop and cannot start it while the data directory is unreadable; once an empty
 * disk is in, it starts it as a secondary, cloning the leader (ha.py: an empty data directory
 * with a leader present is bootstrapped from the leader, pg_basebackup).
 *
 * The model used to keep that replica's walreceiver running on the dead disk: every WAL
 * message failed to append, the next one found a gap and reconnected at once, and the primary
 * resent its whole log from the start on each reconnect, for as long as the disk was out. In
 * `hasim estimate postgres-patroni --reliability p1` that ran three incidents into the 5,000,000
 * event budget (pg2.disk- or pg3.disk- with the primary's log past one 1,000-entry chunk).
 * A full disk did the same (ENOSPC: the same PANIC; the server comes back and PANICs again at
 * its next WAL write until space is freed).
 */
import { describe, expect, it } from 'vitest';
import { SECOND, events, invariants, noteAt, promotions, run } from './postgres-patroni-helpers.ts';

const DISK_OUT = '{ at: 30s, kind: disk-fail, target: pg2, for: 30s }';

describe("postgres-patroni: a replica's disk fails", () => {
  it('its PostgreSQL PANICs at the next WAL write, is not restarted on the dead disk, and rejoins once the disk is replaced', () => {
    const r = run([DISK_OUT], {}, 1, '70s', '20s');
    const died = noteAt(r, 'pg2', 'postgres died: PANIC', 30 * SECOND)!;
    expect(died - 30 * SECOND).toBeLessThan(SECOND);
    expect(noteAt(r, 'pg1', 'walsender to pg2 exited', 30 * SECOND)).toBeDefined();
    // no start while the disk is out; started as a secondary at Patroni's next loop after it is replaced
    expect(noteAt(r, 'pg2', 'starting as a secondary', 30 * SECOND)).toBeGreaterThan(60 * SECOND);
    expect(noteAt(r, 'pg2', 'starting as a secondary', 30 * SECOND)! - 60 * SECOND).toBeLessThanOrEqual(10.5 * SECOND + SECOND);
    // the primary serves on: no failover, no outage
    expect(promotions(r, 10 * SECOND)).toEqual([]);
    expect(r.metrics.outages).toEqual([]);
    expect(invariants(r)).toEqual([]);
  });

  it('costs no more events per simulated second than a run without the fault (was an endless reconnect-and-resend storm)', () => {
    const faulty = run([DISK_OUT], {}, 1, '70s', '20s');
    const healthy = run([], {}, 1, '70s', '20s');
    expect(faulty.metrics.events).toBeLessThan(1.2 * healthy.metrics.events);
  });

  it('a full disk: PANIC at each start until space is freed, then it starts and stays up; events stay bounded', () => {
    const faulty = run(['{ at: 30s, kind: disk-full, target: pg2, for: 30s }'], {}, 1, '70s', '20s');
    const healthy = run([], {}, 1, '70s', '20s');
    const panics = events(faulty, 'note').filter((e) => e.node === 'pg2' && e.text.includes('No space left on device'));
    // one per start while the disk is full: the first at once, then one per Patroni loop
    expect(panics[0].time - 30 * SECOND).toBeLessThan(SECOND);
    expect(panics.length).toBeGreaterThanOrEqual(3);
    expect(panics.at(-1)!.time).toBeLessThan(60 * SECOND + SECOND);
    const restarted = noteAt(faulty, 'pg2', 'starting as a secondary', 60 * SECOND)!;
    expect(restarted - 60 * SECOND).toBeLessThanOrEqual(10.5 * SECOND + SECOND);
    expect(noteAt(faulty, 'pg2', 'postgres died', restarted + 1)).toBeUndefined();
    expect(promotions(faulty, 10 * SECOND)).toEqual([]);
    expect(faulty.metrics.outages).toEqual([]);
    expect(invariants(faulty)).toEqual([]);
    expect(faulty.metrics.events).toBeLessThan(1.2 * healthy.metrics.events);
  });
});
