/**
 * postgres-patroni serves reads: the primary through HAProxy's /primary check, or (with
 * readFromReplicas) every member, hot standbys answering from the WAL they replayed. A
 * standby cut off from the primary serves stale reads (an order acked to the reader is not
 * there) for as long as the cut lasts, and asynchronous replicas the odd one otherwise (a read
 * that beats replication by a millisecond); the primary does not, once HAProxy's first checks have
 * taken the replicas out of rotation (HAProxy starts with every server up).
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import design from '../../models/postgres-patroni.ts';

const SECOND = 1_000_000;
const schedule = parseSchedule('name: cut\nduration: 40s\nsettle: 10s\nworkload: { readsPerSecond: 50 }\nfaults:\n  - { at: 20s, kind: partition, groups: [[pg1], [pg3]], for: 10s }\n', '<test>');

function staleReadTimes(r: RunResult): { time: number; node: string }[] {
  const ackedAt = new Map<string, number>();
  const out: { time: number; node: string }[] = [];
  for (const e of r.history.events) {
    if (e.type === 'ok' && !ackedAt.has(e.orderId)) ackedAt.set(e.orderId, e.time);
    if (e.type === 'read' && !e.found && (ackedAt.get(e.orderId) ?? Infinity) < e.invokedAt) out.push({ time: e.time, node: e.node });
  }
  return out;
}

describe('postgres-patroni: reads', () => {
  it('from a replica pool, a standby cut off from the primary serves stale reads while the cut lasts', () => {
    const r = simulate({ design, seed: 1, schedule, params: { readFromReplicas: true } });
    const stale = staleReadTimes(r);
    expect(r.metrics.staleReads).toBe(stale.length);
    const duringCut = stale.filter((s) => s.node === 'pg3' && s.time >= 20 * SECOND && s.time < 31 * SECOND);
    expect(duringCut.length).toBeGreaterThan(100);
    // afterwards only the odd read that beats replication by a millisecond
    expect(stale.filter((s) => s.time > 32 * SECOND).length).toBeLessThan(duringCut.length / 10);
  });

  it('from the primary, none once HAProxy has checked its servers', () => {
    const r = simulate({ design, seed: 1, schedule, params: {} });
    expect(r.history.events.filter((e) => e.type === 'read').length).toBeGreaterThan(1500);
    expect(staleReadTimes(r).filter((s) => s.time > 10 * SECOND)).toEqual([]);
  });
});
