/** The compact durable log: folded prefixes keep membership and order (as hashes) exactly. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHECKPOINT_ENTRIES, FoldedLog, durableIds, durableLogOf, idAt, prefixHash, type DurableLog } from '../../src/history/durable-log.ts';
import { OrderIdSet } from '../../src/history/order-ids.ts';

/** The log of `ids` with its first `folded` entries folded, as a disk builds it. */
function foldedLog(ids: string[], folded: number): DurableLog {
  const f = new FoldedLog();
  for (const id of ids.slice(0, folded)) f.add(id);
  return { length: ids.length, folded: f, tail: ids.slice(folded) };
}

const ids = (n: number, prefix = 'c1-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('durable log', () => {
  it('hashes a prefix the same whether folded or not, at every tail position and every checkpoint', () => {
    const all = ids(3 * CHECKPOINT_ENTRIES + 17);
    const plain = durableLogOf(all);
    const folded = foldedLog(all, 2 * CHECKPOINT_ENTRIES + 5);
    for (const n of [0, CHECKPOINT_ENTRIES, 2 * CHECKPOINT_ENTRIES, 2 * CHECKPOINT_ENTRIES + 5, 2 * CHECKPOINT_ENTRIES + 6, all.length]) {
      expect(prefixHash(folded, n)).toEqual(prefixHash(plain, n));
    }
    expect(prefixHash(folded, CHECKPOINT_ENTRIES + 1)).toBeUndefined(); // inside the fold, off a checkpoint
    expect(idAt(folded, 3)).toBeUndefined();
    expect(idAt(folded, all.length - 1)).toBe(all.at(-1));
  });

  it('is order-sensitive: swapping two ids or moving a separator changes the hash', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 2, maxLength: 30 }), fc.nat(), (ns, k) => {
        const a = ns.map((n) => `c-${n}`);
        const i = k % (a.length - 1);
        fc.pre(a[i] !== a[i + 1]);
        const b = a.slice();
        [b[i], b[i + 1]] = [b[i + 1], b[i]];
        expect(prefixHash(durableLogOf(a), a.length)!.equals(prefixHash(durableLogOf(b), b.length)!)).toBe(false);
      }),
    );
    expect(prefixHash(durableLogOf(['a-1', '2']), 2)!.equals(prefixHash(durableLogOf(['a-12', '']), 2)!)).toBe(false);
  });

  it('answers membership for folded and unfolded ids alike, other ids included', () => {
    const all = [...ids(2000), '(no-op of term 2)', ...ids(10, 'c2-')];
    const has = durableIds(foldedLog(all, 1500));
    for (const id of all) expect(has.has(id)).toBe(true);
    for (const id of ['c1-2000', 'c2-10', 'c3-0', '(no-op of term 3)']) expect(has.has(id)).toBe(false);
  });

  it('a copied fold (a snapshot) is independent of the original', () => {
    const f = new FoldedLog();
    for (const id of ids(CHECKPOINT_ENTRIES + 3)) f.add(id);
    const copy = new FoldedLog(f);
    f.add('c1-99999');
    expect(copy.ids.has('c1-99999')).toBe(false);
    expect(copy.length).toBe(CHECKPOINT_ENTRIES + 3);
    expect(copy.checkpoint(CHECKPOINT_ENTRIES)).toEqual(f.checkpoint(CHECKPOINT_ENTRIES));
    copy.add('c1-5000');
    expect(f.ids.has('c1-5000')).toBe(false);
  });

  it('OrderIdSet.clone shares nothing with its source', () => {
    const s = new OrderIdSet(['a-1', 'a-40', 'noop']);
    const c = s.clone();
    s.add('a-2');
    s.delete('noop');
    expect([...c]).toEqual(['a-1', 'a-40', 'noop']);
    expect(c.size).toBe(3);
  });
});
