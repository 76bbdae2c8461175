/**
 * n-plus-1: three active shards and one shared standby (the HA document's "N+1 REDUNDANCY").
 * What these tests pin:
 *
 * - the takeover window that follows from the heartbeat: the spare takes a shard over once
 *   its active has been silent for deadTime (3 s, corosync's token timeout), i.e. between
 *   deadTime - heartbeatInterval and deadTime after the crash; the other shards never notice;
 * - N+1 covers one failure: "N active instances + 1 standby for any failure" (HA document
 *   §2). A second shard failing while the spare is in use stays down until it is repaired;
 * - failback when the active is repaired (Pacemaker with resource-stickiness 0 moves the
 *   resource back to its preferred node);
 * - without fencing, an active cut off from the spare keeps acking until the spare's VIP
 *   takeover reaches the clients; with asynchronous replication those acks never reach the
 *   spare and are lost (HA document §4: asynchronous replication, "potential data loss");
 * - the invariants apply per shard: N primaries of N shards are not a split brain, two
 *   primaries of one shard are.
 *
 * Clients: client:1 uses shard1's VIP, client:2 shard2's, client:3 shard3's.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { HistoryEvent } from '../../src/history/history.ts';
import { singlePrimary } from '../../src/check/single-primary.ts';
import type { Schedule } from '../../src/faults/schedule.ts';
import design from '../../models/n-plus-1.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;

function schedule(faultLines: string[], duration = '90s', settle = '30s'): Schedule {
  return faultSchedule(faultLines, duration, settle);
}

function run(faultLines: string[], params: Record<string, unknown> = {}, duration?: string): RunResult {
  return simulate({ design, seed: 1, schedule: schedule(faultLines, duration), params });
}

const violated = (r: RunResult, invariant: string) => r.violations.filter((v) => v.invariant === invariant);

/** Invoke times of the orders of one client (one shard) that were not acked within the timeout. */
function unservedOf(r: RunResult, client: string): number[] {
  const invoked = new Map<string, number>();
  const served = new Set<string>();
  for (const e of r.history.events) {
    if (e.type === 'invoke' && e.client === client) invoked.set(e.orderId, e.time);
    if (e.type === 'ok' && e.client === client && e.latency <= r.history.clientTimeout) served.add(e.orderId);
  }
  return [...invoked].filter(([id, at]) => !served.has(id) && at < r.history.settleEndAt - r.history.clientTimeout).map(([, at]) => at);
}

function primaryDeclarations(r: RunResult): { node: string; scope?: string; epoch: number; time: number }[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' ? [{ node: e.node, scope: e.scope, epoch: e.epoch, time: e.time }] : []));
}

describe('n-plus-1: a quiet run', () => {
  it('runs one primary per shard at once, which is no split brain, and serves every shard', () => {
    const r = run([], {}, '30s');
    expect(r.violations).toEqual([]);
    expect(primaryDeclarations(r).map((d) => `${d.node}:${d.scope}`)).toEqual(['a1:shard1', 'a2:shard2', 'a3:shard3']);
    for (const client of ['client:1', 'client:2', 'client:3']) expect(unservedOf(r, client)).toEqual([]);
  });
});

describe('n-plus-1: one shard fails', () => {
  const r = run(['{ at: 20s, kind: crash, target: a2, for: 40s }']);

  it('the spare takes that shard over within the heartbeat window, and only that shard', () => {
    const takeover = primaryDeclarations(r).find((d) => d.node === 's')!;
    expect(takeover.scope).toBe('shard2');
    expect(takeover.epoch).toBe(2);
    expect(takeover.time - 20 * SECOND).toBeGreaterThanOrEqual(2 * SECOND); // deadTime - heartbeatInterval
    expect(takeover.time - 20 * SECOND).toBeLessThanOrEqual(3.1 * SECOND); // deadTime
    const vip = r.history.events.find((e) => e.type === 'vip' && e.node === 's');
    expect(vip).toMatchObject({ vip: 'shard2', time: takeover.time });
  });

  it('the other shards are unaffected and shard2 is down only until the takeover', () => {
    expect(unservedOf(r, 'client:1')).toEqual([]);
    expect(unservedOf(r, 'client:3')).toEqual([]);
    const down = unservedOf(r, 'client:2');
    expect(down.length).toBeGreaterThan(0);
    expect(Math.max(...down)).toBeLessThan(23.5 * SECOND);
  });

  it('hands the shard back when its active is repaired, with nothing lost and no split brain', () => {
    const back = primaryDeclarations(r).find((d) => d.node === 'a2' && d.time >= 60 * SECOND)!;
    expect(back).toMatchObject({ scope: 'shard2', epoch: 3 });
    expect(back.time - 60 * SECOND).toBeLessThan(1.1 * SECOND);
    expect(r.violations).toEqual([]);
  });
});

