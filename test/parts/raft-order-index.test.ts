import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RaftOrderIndex } from '../../src/parts/raft-order-index.ts';

// The leader's orderId -> log index must answer exactly as the Map<string, number> it replaces:
// through the window's slides and growths, a retry below the window, ids of other shapes and n
// too far from the rest for a window (kept in its Map).
describe('RaftOrderIndex', () => {
  const id = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 1_500 })).map(([c, n]) => `c${c}-${n}`) },
    { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 5_000_000, max: 5_000_020 })).map(([c, n]) => `c${c}-${n}`) },
    { weight: 1, arbitrary: fc.constantFrom('(no-op of term 3)', 'c1-007', 'c1-', 'x') },
  );
  const op = fc.tuple(fc.constantFrom('set', 'set', 'set', 'delete', 'deleteOther', 'get', 'clear', 'drop'), id, fc.integer({ min: 1, max: 1_000_000 }));

  it('answers get/set/deleteAt/dropThrough/clear as a Map does', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 1_500 }), (ops) => {
        const index = new RaftOrderIndex();
        const model = new Map<string, number>();
        let floor = 0;
        for (const [what, x, logIndex] of ops) {
          if (what === 'set') {
            // a compacted log only grows past its floor
            if (logIndex <= floor) continue;
            index.set(x, logIndex);
            model.set(x, logIndex);
          } else if (what === 'delete' || what === 'deleteOther') {
            // deleteAt removes only the id's entry at that index
            const at = what === 'delete' ? (model.get(x) ?? logIndex) : logIndex;
            index.deleteAt(x, at);
            if (model.get(x) === at) model.delete(x);
          } else if (what === 'clear') {
            if (logIndex % 20 === 0) {
              index.clear();
              model.clear();
              floor = 0;
            }
          } else if (what === 'drop') {
            // compaction through a log index a little past the floor: every entry up to it goes
            const through = floor + (logIndex % 50_000);
            index.dropThrough(through);
            floor = Math.max(floor, through);
            for (const [k, v] of model) if (v <= floor) model.delete(k);
          }
          expect(index.get(x)).toBe(model.get(x));
        }
        for (const x of model.keys()) expect(index.get(x)).toBe(model.get(x));
      }),
      { numRuns: 60 },
    );
  });

  it('slides past the compacted orders: a long run keeps a window of the orders since the last compaction', () => {
    const index = new RaftOrderIndex();
    for (let n = 0; n < 100_000; n++) {
      index.set(`c1-${n}`, n + 1);
      // compaction every 1,000 entries, keeping the last 100
      if (n % 1_000 === 999) index.dropThrough(n + 1 - 100);
    }
    expect(index.get('c1-99999')).toBe(100_000);
    expect(index.get('c1-99900')).toBe(99_901);
    expect(index.get('c1-99899')).toBeUndefined();
    expect(index.slotCount).toBeLessThanOrEqual(2_048);
  });

  it('follows a leader: interleaved clients, retries of older orders, compaction from the front', () => {
    const index = new RaftOrderIndex();
    const model = new Map<string, number>();
    const log: string[] = [];
    let compacted = 0;
    const next = [0, 0];
    // a deterministic stream: mostly new orders, some retries up to 2,000 orders back, compaction
    // every 2,000 entries down to the last 500
    let seed = 7;
    const rand = (m: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % m);
    for (let step = 0; step < 15_000; step++) {
      const client = rand(2);
      let x: string;
      if (rand(50) === 0 && next[client] > 10) x = `c${client}-${Math.max(0, next[client] - 1 - rand(2_000))}`;
      else x = `c${client}-${next[client]++}`;
      const known = index.get(x);
      expect(known).toBe(model.get(x));
      if (known === undefined) {
        log.push(x);
        index.set(x, log.length);
        model.set(x, log.length);
      }
      if (log.length - compacted > 2_000) {
        const upTo = log.length - 500;
        index.dropThrough(upTo);
        for (let i = compacted + 1; i <= upTo; i++) if (model.get(log[i - 1]) === i) model.delete(log[i - 1]);
        compacted = upTo;
      }
    }
    expect(model.size).toBeGreaterThan(400);
    for (const [x, i] of model) expect(index.get(x)).toBe(i);
    for (let i = 1; i <= compacted; i += 97) if (!model.has(log[i - 1])) expect(index.get(log[i - 1])).toBeUndefined();
  });
});
