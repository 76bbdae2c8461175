import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RaftInflights } from '../../src/parts/raft-inflights.ts';

// The ring of a follower's unanswered AppendEntries must free exactly as the array it replaces
// (etcd's Inflights.FreeLE): every message up to the index answered, oldest first, through
// wrap-arounds and growths.
describe('RaftInflights', () => {
  it('counts and frees as an array of last indexes does', () => {
    const op = fc.tuple(fc.constantFrom('add', 'add', 'add', 'free', 'free', 'reset'), fc.nat({ max: 6 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 600 }), (ops) => {
        const ring = new RaftInflights();
        let model: number[] = [];
        let last = 0;
        for (const [what, k] of ops) {
          if (what === 'add') {
            last += 1 + k;
            ring.add(last);
            model.push(last);
          } else if (what === 'free') {
            // an answer somewhere between the oldest in flight and a bit past the newest
            const index = model.length === 0 ? last : model[Math.min(model.length - 1, k)] - (k % 2);
            ring.freeLE(index);
            model = model.filter((x) => x > index);
          } else if (k === 0) {
            ring.reset();
            model = [];
          }
          expect(ring.count).toBe(model.length);
        }
        // what is left frees one by one, oldest first
        for (const x of [...model]) {
          ring.freeLE(x);
          model.shift();
          expect(ring.count).toBe(model.length);
        }
      }),
      { numRuns: 60 },
    );
  });
});