describe('n-plus-1: a second failure while the spare is in use', () => {
  const r = run(['{ at: 20s, kind: crash, target: a2, for: 50s }', '{ at: 35s, kind: crash, target: a3, for: 20s }']);

  it('leaves that shard out until its active is repaired', () => {
    expect(primaryDeclarations(r).filter((d) => d.node === 's').map((d) => d.scope)).toEqual(['shard2']);
    const down = unservedOf(r, 'client:3');
    expect(Math.min(...down)).toBeLessThan(35.1 * SECOND);
    expect(Math.max(...down)).toBeGreaterThan(54 * SECOND); // out for the whole 20 s repair
    expect(Math.max(...down)).toBeLessThan(56.1 * SECOND); // repaired at 55 s, back within a heartbeat
    expect(unservedOf(r, 'client:1')).toEqual([]);
  });

  it('never has two primaries of one shard', () => {
    expect(violated(r, 'single-primary')).toEqual([]);
    expect(r.metrics.splitBrainMs.belief).toBe(0);
  });
});

describe('n-plus-1: an active whose log disk fails', () => {
  // A failed resource moves at once (Pacemaker's monitor failure), instead of a gray failure
  // that only heartbeats would never notice: the active stops on the I/O error (as PostgreSQL
  // panics on a failed fsync) and the spare, which holds its shard's log, takes over.
  it('hands its shard to the spare at once and takes it back once the disk is replaced, losing nothing', () => {
    const r = run(['{ at: 20s, kind: disk-fail, target: a1, for: 40s }']);
    const takeover = primaryDeclarations(r).find((d) => d.node === 's')!;
    expect(takeover.scope).toBe('shard1');
    expect(takeover.time - 20 * SECOND).toBeLessThan(10_000);
    expect(primaryDeclarations(r).find((d) => d.node === 'a1' && d.time > 60 * SECOND)).toMatchObject({ epoch: 3 });
    expect(r.violations).toEqual([]);
  });
});

describe('n-plus-1: an active cut off from the spare (no fencing)', () => {
  it('both believe they are primary of the shard, and the acks only the active had are lost', () => {
    const r = run(['{ at: 20s, kind: partition, groups: [[a2], [s]], for: 15s }'], {}, '60s');
    expect(r.metrics.splitBrainMs.belief).toBeGreaterThan(10_000);
    const lost = violated(r, 'no-lost-ack');
    expect(lost).toHaveLength(1);
    expect(lost[0].detail).toMatch(/^shard2: \d+ acked order\(s\) missing from the durable log of a2/);
    expect(violated(r, 'convergence')).toEqual([]);
  });
});

describe('n-plus-1: the invariants apply per shard', () => {
  const quiet = run([], {}, '30s');
  const planted = (extra: HistoryEvent[]) => {
    const events = [...quiet.history.events, ...extra].sort((x, y) => x.time - y.time);
    return { ...quiet.history, events };
  };

  it('catches a planted second primary of shard1 that acts', () => {
    const h = planted([
      { type: 'role', time: 10 * SECOND, node: 's', role: 'primary', epoch: 2, scope: 'shard1' },
      { type: 'ack-sent', time: 10 * SECOND + 1, node: 's', orderId: 'planted' },
    ]);
    const violations = singlePrimary.check(h);
    expect(violations).toHaveLength(1);
    expect(violations[0].detail).toContain('a1 (epoch 1) and s (epoch 2)');
  });

  it('does not count a planted primary of another shard as a split brain', () => {
    const h = planted([
      { type: 'role', time: 10 * SECOND, node: 's', role: 'primary', epoch: 2, scope: 'shard4' },
      { type: 'ack-sent', time: 10 * SECOND + 1, node: 's', orderId: 'planted' },
    ]);
    expect(singlePrimary.check(h)).toEqual([]);
  });
});
