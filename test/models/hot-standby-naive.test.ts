/**
 * hot-standby-naive is the HA document's HotStandbyService as written. These tests pin the
 * failures the document's code has in the real world: self-promotion on one missed heartbeat,
 * no demotion, no fencing, async replication, no catch-up.
 */
import { describe, expect, it } from 'vitest';
import naive from '../../models/hot-standby-naive.ts';
import { acksBy, eventsOf, promotedAt, roles, run, schedule, SECOND, violationsOf } from './hot-standby-helpers.ts';

const PRIMARY_CRASH = schedule(`
name: primary-crash
description: kill -9 of the primary at 20 s; nobody restarts it until the faults heal at 50 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: process-crash, target: primary }
`);

const PARTITION = schedule(`
name: partition-primary
description: the primary is cut off from its peer (not from the clients) at 20 s for 20 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: partition, groups: [[primary], [others]], for: 20s }
`);

describe('hot-standby-naive (the document\'s HotStandbyService)', () => {
  it('fails over 1 to 2 heartbeat intervals after the primary dies: one unanswered heartbeat is enough', () => {
    for (const seed of [1, 2, 3]) {
      const r = run(naive, PRIMARY_CRASH, seed);
      const failover = promotedAt(r, 'b')! - 20 * SECOND;
      // the next heartbeat leaves within 1 s (+ a round trip) of the crash and waits 1 s for an answer
      expect(failover).toBeGreaterThan(1 * SECOND);
      expect(failover).toBeLessThanOrEqual(2 * SECOND + 1_000);
    }
  });

  it('loses acked orders when the primary is killed: the restarted primary comes back PRIMARY and the logs are never reconciled', () => {
    // b promotes ~1.5 s after the kill and acks ~30 s of orders. At 50 s `a` restarts and,
    // as its constructor says, is PRIMARY again (it also re-announces the VIP): two primaries,
    // two diverging logs, no resync. The authoritative log (the latest primary's, a's) lacks
    // everything b acked, and b lacks the tail a acked but its async sender never shipped.
    for (const seed of [1, 2, 3]) {
      const r = run(naive, PRIMARY_CRASH, seed);
      expect(violationsOf(r, 'no-lost-ack')).toHaveLength(1);
      expect(r.metrics.lostAcked).toBeGreaterThan(1000);
      // primary from its start (during boot), and again after its restart
      const times = roles(r, 'a', 'primary').map((e) => e.time);
      expect(times[0]).toBeLessThan(0);
      expect(times.slice(1)).toEqual([50 * SECOND]);
      expect(r.history.final.filter((f) => f.lastRole === 'primary').map((f) => f.node)).toEqual(['a', 'b']);
    }
  });

  it('under a partition of the primary from its peer both nodes believe they are primary for the rest of the run, and the orders acked in the detection window are lost', () => {
    // The old primary never demotes; the standby promotes and its gratuitous ARPs move every
    // client to it. The ~1-2 s of orders `a` acked after the cut never reached b (async
    // replication over the cut link), and nothing ever copies them later.
    for (const seed of [1, 2, 3]) {
      const r = run(naive, PARTITION, seed);
      expect(r.metrics.splitBrainMs.belief).toBeGreaterThan(55_000); // from ~21.5 s to the end at 82 s
      expect(violationsOf(r, 'no-lost-ack')).toHaveLength(1);
      expect(r.metrics.lostAcked).toBeGreaterThan(150);
      expect(violationsOf(r, 'convergence')).toHaveLength(1);
    }
  });

  it('splits brain effectively when the clients miss the standby\'s gratuitous ARPs: both primaries ack orders', () => {
    // The same partition, and while b promotes its gratuitous ARPs do not reach the clients
    // (a one-way cut from b to the clients' segment for 5 s: a lost GARP, or a router that
    // ignores unsolicited ARP). The clients keep their ARP entry for the VIP pointing at `a`,
    // which never demoted and keeps acking. When the entries expire (30 s after a's last
    // GARP) the clients ARP again and the newest claimant, b, answers: now b acks. Both acked
    // as primaries during the same dual-primary period, from logs that never meet.
    const garpLost = schedule(`
name: partition-garp-lost
description: the primary is cut off from its peer; the standby's gratuitous ARPs are lost
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: partition, groups: [[primary], [others]], for: 20s }
  - { at: 20s, kind: partition, groups: [[standby], [clients]], oneWay: true, for: 5s }
`);
    for (const seed of [1, 2, 3]) {
      const r = run(naive, garpLost, seed);
      const bPromoted = promotedAt(r, 'b')!;
      expect(bPromoted).toBeLessThan(22 * SECOND);
      expect(violationsOf(r, 'single-primary')).toHaveLength(1);
      // a is still primary (never demoted) and acks for ~10 s after b took over...
      expect(acksBy(r, 'a', bPromoted).length).toBeGreaterThan(1000);
      // ...and then b acks, while a still believes it is primary
      expect(acksBy(r, 'b', bPromoted).length).toBeGreaterThan(1000);
      expect(roles(r, 'a').filter((e) => e.role !== 'primary')).toEqual([]);
      expect(r.metrics.lostAcked).toBeGreaterThan(1000);
    }
  });

  it('gray failure: a deadlocked order thread behind a beating heartbeat thread never fails over, and the service is down for the whole deadlock', () => {
    // The deadlock stops a's main thread; its heartbeat thread keeps answering b's pings,
    // so b never promotes. Clients time out against the VIP holder until the watchdog kills
    // a at 40 s and it restarts.
    const deadlock = schedule(`
name: deadlock
description: the primary's order thread deadlocks at 20 s; its heartbeat thread keeps beating
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: deadlock, target: primary, threads: [heartbeat], for: 20s }
`);
    const r = run(naive, deadlock, 1);
    expect(roles(r, 'b', 'primary')).toEqual([]);
    expect(acksBy(r, 'a', 20 * SECOND + 10_000, 40 * SECOND)).toEqual([]);
    expect(r.metrics.rtoMaxMs).toBeGreaterThan(19_000);
    expect(r.metrics.availability).toBeLessThan(0.8);

    // the same outage with every thread stuck is detected and failed over in 1-2 s
    const allStuck = schedule(`
name: deadlock-all
description: every thread of the primary is stuck at 20 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: deadlock, target: primary, threads: [], for: 20s }
`);
    const r2 = run(naive, allStuck, 1);
    expect(promotedAt(r2, 'b')! - 20 * SECOND).toBeLessThanOrEqual(2 * SECOND + 1_000);
  });

  it('a GC pause longer than the heartbeat timeout: the paused primary wakes up and acks its queued orders after the standby took over (effective split brain, duplicate orders)', () => {
    // a stalls for 8 s; b promotes after one missed heartbeat and the clients retry their
    // timed-out orders through b. When a resumes it processes the orders queued during the
    // pause and acks them (it never demoted): both primaries acked, and the exchange got the
    // retried orders twice.
    const gc = schedule(`
name: gc-pause
description: the primary stalls for 8 s at 20 s
duration: 50s
settle: 30s
faults:
  - { at: 20s, kind: pause, target: primary, for: 8s }
`);
    const r = run(naive, gc, 1);
    expect(promotedAt(r, 'b')! - 20 * SECOND).toBeLessThanOrEqual(2 * SECOND + 1_000);
    expect(violationsOf(r, 'single-primary')).toHaveLength(1);
    expect(acksBy(r, 'a', 28 * SECOND, 29 * SECOND).length).toBeGreaterThan(100);
    expect(violationsOf(r, 'no-duplicate-order').length).toBeGreaterThan(100);
    expect(eventsOf(r, 'exchange').filter((e) => e.node === 'a' && e.time >= 28 * SECOND).length).toBeGreaterThan(100);
  });
});
