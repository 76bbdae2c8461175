/**
 * The metrics the published cases need, each shown to catch a planted violation and to stay
 * zero on the safe twin of the same history: overlapping lock holders (count and time),
 * visible-but-unacknowledged orders lost (apart from acked loss), and stale reads.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/history/history.ts';
import { lockOverlap } from '../../src/metrics/lock-overlap.ts';
import { lostUnacked } from '../../src/metrics/lost-unacked.ts';
import { staleReads } from '../../src/metrics/stale-reads.ts';
import { recoveryPoint } from '../../src/metrics/rpo.ts';
import { acked, crash, final, history, info, invoke, ms, role } from '../check/helpers.ts';

const probe = (atMs: number, node: string, name: string, subject: string): HistoryEvent => ({ type: 'probe', time: ms(atMs), node, probe: name, subject });
const read = (atMs: number, orderId: string, found: boolean, askedMs = atMs - 1, node = 'a'): HistoryEvent =>
  ({ type: 'read', time: ms(atMs), client: 'c1', node, orderId, found, invokedAt: ms(askedMs) });

describe('lockOverlap', () => {
  it("counts Kleppmann's two holders: i1 paused past its lease, i2 granted the lock, i1 still believing", () => {
    const h = history([
      probe(0, 'i1', 'lock.acquired', 'k'),
      probe(5_000, 'i2', 'lock.acquired', 'k'),
      probe(5_010, 'i2', 'lock.released', 'k'),
      probe(12_000, 'i1', 'lock.released', 'k'),
    ]);
    expect(lockOverlap(h)).toEqual({ count: 1, ms: 10 });
  });

  it('is zero for holders one after the other, per key, and a crash ends a belief', () => {
    const h = history([
      probe(0, 'i1', 'lock.acquired', 'k'),
      probe(1, 'i2', 'lock.acquired', 'other'),
      probe(2, 'i1', 'lock.released', 'k'),
      probe(3, 'i2', 'lock.acquired', 'k'),
      crash(4, 'i2'),
      probe(5, 'i1', 'lock.acquired', 'k'),
      probe(6, 'i1', 'lock.released', 'k'),
    ]);
    expect(lockOverlap(h)).toEqual({ count: 0, ms: 0 });
  });

  it('runs an overlap still open to the end of the run', () => {
    const h = history([probe(0, 'i1', 'lock.acquired', 'k'), probe(90_000, 'i2', 'lock.acquired', 'k')]);
    expect(lockOverlap(h)).toEqual({ count: 1, ms: 1_000 });
  });
});

describe('lostUnacked', () => {
  // a commits o1 (acked) and o2, o3 (cancelled waits: visible, never acked); b takes over without them
  const events = [
    role(0, 'a', 'primary', 1),
    acked('o1', 10, 'a'),
    invoke(20, 'o2'), info(1_020, 'o2'), probe(1_020, 'a', 'commit.visible-unacked', 'o2'),
    invoke(30, 'o3'), info(1_030, 'o3'), read(2_000, 'o3', true),
    role(5_000, 'b', 'primary', 2),
  ];

  it('finds orders seen visible (a read, or a commit completed without ack) that the new primary lacks, apart from acked loss', () => {
    const h = history(events, { final: [final('a', 'up', ['o1', 'o2', 'o3'], 'standby', 2), final('b', 'up', ['o1'], 'primary', 2)] });
    expect(lostUnacked(h)).toEqual(['o2', 'o3']);
    expect(recoveryPoint(h).lostAcked).toBe(0);
  });

  it('is empty when the new primary has them, and never counts an acked order twice', () => {
    expect(lostUnacked(history(events, { final: [final('b', 'up', ['o1', 'o2', 'o3'], 'primary', 2)] }))).toEqual([]);
    const h = history([...events, read(3_000, 'o1', true)], { final: [final('b', 'up', [], 'primary', 2)] });
    expect(lostUnacked(h)).toEqual(['o2', 'o3']);
    expect(recoveryPoint(h).lostAcked).toBe(1);
  });
});

describe('staleReads', () => {
  it('counts reads that missed an order acked before they were asked, and nothing else', () => {
    const h = history([
      acked('o1', 10, 'a'), // ok at 12 ms
      read(11, 'o1', false, 5), // asked before the ack arrived: not stale
      read(20, 'o1', true, 15),
      read(30, 'o1', false, 25, 'b'), // stale: b had not got it
      read(40, 'o9', false, 35), // never acked: not stale
    ]);
    expect(staleReads(h)).toBe(1);
  });
});
