import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrderIdSet, PrefixTable } from '../../src/history/order-ids.ts';

// PrefixTable scans its prefixes while there are few and asks its Map past that: both ways must
// find the same entry, including where one prefix begins another's text (a- / a-c1-, c1- / c11-).
describe('PrefixTable', () => {
  it('finds each id its own prefix entry, with few or many clients', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: 300 })), { minLength: 60, maxLength: 400 }), (ids) => {
        const table = new PrefixTable<{ prefix: string; ids: string[] }>();
        const model = new Map<string, string[]>();
        for (const [client, n] of ids) {
          const prefix = [`c${client}-`, `a-c${client}-`, 'a-'][client % 3];
          const entry = table.lookup(`${prefix}${n}`, (p) => ({ prefix: p, ids: [] }))!;
          expect(entry.prefix).toBe(prefix);
          entry.ids.push(`${prefix}${n}`);
          model.set(prefix, [...(model.get(prefix) ?? []), `${prefix}${n}`]);
        }
        expect([...table.values()].map((e) => [e.prefix, e.ids])).toEqual([...model]);
        expect(table.lookup('zz-1')).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('answers an OrderIdSet of 60 clients exactly as a Set<string> does', () => {
    const op = fc.tuple(fc.constantFrom('add', 'delete', 'has'), fc.nat({ max: 59 }), fc.nat({ max: 200 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 500 }), (ops) => {
        const set = new OrderIdSet();
        const model = new Set<string>();
        for (const [what, client, n] of ops) {
          const x = `c${client}-${n}`;
          if (what === 'add') {
            expect(set.add(x)).toBe(!model.has(x));
            model.add(x);
          } else if (what === 'delete') expect(set.delete(x)).toBe(model.delete(x));
          else expect(set.has(x)).toBe(model.has(x));
        }
        expect(new Set(set)).toEqual(model);
      }),
      { numRuns: 50 },
    );
  });
});
