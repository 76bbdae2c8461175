/**
 * hot-standby-stonith: the standby's trading service deadlocks. The secondary's side of
 * replication is DRBD in the kernel (or PostgreSQL's walreceiver), not the service, so it goes
 * on acking the primary's writes: nothing a client sees changes, nothing is fenced. Before the
 * fix the standby's replication ran on the service's thread, the primary's synchronous writes
 * froze for the whole deadlock (estimate under p1 charged every `b.deadlock-` incident its full
 * length and flagged it as down with the structure up).
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { eventsOf, run, schedule } from './hot-standby-helpers.ts';

const STANDBY_DEADLOCK = schedule(`
name: standby-deadlock
description: the standby's service deadlocks at 10 s (its heartbeat thread runs on) until a watchdog kills it 60 s later
duration: 90s
settle: 20s
workload: { ordersPerSecond: 20 }
faults:
  - { at: 10s, kind: deadlock, target: b, threads: [heartbeat], for: 60s }
`);

describe('hot-standby-stonith: the standby\'s service deadlocks', () => {
  it.each([1, 2])('seed %i: the primary goes on serving, nothing is fenced, no acked order is lost', (seed) => {
    const r = run(stonith, STANDBY_DEADLOCK, seed);
    expect(r.metrics.outages).toEqual([]);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
  });
});
