/**
 * Records of orders in flight, found by order id: what a `Map<string, T>` keyed by the id
 * would do for a set of orders that come and go in roughly the order their clients number them
 * (the order server's orders waiting for durability, parts/order-server.ts). Clients name their
 * orders `<prefix>1`, `<prefix>2`, ... in order (world/client.ts), so one client's orders in
 * flight are a window of numbers: an array per prefix indexed by n from the oldest still in,
 * instead of a hash-table slot per order (at 10,000 orders/s a Map takes an insert, a lookup and
 * a delete per order, and reallocates its table every few dozen orders as deleted entries fill
 * it). An id of any other shape, or one that does not extend its client's window (a retry of an
 * older order, or one far ahead), goes to a Map, so every id is answered as a Map would.
 *
 * Iteration order is not insertion order (windows by prefix, then the Map): a reader that
 * needs the order of arrival keeps its own sequence numbers (OrderServer does).
 */
import { orderIndexOf, PrefixTable } from './order-ids.ts';

/** How far past a window's newest order an id may start a slot (else it goes to the Map). */
const MAX_GAP = 4096;
/** Past this many ended slots at its front (and half its length), a window is sliced. */
const COMPACT_AFTER = 1024;

interface Window<T> {
  prefix: string;
  /** slots[head + i] holds number `base + i`, or undefined once it left. */
  slots: (T | undefined)[];
  head: number;
  base: number;
  count: number;
}

export class OrdersById<T extends { orderId: string }> {
  private readonly windows = new PrefixTable<Window<T>>();
  private readonly other = new Map<string, T>();
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** Adds `record`, whose id is not in the set. */
  add(record: T): void {
    this.total++;
    const id = record.orderId;
    const n = orderIndexOf(id);
    if (n >= 0) {
      const w = this.windows.lookup(id, newWindow)!;
      if (w.count === 0) {
        // nothing in: the window restarts at n, after its (empty) slots
        w.head = w.slots.length;
        w.base = n;
      }
      const index = w.head + n - w.base;
      if (n >= w.base && index >= w.slots.length && index - w.slots.length <= MAX_GAP) {
        while (w.slots.length < index) w.slots.push(undefined);
        w.slots.push(record);
        w.count++;
        return;
      }
    }
    this.other.set(id, record);
  }

  get(orderId: string): T | undefined {
    const n = orderIndexOf(orderId);
    if (n >= 0) {
      const w = this.windows.lookup(orderId);
      if (w !== undefined && n >= w.base) {
        const index = w.head + n - w.base;
        const record = index < w.slots.length ? w.slots[index] : undefined;
        if (record !== undefined && record.orderId === orderId) return record;
      }
    }
    return this.other.size === 0 ? undefined : this.other.get(orderId);
  }

  /** Removes the record with this id, if any; returns it. */
  delete(orderId: string): T | undefined {
    const n = orderIndexOf(orderId);
    if (n >= 0) {
      const w = this.windows.lookup(orderId);
      if (w !== undefined && n >= w.base) {
        const index = w.head + n - w.base;
        const slots = w.slots;
        const record = index < slots.length ? slots[index] : undefined;
        if (record !== undefined && record.orderId === orderId) {
          slots[index] = undefined;
          w.count--;
          this.total--;
          while (w.head < slots.length && slots[w.head] === undefined) {
            w.head++;
            w.base++;
          }
          if (w.head > COMPACT_AFTER && w.head * 2 > slots.length) {
            w.slots = slots.slice(w.head);
            w.head = 0;
          }
          return record;
        }
      }
    }
    if (this.other.size === 0) return undefined;
    const record = this.other.get(orderId);
    if (record !== undefined) {
      this.other.delete(orderId);
      this.total--;
    }
    return record;
  }

  /** Every record: by prefix (first seen first) and ascending n, then the others in insertion order. */
  values(): T[] {
    const out: T[] = [];
    for (const w of this.windows.values()) {
      for (let i = w.head; i < w.slots.length; i++) {
        const record = w.slots[i];
        if (record !== undefined) out.push(record);
      }
    }
    for (const record of this.other.values()) out.push(record);
    return out;
  }

  /** Removes every record (the windows keep their prefixes, empty). */
  clear(): void {
    for (const w of this.windows.values()) {
      w.slots = [];
      w.head = 0;
      w.base = 0;
      w.count = 0;
    }
    this.other.clear();
    this.total = 0;
  }
}

function newWindow<T>(prefix: string): Window<T> {
  return { prefix, slots: [], head: 0, base: 0, count: 0 };
}
