import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderRequest } from '../../src/world/actor.ts';
import { RaftWaiters } from '../../src/parts/raft-waiters.ts';

const request = (n: number): OrderRequest => ({ type: 'order', orderId: `c1-${n}`, client: 'client:c1', attempt: 0 });
const asList = (r: OrderRequest | OrderRequest[] | undefined) => (r === undefined ? [] : Array.isArray(r) ? r : [r]);

// The leader's requests waiting per log index must come out as a Map<index, request[]> gives
// them: each applied index's requests in the order they came, through the ring's wrap-arounds
// and growths, skipped indexes dropping theirs, and a reset forgetting all.
describe('RaftWaiters', () => {
  it('gives each index its requests in arrival order, as a Map of lists does', () => {
    const op = fc.oneof(
      { weight: 50, arbitrary: fc.tuple(fc.constant('add' as const), fc.nat({ max: 12 })) },
      { weight: 5, arbitrary: fc.tuple(fc.constant('add' as const), fc.nat({ max: 200 })) },
      { weight: 45, arbitrary: fc.tuple(fc.constant('take' as const), fc.nat({ max: 3 })) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('reset' as const), fc.nat({ max: 50 })) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400 }), (ops) => {
        const waiters = new RaftWaiters();
        const model = new Map<number, OrderRequest[]>();
        let next = 1;
        let made = 0;
        for (const [what, k] of ops) {
          if (what === 'add') {
            const r = request(made++);
            waiters.add(next + k, r);
            model.set(next + k, [...(model.get(next + k) ?? []), r]);
          } else if (what === 'take') {
            const index = next + k; // usually the next one; now and then a few skipped
            for (let i = next; i < index; i++) model.delete(i);
            expect(asList(waiters.take(index))).toEqual(model.get(index) ?? []);
            model.delete(index);
            next = index + 1;
          } else {
            next += k;
            waiters.reset(next);
            model.clear();
          }
        }
        for (let i = next; model.size > 0; i++) {
          expect(asList(waiters.take(i))).toEqual(model.get(i) ?? []);
          model.delete(i);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a request for an index already taken', () => {
    const waiters = new RaftWaiters();
    waiters.take(5);
    expect(() => waiters.add(5, request(1))).toThrow(/below the next/);
  });
});
