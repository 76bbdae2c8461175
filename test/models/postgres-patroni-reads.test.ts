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
const READS_PER_SECOND = 50;
const CUT_AT_S = 20;
const CUT_S = 10;
/** readFromReplicas: the client picks each read's target uniformly from pg1, pg2, pg3. */
const POOL = 3;
const schedule = parseSchedule(`name: cut\nduration: 40s\nsettle: 10s\nworkload: { readsPerSecond: ${READS_PER_SECOND} }\nfaults:\n  - { at: ${CUT_AT_S}s, kind: partition, groups: [[pg1], [pg3]], for: ${CUT_S}s }\n`, '<test>');

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
    const duringCut = stale.filter((s) => s.node === 'pg3' && s.time >= CUT_AT_S * SECOND && s.time < (CUT_AT_S + CUT_S + 1) * SECOND);
    // pg3 gets READS_PER_SECOND / POOL reads a second for the CUT_S seconds of the cut, and every
    // other read asks for the client's latest order (world/client.ts), acked by pg1 after the cut
    // began and so missing on pg3: at least half of pg3's reads in the cut are stale, 50 / 3 x 10 / 2
    // = 83 (the other half, asking for any earlier order, add the ones acked during the cut).
    // Reads arrive as a Poisson stream, so allow a quarter below that (more than two standard
    // deviations); without the cut pg3 serves about one stale read a second at most.
    const expectedAtLeast = ((READS_PER_SECOND / POOL) * CUT_S) / 2;
    expect(duringCut.length).toBeGreaterThanOrEqual(Math.floor(0.75 * expectedAtLeast));
    // afterwards only the odd read that beats replication by a millisecond
    expect(stale.filter((s) => s.time > (CUT_AT_S + CUT_S + 2) * SECOND).length).toBeLessThan(duringCut.length / 10);
  });

  it('from the primary, none once HAProxy has checked its servers', () => {
    const r = simulate({ design, seed: 1, schedule, params: {} });
    expect(r.history.events.filter((e) => e.type === 'read').length).toBeGreaterThan(1500);
    expect(staleReadTimes(r).filter((s) => s.time > 10 * SECOND)).toEqual([]);
  });
});
