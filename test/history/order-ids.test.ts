import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrderIdNumbers, OrderIdSet, orderIndexOf } from '../../src/history/order-ids.ts';
import { OrderTimes } from '../../src/history/order-columns.ts';

describe('orderIndexOf', () => {
  it('reads the n of <prefix>-<n> and refuses every other shape', () => {
    expect(orderIndexOf('c1-0')).toBe(0);
    expect(orderIndexOf('client:a-123')).toBe(123);
    expect(orderIndexOf('a-b-7')).toBe(7);
    for (const other of ['c1-', '-5', 'c1-01', 'c1-1x', 'noop', '(no-op of term 3)', 'c1-99999999999']) expect(orderIndexOf(other)).toBe(-1);
  });
});

describe('OrderIdSet', () => {
  const id = fc.oneof(
    fc.tuple(fc.constantFrom('c0-', 'c1-', 'x-y-'), fc.nat({ max: 5000 })).map(([p, n]) => `${p}${n}`),
    fc.constantFrom('c1-007', 'noop', '(no-op of term 2)', 'c1-', '-3'),
  );
  const op = fc.tuple(fc.constantFrom('add', 'delete', 'has'), id);

  it('answers add, delete, has and size exactly as a Set<string> does', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const set = new OrderIdSet();
        const model = new Set<string>();
        for (const [what, x] of ops) {
          if (what === 'add') {
            expect(set.add(x)).toBe(!model.has(x));
            model.add(x);
          } else if (what === 'delete') expect(set.delete(x)).toBe(model.delete(x));
          else expect(set.has(x)).toBe(model.has(x));
          expect(set.size).toBe(model.size);
        }
        expect(new Set(set)).toEqual(model);
        expect([...set].length).toBe(model.size);
      }),
    );
  });

  it('answers hasOrder as has for every order OrderTimes.forEachOrder visits (as prefix and n, or whole)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.boolean()), { maxLength: 200 }), fc.array(id, { maxLength: 50 }), (timed, onlyInSet) => {
        const set = new OrderIdSet([...timed.filter(([, inSet]) => inSet).map(([x]) => x), ...onlyInSet]);
        const times = new OrderTimes();
        timed.forEach(([x], i) => times.setFirst(x, i * 1_000));
        const visited = new Set<string>();
        times.forEachOrder((prefixOrId, n, time) => {
          const whole = n < 0 ? prefixOrId : `${prefixOrId}${n}`;
          visited.add(whole);
          expect(time).toBe(times.get(whole));
          expect(set.hasOrder(prefixOrId, n)).toBe(set.has(whole));
        });
        expect(visited).toEqual(new Set(timed.map(([x]) => x)));
      }),
    );
  });

  it('iterates prefixes in first-seen order, each in ascending n, then other ids', () => {
    const set = new OrderIdSet(['c2-40', 'noop', 'c1-3', 'c2-1', 'c1-100', 'c2-33']);
    expect([...set]).toEqual(['c2-1', 'c2-33', 'c2-40', 'c1-3', 'c1-100', 'noop']);
  });

  it('holds a million ids of one client and answers at both ends', () => {
    const set = new OrderIdSet();
    for (let n = 0; n < 1_000_000; n++) set.add(`c1-${n}`);
    expect(set.size).toBe(1_000_000);
    expect(set.has('c1-0') && set.has('c1-999999')).toBe(true);
    expect(set.has('c1-1000000')).toBe(false);
  });
});

describe('OrderIdNumbers', () => {
  it('answers get/set exactly as a Map<string, number> does, for client ids and any other', () => {
    const id = fc.oneof(
      fc.tuple(fc.constantFrom('c0-', 'c1-', 'x-y-'), fc.nat({ max: 3000 })).map(([p, n]) => `${p}${n}`),
      fc.constantFrom('c1-007', 'noop', 'c1-', '-3'),
    );
    const op = fc.tuple(fc.boolean(), id, fc.integer({ min: -5, max: 1e9 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const numbers = new OrderIdNumbers();
        const map = new Map<string, number>();
        for (const [set, key, value] of ops) {
          if (set) {
            numbers.set(key, value);
            map.set(key, value);
          } else {
            expect(numbers.get(key)).toBe(map.get(key));
          }
        }
        for (const key of map.keys()) expect(numbers.get(key)).toBe(map.get(key));
      }),
    );
  });
});
