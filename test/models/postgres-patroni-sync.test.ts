/**
 * postgres-patroni's synchronous knobs: synchronous_node_count above 1 (FIRST n: every listed
 * standby must confirm a commit) and synchronous_mode: quorum (ANY n of all standbys, failover
 * by a quorum vote on the highest LSN). Sources: Patroni 4.x docs "Replication modes" (quorum
 * commit mode: "the leader race ... a node can promote only if it has the latest LSN among a
 * quorum of nodes"); patroni/ha.py `_is_healthiest_node`, patroni/quorum.py; PostgreSQL 16
 * docs, synchronous_standby_names (FIRST / ANY) and syncrep.c SyncRepGetSyncRecPtr.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { resolveParams } from '../../src/world/params.ts';
import patroni from '../../models/postgres-patroni.ts';
import { SECOND, events, invariants, noteAt, promotions, run } from './postgres-patroni-helpers.ts';

/** Median latency (ms) of the acks clients received in [from, to). */
function ackLatencyMs(r: ReturnType<typeof run>, from: number, to: number): number {
  const latencies = events(r, 'ok').filter((e) => e.time >= from && e.time < to).map((e) => e.latency).sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length / 2)] / 1000;
}

describe('postgres-patroni synchronous_node_count above 1 (FIRST n)', () => {
  const SLOW_PG3 = '{ at: 10s, kind: latency, target: pg3, delay: 60ms, for: 20s }';

  it('names every picked standby in /sync and waits for the slowest: a 60 ms standby slows every commit', () => {
    const first2 = run([SLOW_PG3], { synchronousMode: 'on', synchronousNodeCount: 2 }, 1, '40s', '10s');
    expect(noteAt(first2, 'pg1', 'sync standby status assigned to [pg2, pg3]')).toBeDefined();
    expect(ackLatencyMs(first2, 12 * SECOND, 28 * SECOND)).toBeGreaterThan(120);
    expect(invariants(first2)).toEqual([]);
    // ANY 1 of the same two standbys: the fast one confirms
    const any1 = run([SLOW_PG3], { synchronousMode: 'quorum', synchronousNodeCount: 1 }, 1, '40s', '10s');
    expect(ackLatencyMs(any1, 12 * SECOND, 28 * SECOND)).toBeLessThan(60);
  });

  // with one sync standby the other replica is not in /sync and may not race (Patroni docs:
  // "only nodes listed in /sync can be promoted"); with two, either survivor can take over
  const CRASH_PG1_PG2 = ['{ at: 20s, kind: crash, target: pg1, for: 60s }', '{ at: 20s, kind: crash, target: pg2, for: 60s }'];

  it('with two sync standbys, the survivor of a primary + standby loss takes over and loses nothing', () => {
    const r = run(CRASH_PG1_PG2, { synchronousMode: 'on', synchronousNodeCount: 2 });
    expect(promotions(r, 20 * SECOND).map((e) => e.node)[0]).toBe('pg3');
    expect(r.metrics.lostAcked).toBe(0);
    expect(invariants(r)).toEqual([]);
  });

  it('with one sync standby (pg2), the asynchronous pg3 may not race, so nothing is promoted until pg1 returns', () => {
    const r = run(CRASH_PG1_PG2, { synchronousMode: 'on', synchronousNodeCount: 1 });
    expect(noteAt(r, 'pg1', 'sync standby status assigned to [pg2]')).toBeDefined();
    expect(promotions(r, 20 * SECOND).filter((e) => e.time < 80 * SECOND)).toEqual([]);
    expect(noteAt(r, 'pg3', 'not allowed to race', 20 * SECOND)).toBeDefined();
    expect(r.metrics.lostAcked).toBe(0);
  });
});

describe('postgres-patroni synchronous_mode: quorum (ANY k, promotion by the highest LSN)', () => {
  // pg1 -> pg2 is cut from 15 s: pg2 falls behind while pg3 alone confirms ANY 1 (pg2, pg3);
  // pg1 dies at 25 s. pg3 is slow to the DCS, so a candidate that ignores LSNs (pg2) wins the race.
  const LAGGING_PG2 = [
    '{ at: 15s, kind: partition, groups: [[pg1], [pg2]], oneWay: true, for: 10s }',
    '{ at: 25s, kind: crash, target: pg1, for: 50s }',
    '{ at: 5s, kind: latency, target: pg3, delay: 200ms, for: 85s }',
  ];
  const QUORUM = { synchronousMode: 'quorum', synchronousNodeCount: 1 };

  it('publishes ANY 1 of both standbys with quorum 1, and the fresher standby wins the vote: no acked loss', () => {
    const r = run(LAGGING_PG2, QUORUM);
    expect(noteAt(r, 'pg1', 'setting leader to pg1, quorum to 1 of (pg2, pg3)')).toBeDefined();
    expect(noteAt(r, 'pg2', 'pg3 has more WAL', 25 * SECOND)).toBeDefined();
    expect(promotions(r, 25 * SECOND).map((e) => e.node)[0]).toBe('pg3');
    expect(r.metrics.lostAcked).toBe(0);
    expect(invariants(r)).toEqual([]);
  });

  it('promotion without comparing LSNs (a planted flaw) elects the stale pg2 and loses the commits only pg3 had', () => {
    const r = run(LAGGING_PG2, { ...QUORUM, raceComparesWal: false });
    expect(promotions(r, 25 * SECOND).map((e) => e.node)[0]).toBe('pg2');
    expect(r.metrics.lostAcked).toBeGreaterThan(100);
    expect(invariants(r)).toContain('no-lost-ack');
  });

  // five nodes, ANY 2 of four standbys: quorum = 4 - 2 = 2, so a candidate needs two other voters' votes
  it('with 5 nodes and ANY 2, fails over after losing one standby with the primary, not two', () => {
    const five = { ...QUORUM, pgNodes: 5, synchronousNodeCount: 2 };
    const crash = (node: string) => `{ at: 20s, kind: crash, target: ${node}, for: 60s }`;
    const one = run([crash('pg1'), crash('pg2')], five);
    expect(noteAt(one, 'pg1', 'quorum to 2 of (pg2, pg3, pg4, pg5)')).toBeDefined();
    expect(promotions(one, 20 * SECOND).filter((e) => e.time < 80 * SECOND).length).toBe(1);
    expect(one.metrics.lostAcked).toBe(0);
    const two = run([crash('pg1'), crash('pg2'), crash('pg3')], five);
    expect(promotions(two, 20 * SECOND).filter((e) => e.time < 80 * SECOND)).toEqual([]);
    expect(events(two, 'note').some((e) => e.text.includes('quorum votes') && e.time > 20 * SECOND)).toBe(true);
    expect(two.metrics.lostAcked).toBe(0);
  });
});

describe('postgres-patroni synchronous knobs: validation', () => {
  const topology = (params: Record<string, unknown>) => patroni.topology(resolveParams(patroni, params) as never);

  it('refuses a count above the standbys and unknown modes, naming the field', () => {
    expect(() => topology({ synchronousNodeCount: 3 })).toThrow(InputError);
    expect(() => topology({ synchronousNodeCount: 3 })).toThrow(/synchronousNodeCount: expected at most pgNodes - 1 \(2\)/);
    expect(() => topology({ pgNodes: 5, synchronousNodeCount: 4 })).not.toThrow();
    expect(() => resolveParams(patroni, { synchronousMode: 'any' })).toThrow(/synchronousMode: expected one of off, on, strict, quorum/);
    expect(() => resolveParams(patroni, { pgNodes: 1 })).toThrow(/pgNodes: expected an integer >= 2 and <= 9/);
  });
});
