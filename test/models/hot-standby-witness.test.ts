/**
 * hot-standby-witness: a majority lease (own vote plus the witness's or the peer's),
 * synchronous replication, VIP. Where the naive design split brains and loses acked orders,
 * this one must do neither, and still fail over.
 */
import { describe, expect, it } from 'vitest';
import witness from '../../models/hot-standby-witness.ts';
import { acksBy, eventsOf, invariantsViolated, promotedAt, roles, run, schedule, SECOND } from './hot-standby-helpers.ts';

const LEASE = 10 * SECOND;
const RENEW = 1 * SECOND;
const MARGIN = 1 * SECOND;

const PARTITION = schedule(`
name: partition-primary
description: the primary is cut off from its peers (not from the clients) at 20 s for 20 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: partition, groups: [[primary], [others]], for: 20s }
`);

const PRIMARY_CRASH = schedule(`
name: primary-crash
description: kill -9 of the primary at 20 s; nobody restarts it until the faults heal at 50 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: process-crash, target: primary }
`);

const SEEDS = [1, 2, 3];

describe('hot-standby-witness', () => {
  it.each([
    ['partition of the primary', PARTITION],
    ['kill -9 of the primary', PRIMARY_CRASH],
  ])('%s: fails over to b with a new epoch, with no split brain, no lost ack and a converged log', (_name, sched) => {
    for (const seed of SEEDS) {
      const r = run(witness, sched, seed);
      expect(invariantsViolated(r)).toEqual([]); // single-primary, no-lost-ack, recovery, convergence...
      expect(roles(r, 'b', 'primary').map((e) => e.epoch)).toEqual([2]);
      expect(r.metrics.lostAcked).toBe(0);
      expect(r.metrics.splitBrainMs.belief).toBe(0);
      expect(acksBy(r, 'b', 30 * SECOND).length).toBeGreaterThan(1000); // service resumed on b
    }
  });

  it('the isolated primary steps down before its lease ends; the standby promotes only after that lease expired at the witness, plus the margin', () => {
    for (const seed of SEEDS) {
      const r = run(witness, PARTITION, seed);
      const stepDown = roles(r, 'a', 'standby').find((e) => e.time > 20 * SECOND)!.time;
      const takeover = promotedAt(r, 'b')!;
      // a's last answered renewal left at most one renewal interval before the cut
      expect(stepDown).toBeGreaterThanOrEqual(20 * SECOND - RENEW + LEASE - MARGIN);
      expect(stepDown).toBeLessThanOrEqual(20 * SECOND + LEASE - MARGIN);
      // the voters received that renewal and granted nothing else for lease + margin
      expect(takeover).toBeGreaterThanOrEqual(20 * SECOND - RENEW + LEASE + MARGIN);
      expect(takeover - stepDown).toBeGreaterThanOrEqual(2 * MARGIN);
      // a acked nothing from its step-down on
      expect(acksBy(r, 'a', stepDown, 40 * SECOND)).toEqual([]);
    }
  });

  it('after a crash, the standby waits out the dead primary\'s lease before taking over (about 11 s)', () => {
    for (const seed of SEEDS) {
      const r = run(witness, PRIMARY_CRASH, seed);
      const failover = promotedAt(r, 'b')! - 20 * SECOND;
      expect(failover).toBeGreaterThanOrEqual(LEASE + MARGIN - RENEW);
      expect(failover).toBeLessThanOrEqual(LEASE + MARGIN + 2 * RENEW);
    }
  });

  it('the old primary rejoins as standby and resyncs: its unacknowledged tail is gone', () => {
    const r = run(witness, PARTITION, 1);
    const a = r.history.final.find((f) => f.node === 'a')!;
    const b = r.history.final.find((f) => f.node === 'b')!;
    expect(a.lastRole).toBe('standby');
    expect(b.durableLog.tail.slice(0, a.durableLog.length)).toEqual(a.durableLog.tail);
  });

  it('a deadlocked primary stops renewing its lease (renewal runs on the service\'s own thread) and is replaced: no gray failure', () => {
    const deadlock = schedule(`
name: deadlock
description: the primary's order thread deadlocks at 20 s; its heartbeat thread keeps beating
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: deadlock, target: primary, threads: [heartbeat], for: 20s }
`);
    const r = run(witness, deadlock, 1);
    expect(promotedAt(r, 'b')! - 20 * SECOND).toBeLessThanOrEqual(LEASE + MARGIN + 2 * RENEW);
    expect(invariantsViolated(r)).toEqual([]);
  });

  it('a primary whose log disk fails hands its lease back; the standby, which has every acked order, takes over within a second', () => {
    const diskFail = schedule(`
name: disk-failure
description: the primary's disk fails at 20 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: disk-fail, target: primary, for: 20s }
`);
    const r = run(witness, diskFail, 1);
    expect(promotedAt(r, 'b')! - 20 * SECOND).toBeLessThanOrEqual(RENEW + 10_000);
    expect(invariantsViolated(r)).toEqual([]);
    expect(eventsOf(r, 'ok').length).toBeGreaterThan(15_000);
  });
});
