/**
 * RedisDataset: the backlog window a PSYNC may continue from (the last repl-backlog-size of
 * the stream, never before the backlog's creation), lazy folding that keeps the tail within
 * two backlogs, and a snapshot (the RDB) equal to the whole stream whatever was folded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prefixHash, type DurableLog } from '../../src/history/durable-log.ts';
import { RedisDataset } from '../../src/parts/redis-dataset.ts';

const entry = (i: number) => ({ orderId: `c1-${i}` });

function asLog(d: RedisDataset): DurableLog {
  const rdb = d.snapshot();
  return { length: rdb.length, folded: rdb.folded, tail: [] };
}

describe('RedisDataset', () => {
  it('continues only from offsets inside the backlog, and keeps the tail bounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 3_000 }), (backlog, n) => {
        const d = new RedisDataset(backlog);
        for (let i = 0; i < n; i++) d.push(entry(i));
        expect(d.length).toBe(n);
        expect(d.backlogStart).toBe(Math.max(0, n - backlog));
        for (const offset of [0, n - backlog - 1, n - backlog, n - 1, n, n + 1]) {
          expect(d.canContinueFrom(offset)).toBe(offset >= Math.max(0, n - backlog) && offset <= n);
        }
        // the stream from any offset in the backlog is still there, in order
        const from = d.backlogStart;
        expect(d.from(from).map((e) => e.orderId)).toEqual(Array.from({ length: n - from }, (_, i) => `c1-${from + i}`));
        expect(n - d.foldedLength).toBeLessThan(2 * backlog + 1_024);
        // the RDB is the whole stream, folded or not
        const ids = Array.from({ length: n }, (_, i) => `c1-${i}`);
        expect(prefixHash(asLog(d), n)).toEqual(prefixHash({ length: n, folded: new RedisDataset(1).snapshot().folded, tail: ids }, n));
      }),
      { numRuns: 60 },
    );
  });

  it('starts a new backlog at a loaded RDB: nothing before it can be continued from', () => {
    const master = new RedisDataset(100);
    for (let i = 0; i < 5_000; i++) master.push(entry(i));
    expect(master.foldedLength).toBeGreaterThan(0);
    const replica = new RedisDataset(100);
    replica.load(master.snapshot());
    expect(replica.length).toBe(5_000);
    expect(replica.canContinueFrom(4_999)).toBe(false);
    expect(replica.canContinueFrom(5_000)).toBe(true);
    expect(replica.foldedHas('c1-10')).toBe(true);
    expect(replica.foldedHas('c1-5000')).toBe(false);
    replica.push(entry(5_000));
    expect(replica.from(5_000).map((e) => e.orderId)).toEqual(['c1-5000']);
    expect(prefixHash(asLog(replica), 19 * 256)).toEqual(prefixHash(asLog(master), 19 * 256));
    expect(prefixHash(asLog(replica), 19 * 256)).toBeDefined();
  });

  it('keeps the stream a replica output buffer holds past the backlog, and folds in batches once released', () => {
    const d = new RedisDataset(100);
    d.keepFrom = 50;
    for (let i = 0; i < 10_000; i++) d.push(entry(i));
    expect(d.foldedLength).toBeLessThanOrEqual(50);
    expect(d.from(50)[0].orderId).toBe('c1-50');
    expect(d.canContinueFrom(50)).toBe(false); // kept for the buffer, not for a PSYNC
    d.keepFrom = Infinity;
    for (let i = 10_000; i < 10_100; i++) d.push(entry(i));
    expect(d.length - d.foldedLength).toBeLessThan(2 * 100 + 1_024);
  });

  it('a freed backlog (repl-backlog-ttl) continues nothing until a new one is created', () => {
    const d = new RedisDataset(100);
    for (let i = 0; i < 50; i++) d.push(entry(i));
    expect(d.canContinueFrom(50)).toBe(true);
    d.freeBacklog();
    expect(d.hasBacklog).toBe(false);
    expect(d.canContinueFrom(50)).toBe(false);
    d.resetBacklog();
    expect(d.canContinueFrom(50)).toBe(true);
    expect(d.canContinueFrom(49)).toBe(false);
  });
});
