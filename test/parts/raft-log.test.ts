import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { Disk } from '../../src/world/disk.ts';
import type { RaftEntry } from '../../src/parts/raft-config.ts';
import { commitIndexFor, isAtLeastAsUpToDate, RaftLog } from '../../src/parts/raft-log.ts';

const FSYNC_US = 200;

function newLog(): { sim: Simulator; disk: Disk; log: RaftLog } {
  const sim = new Simulator({ seed: 1 });
  const disk = new Disk(sim, () => FSYNC_US, new Rng('disk'));
  return { sim, disk, log: new RaftLog(disk) };
}

/** Entries with the given terms, order ids `o<index>-t<term>`, starting at `fromIndex`. */
function entries(terms: number[], fromIndex = 1): RaftEntry[] {
  return terms.map((term, i) => ({ orderId: `o${fromIndex + i}-t${term}`, term }));
}

function termsOf(log: RaftLog): number[] {
  return Array.from({ length: log.lastIndex }, (_, i) => log.termAt(i + 1));
}

describe('commitIndexFor (§5.4.2: only current-term entries commit by counting)', () => {
  const termsAt = (terms: number[]) => (index: number) => (index === 0 ? 0 : terms[index - 1] ?? -1);

  it('commits the highest index stored on a majority when it is of the current term', () => {
    const terms = [1, 1, 2, 2];
    expect(commitIndexFor(Float64Array.from([4, 3, 1]), 2, 2, termsAt(terms), 0)).toBe(3);
    expect(commitIndexFor(Float64Array.from([4, 4, 4, 0, 0]), 3, 2, termsAt(terms), 0)).toBe(4);
  });

  it('does not commit an older-term entry replicated on a majority (Figure 8 of the paper)', () => {
    // S1 leads in term 4 with entries of term 2 replicated on a majority: counting must not
    // commit them, a leader of term 3 could still overwrite them
    const terms = [1, 2];
    expect(commitIndexFor(Float64Array.from([2, 2, 1, 1, 1]), 3, 4, termsAt(terms), 1)).toBe(1);
    // once an entry of term 4 is on a majority, it and everything before it commit
    const withCurrent = [1, 2, 4];
    expect(commitIndexFor(Float64Array.from([3, 3, 3, 1, 1]), 3, 4, termsAt(withCurrent), 1)).toBe(3);
  });

  it('never moves the commit index backwards', () => {
    expect(commitIndexFor(Float64Array.from([2, 1, 1]), 2, 1, termsAt([1, 1, 1]), 3)).toBe(3);
  });

  it('equals a sort-based reference on any match vector', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 7 }), fc.nat(5), (matches, termShift) => {
        const terms = Array.from({ length: 21 }, (_, i) => 1 + Math.floor(i / 4));
        const currentTerm = 1 + termShift;
        const majority = Math.floor(matches.length / 2) + 1;
        const sorted = [...matches].sort((a, b) => b - a);
        const candidate = sorted[majority - 1];
        const expected = candidate > 0 && termsAt(terms)(candidate) === currentTerm ? candidate : 0;
        expect(commitIndexFor(Float64Array.from(matches), majority, currentTerm, termsAt(terms), 0)).toBe(expected);
      }),
    );
  });
});

describe('isAtLeastAsUpToDate (§5.4.1)', () => {
  it('prefers the higher last term, then the longer log', () => {
    expect(isAtLeastAsUpToDate(3, 1, 2, 10)).toBe(true);
    expect(isAtLeastAsUpToDate(2, 10, 3, 1)).toBe(false);
    expect(isAtLeastAsUpToDate(2, 5, 2, 5)).toBe(true);
    expect(isAtLeastAsUpToDate(2, 4, 2, 5)).toBe(false);
  });
});

describe('RaftLog.merge (log matching, §5.3)', () => {
  it('truncates a conflicting suffix and appends the leader entries', () => {
    const { log } = newLog();
    log.merge(0, entries([1, 1, 2, 2, 2]));
    // the leader of term 3 has [1, 1, 3]: index 3 conflicts, so 3..5 go and its entry comes in
    expect(log.merge(2, entries([3], 3))).toBe(true);
    expect(termsOf(log)).toEqual([1, 1, 3]);
    expect(log.entryAt(3).orderId).toBe('o3-t3');
  });

  it('keeps entries already present: a late or duplicated AppendEntries never truncates', () => {
    const { log } = newLog();
    log.merge(0, entries([1, 1, 1, 1]));
    log.merge(0, entries([1, 1])); // an older message, delivered again
    expect(termsOf(log)).toEqual([1, 1, 1, 1]);
    log.merge(1, entries([1, 1, 1, 1, 1], 2)); // overlapping, one new at the end
    expect(termsOf(log)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('answers a refused prevIndex with a hint that skips the conflicting term', () => {
    const { log } = newLog();
    log.merge(0, entries([1, 2, 2, 2]));
    expect(log.rejectHint(4, 0)).toBe(1); // entries of term 2 (2..4) all skipped
    expect(log.rejectHint(9, 0)).toBe(4); // past our end: our last index
    expect(log.rejectHint(4, 3)).toBe(3); // never below what is known committed
  });
});

describe('RaftLog durability', () => {
  it('one fsync makes every entry written before it durable; entries written during it wait for the next (etcd Ready loop)', () => {
    const { sim, log } = newLog();
    let synced = 0;
    log.onSynced = () => synced++;
    log.append({ orderId: 'a', term: 1 });
    log.append({ orderId: 'b', term: 1 });
    log.sync();
    log.append({ orderId: 'c', term: 1 });
    log.sync(); // one fsync in flight at a time: c waits
    expect(log.durableIndex).toBe(0);
    sim.runUntil(FSYNC_US * 3);
    expect(log.durableIndex).toBe(2);
    expect(synced).toBe(1);
    expect(log.unsynced).toBe(true);
    log.sync();
    sim.runUntil(FSYNC_US * 6);
    expect(log.durableIndex).toBe(3);
    expect(synced).toBe(2);
    expect(log.unsynced).toBe(false);
  });

  it('does not count a truncated entry durable when its fsync lands', () => {
    const { sim, log } = newLog();
    log.onSynced = () => log.sync();
    log.append({ orderId: 'a', term: 1 });
    log.append({ orderId: 'b', term: 1 });
    log.sync();
    sim.runUntil(FSYNC_US / 2);
    log.truncateFrom(2);
    log.append({ orderId: 'c', term: 2 });
    sim.runUntil(FSYNC_US + FSYNC_US / 4); // the fsync asked before the truncation is done
    expect(log.durableIndex).toBeLessThanOrEqual(1);
    sim.runUntil(FSYNC_US * 10); // the next one covers c
    expect(log.durableIndex).toBe(2);
    expect(log.entryAt(2).orderId).toBe('c');
  });

  it('finds orders by id while indexing, and forgets truncated ones', () => {
    const { log } = newLog();
    log.merge(0, entries([1, 1, 1]));
    log.startIndexing();
    expect(log.indexOf('o2-t1')).toBe(2);
    log.append({ orderId: 'x', term: 2 });
    expect(log.indexOf('x')).toBe(4);
    log.truncateFrom(2);
    expect(log.indexOf('o2-t1')).toBeUndefined();
    expect(log.indexOf('x')).toBeUndefined();
    expect(log.indexOf('o1-t1')).toBe(1);
  });

  it('refuses writes on a full disk', () => {
    const { disk, log } = newLog();
    disk.fill();
    expect(log.append({ orderId: 'a', term: 1 })).toBe(false);
    expect(log.lastIndex).toBe(0);
  });
});
