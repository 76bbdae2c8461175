import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrdersById } from '../../src/history/orders-by-id.ts';

interface Order {
  orderId: string;
}

const byId = (a: Order, b: Order) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);

describe('OrdersById', () => {
  // mostly each client's next number, sometimes an older or far-ahead one, or another shape
  const op = fc.oneof(
    { weight: 120, arbitrary: fc.record({ kind: fc.constant('next' as const), client: fc.constantFrom('1-', '2-', 'a-b-'), skip: fc.constantFrom(0, 0, 0, 3, 5000) }) },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('any' as const), id: fc.oneof(fc.tuple(fc.constantFrom('1-', '2-'), fc.nat({ max: 200 })).map(([p, n]) => `${p}${n}`), fc.constantFrom('o1', 'noop', '1-007')) }) },
    { weight: 80, arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }) },
    { weight: 40, arbitrary: fc.record({ kind: fc.constant('get' as const), id: fc.tuple(fc.constantFrom('1-', '2-', '3-'), fc.nat({ max: 300 })).map(([p, n]) => `${p}${n}`) }) },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.tuple(fc.constantFrom('1-', '2-', '3-'), fc.nat({ max: 300 })).map(([p, n]) => `${p}${n}`) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );

  it('answers add, get, delete, size and values as a Map of the orders does', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2500 }), (ops) => {
        const set = new OrdersById<Order>();
        const model = new Map<string, Order>();
        const next = new Map<string, number>();
        const ever = new Set<string>();
        const add = (orderId: string) => {
          // an id comes back after it left (a retry once its write was refused), never while in
          if (model.has(orderId)) return;
          ever.add(orderId);
          const order = { orderId };
          set.add(order);
          model.set(orderId, order);
        };
        for (const o of ops) {
          if (o.kind === 'next') {
            const n = (next.get(o.client) ?? 1) + o.skip;
            next.set(o.client, n + 1);
            add(`${o.client}${n}`);
          } else if (o.kind === 'any') add(o.id);
          else if (o.kind === 'end') {
            const ids = [...model.keys()];
            if (ids.length === 0) continue;
            const id = ids[o.pick % ids.length];
            expect(set.delete(id)).toBe(model.get(id));
            model.delete(id);
          } else if (o.kind === 'delete') {
            expect(set.delete(o.id)).toBe(model.get(o.id));
            model.delete(o.id);
          } else if (o.kind === 'clear') {
            set.clear();
            model.clear();
          } else expect(set.get(o.id)).toBe(model.get(o.id));
          expect(set.size).toBe(model.size);
        }
        expect(set.values().sort(byId)).toEqual([...model.values()].sort(byId));
        for (const id of ever) expect(set.get(id)).toBe(model.get(id));
      }),
      { numRuns: 80 },
    );
  });

  it('keeps finding orders after a long-lived one leaves and its window compacts', () => {
    const set = new OrdersById<Order>();
    const model = new Map<string, Order>();
    const orders: Order[] = [];
    const end = (order: Order) => {
      set.delete(order.orderId);
      model.delete(order.orderId);
    };
    const check = () => {
      // identity, not deep equality: every answer is the very record the Map holds (or none)
      expect(orders.every((order) => set.get(order.orderId) === model.get(order.orderId))).toBe(true);
      const values = set.values();
      expect(values.length === model.size && [...model.values()].every((order, i) => values[i] === order)).toBe(true);
      expect(set.size).toBe(model.size);
    };
    for (let n = 1; n <= 5000; n++) {
      const order = { orderId: `4-${n}` };
      orders.push(order);
      set.add(order);
      model.set(order.orderId, order);
      // order 1 stays in until 3000; every 9th leaves 50 orders late, the others 2 late
      if (n > 2 && n - 2 !== 1 && (n - 2) % 9 !== 0) end(orders[n - 3]);
      if (n > 50 && (n - 50) % 9 === 0) end(orders[n - 51]);
      if (n === 3000) {
        end(orders[0]);
        check();
      }
    }
    check();
  });
});
