/**
 * postgres-patroni's WAL recycling: checkpoints remove WAL older than the previous redo point,
 * wal_keep_size and the oldest replication slot (Patroni keeps one per member in the DCS). A
 * replica down for less than the ttl keeps its member key, so its slot holds its WAL and it
 * catches up; one down longer loses its key, then its slot, and comes back to "requested WAL
 * segment has already been removed", for ever (no automatic reinit in Patroni). Small
 * checkpoint_timeout, wal_keep_size and segments make minutes of PostgreSQL happen in seconds.
 */
import { describe, expect, it } from 'vitest';
import { invariants, noteAt, run, SECOND } from './postgres-patroni-helpers.ts';

const SMALL = { checkpointTimeout: '10s', walKeepSize: 1_048_576, walSegmentSizeMb: 1 };
const down = (seconds: number) => `{ at: 10s, kind: crash, target: pg3, for: ${seconds}s }`;

describe('postgres-patroni WAL recycling', () => {
  it('a replica down longer than ttl loses its slot and its WAL: it cannot stream again', () => {
    const r = run([down(60)], SMALL, 1, '80s', '20s');
    expect(noteAt(r, 'pg1', 'replication slot of pg3 dropped')).toBeGreaterThan(40 * SECOND);
    expect(noteAt(r, 'pg3', 'requested WAL segment has already been removed')).toBeGreaterThan(70 * SECOND);
    const pg3 = r.history.final.find((f) => f.node === 'pg3')!.durableLog;
    const pg1 = r.history.final.find((f) => f.node === 'pg1')!.durableLog;
    expect(pg3.length).toBeLessThan(pg1.length / 4);
    expect(pg1.folded.length).toBeGreaterThan(0);
    // a lagging replica holds a prefix of the primary's log: no invariant is broken, one copy fewer
    expect(invariants(r)).toEqual([]);
  });

  it('a replica down for less than ttl keeps its slot: the WAL it needs stays and it catches up', () => {
    const r = run([down(20)], SMALL, 1, '80s', '20s');
    expect(r.violations).toEqual([]);
    expect(noteAt(r, 'pg1', 'replication slot of pg3 dropped')).toBeUndefined();
    expect(noteAt(r, 'pg3', 'requested WAL segment has already been removed')).toBeUndefined();
    const logs = r.history.final.filter((f) => f.node.startsWith('pg')).map((f) => f.durableLog);
    expect(logs.map((l) => l.length)).toEqual([logs[0].length, logs[0].length, logs[0].length]);
  });

  it("with Patroni 4's member_slots_ttl the slot outlives the member key and the same long outage catches up", () => {
    const r = run([down(60)], { ...SMALL, memberSlotsTtl: '1800s' }, 1, '80s', '20s');
    expect(r.violations).toEqual([]);
    expect(noteAt(r, 'pg1', 'replication slot of pg3 dropped')).toBeUndefined();
    expect(noteAt(r, 'pg3', 'requested WAL segment has already been removed')).toBeUndefined();
    const logs = r.history.final.filter((f) => f.node.startsWith('pg')).map((f) => f.durableLog);
    expect(logs[2].length).toBe(logs[0].length);
  });

  it('without slots (use_slots false) the same short outage outlives the WAL kept', () => {
    // 1 kB an order: a segment is 1,048 orders (~5 s), and nothing beyond the redo point is kept
    const r = run([down(20)], { ...SMALL, walKeepSize: 0, walBytesPerOrder: 1000, useSlots: false }, 1, '80s', '20s');
    expect(noteAt(r, 'pg3', 'requested WAL segment has already been removed')).toBeGreaterThan(30 * SECOND);
  });

  it('a replica whose disk was replaced gets a base backup of the WAL the primary removed, then streams', () => {
    const r = run(['{ at: 30s, kind: disk-fail, target: pg2, for: 30s }'], SMALL, 1, '80s', '20s');
    expect(r.violations).toEqual([]);
    expect(noteAt(r, 'pg2', 'pg_basebackup: data directory cloned from pg1')).toBeGreaterThan(60 * SECOND);
    const logs = r.history.final.filter((f) => f.node.startsWith('pg')).map((f) => f.durableLog);
    expect(logs[1].folded.length).toBeGreaterThan(0);
    expect(logs[1].length).toBe(logs[0].length);
  });
});
