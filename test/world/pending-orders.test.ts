import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PendingOrders } from '../../src/world/pending-orders.ts';

interface Order {
  orderId: string;
  n: number;
}

describe('PendingOrders', () => {
  // add the next order (sometimes skipping numbers), end one of the open ones, or ask for an id
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), skip: fc.constantFrom(0, 0, 0, 1, 5) }),
    fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('get' as const), n: fc.nat({ max: 3000 }), foreign: fc.boolean() }),
  );

  it('answers get, size and values as a Map of the open orders by id does, across long-open orders and compaction', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), fc.boolean(), (ops, keepFirst) => {
        const pending = new PendingOrders<Order>();
        const model = new Map<string, Order>();
        let next = 1;
        let first: Order | undefined;
        for (const o of ops) {
          if (o.kind === 'add') {
            next += o.skip;
            const order = { orderId: `7-${next}`, n: next };
            next++;
            pending.add(order.n, order);
            model.set(order.orderId, order);
            first ??= order;
          } else if (o.kind === 'end') {
            const open = [...model.values()].filter((x) => !(keepFirst && x === first));
            if (open.length === 0) continue;
            const order = open[o.pick % open.length];
            pending.delete(order.n, order);
            model.delete(order.orderId);
          } else {
            const id = `${o.foreign ? '8-' : '7-'}${o.n}`;
            expect(pending.get(id)).toBe(model.get(id));
          }
          expect(pending.size).toBe(model.size);
        }
        expect(pending.values()).toEqual([...model.values()]);
        for (const id of model.keys()) expect(pending.get(id)).toBe(model.get(id));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an order older than the open ones, and ignores an id of another shape or an ended order', () => {
    const pending = new PendingOrders<Order>();
    const a = { orderId: '1-3', n: 3 };
    pending.add(3, a);
    expect(() => pending.add(2, { orderId: '1-2', n: 2 })).toThrow(/not newer/);
    expect(pending.get('noop')).toBeUndefined();
    pending.delete(3, a);
    pending.delete(3, a);
    expect(pending.get('1-3')).toBeUndefined();
    expect(pending.size).toBe(0);
  });

  it('finds every open order after a long-open one ends and the window compacts, with orders ending out of order', () => {
    const pending = new PendingOrders<Order>();
    const model = new Map<string, Order>();
    const orders: Order[] = [];
    const end = (order: Order) => {
      pending.delete(order.n, order);
      model.delete(order.orderId);
    };
    for (let n = 1; n <= 6000; n++) {
      const order = { orderId: `3-${n}`, n };
      orders.push(order);
      pending.add(n, order);
      model.set(order.orderId, order);
      // order 1 and every 7th stay open for a while; the others end three orders late
      const late = n - 3;
      if (late > 1 && late % 7 !== 0) end(orders[late - 1]);
    }
    end(orders[0]);
    for (let n = 7; n <= 4000; n += 7) end(orders[n - 1]);
    expect(pending.size).toBe(model.size);
    expect(pending.values()).toEqual([...model.values()]);
    for (const order of orders) expect(pending.get(order.orderId)).toBe(model.get(order.orderId));
  });
});
