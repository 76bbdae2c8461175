/** A disk's compaction, snapshot and restore: positions stay absolute, folded entries stay durable. */
import { describe, expect, it } from 'vitest';
import { durableIds, idAt, prefixHash } from '../../src/history/durable-log.ts';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { Disk } from '../../src/world/disk.ts';

function disk() {
  const sim = new Simulator({ seed: 1 });
  return { sim, disk: new Disk(sim, () => 100, Rng.stream(1, 'disk')) };
}

function filled(n: number) {
  const { sim, disk: d } = disk();
  for (let i = 0; i < n; i++) d.append({ orderId: `c1-${i}`, term: 1 });
  sim.runUntil(1000);
  return { sim, d };
}

describe('disk compaction', () => {
  it('folds only durable entries; positions, length and the durable log stay as before', () => {
    const { sim, d } = filled(10);
    d.write({ orderId: 'c1-10', term: 2 }); // not durable: never folded
    d.compact(20);
    expect(d.compactedLength).toBe(10);
    expect(d.length).toBe(11);
    expect(d.durableLength).toBe(10);
    expect(d.entries.map((e) => e.orderId)).toEqual(['c1-10']);
    expect(d.entryAt(10)?.orderId).toBe('c1-10');
    expect(d.entryAt(9)).toBeUndefined();
    expect(d.lastCompacted?.orderId).toBe('c1-9');
    const flushed: boolean[] = [];
    d.flush((ok) => flushed.push(ok));
    sim.runUntil(2000);
    expect(flushed).toEqual([true]);
    const log = d.durableLog();
    expect(log.length).toBe(11);
    expect(idAt(log, 10)).toBe('c1-10');
    expect(durableIds(log).has('c1-3')).toBe(true);
  });

  it('a host crash keeps the folded prefix and loses the unsynced tail; a truncation cannot reach folded entries', () => {
    const { d } = filled(6);
    d.compact(4);
    d.write({ orderId: 'c1-6', term: 1 });
    d.crash();
    expect(d.length).toBe(6);
    d.truncate(2);
    expect(d.length).toBe(4);
    expect(d.durableLength).toBe(4);
    expect(d.entries).toEqual([]);
  });

  it('a snapshot restored on another disk replaces its whole log, durable at once, with the same prefix hash', () => {
    const { d } = filled(8);
    d.compact(3);
    const snap = d.snapshot(6);
    expect(snap.length).toBe(6);
    expect(snap.last?.orderId).toBe('c1-5');
    const { sim, disk: other } = disk();
    const done: boolean[] = [];
    other.append({ orderId: 'x-1', term: 1 }, (ok) => done.push(ok));
    other.restore(snap);
    sim.runUntil(1000);
    expect(done).toEqual([true]); // the replaced entry's fsync still calls back, and makes nothing durable
    expect(other.length).toBe(6);
    expect(other.durableLength).toBe(6);
    expect(prefixHash(other.durableLog(), 6)).toEqual(prefixHash(d.durableLog(), 6));
    expect(durableIds(other.durableLog()).has('x-1')).toBe(false);
    d.compact(8);
    expect(snap.folded.length).toBe(6); // the snapshot is frozen
  });

  it('a disk failure drops the folded prefix too', () => {
    const { d } = filled(5);
    d.compact(5);
    d.fail();
    d.replace();
    expect(d.length).toBe(0);
    expect(d.compactedLength).toBe(0);
    expect(d.durableLog().length).toBe(0);
  });
});
