/**
 * A client's open orders (invoked, no outcome yet), found by id. A client numbers its orders
 * `<prefix>1`, `<prefix>2`, ... in the order it invokes them (world/client.ts), so its open
 * orders are a window of those numbers: an array indexed by n from the oldest still open,
 * instead of a Map keyed by the id string. At 10,000 orders/s a Map took an insert, a lookup and a
 * delete of a fresh string per order, and reallocated its table every few dozen orders as
 * deleted entries filled it.
 *
 * The window spans from the oldest open order to the newest, so a long-open order (timed out,
 * retrying) keeps the orders after it in the array, as empty slots once they end: at most
 * the client's rate times its longest order life. Ids of any other shape are never added here
 * (the client makes every id), so a lookup of one answers undefined.
 */
import { orderIndexOf } from '../history/order-ids.ts';

export class PendingOrders<T extends { orderId: string }> {
  /** slots[head + i] holds order number `base + i`, or undefined once it ended. */
  private slots: (T | undefined)[] = [];
  private head = 0;
  private base = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `order`, number `n` of its client, newer than every order added before. */
  add(n: number, order: T): void {
    if (this.count === 0) {
      // nothing open: the window restarts at n, after the (empty) slots
      this.head = this.slots.length;
      this.base = n;
    }
    const index = this.head + n - this.base;
    if (index < this.slots.length) throw new Error(`order ${order.orderId} is not newer than the open orders`);
    while (this.slots.length < index) this.slots.push(undefined);
    this.slots.push(order);
    this.count++;
  }

  /** The open order with this id, if any. */
  get(orderId: string): T | undefined {
    const n = orderIndexOf(orderId);
    if (n < this.base) return undefined;
    const index = this.head + n - this.base;
    const order = index < this.slots.length ? this.slots[index] : undefined;
    return order !== undefined && order.orderId === orderId ? order : undefined;
  }

  /** Removes `order` (added as number `n`) if it is open. */
  delete(n: number, order: T): void {
    const index = this.head + n - this.base;
    if (n < this.base || index >= this.slots.length || this.slots[index] !== order) return;
    this.slots[index] = undefined;
    this.count--;
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head] === undefined) {
      this.head++;
      this.base++;
    }
    if (this.head > 1024 && this.head * 2 > slots.length) {
      this.slots = slots.slice(this.head);
      this.head = 0;
    }
  }

  /** The open orders, oldest first (a new array: the caller may end orders while going through it). */
  values(): T[] {
    const out: T[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const order = this.slots[i];
      if (order !== undefined) out.push(order);
    }
    return out;
  }
}
