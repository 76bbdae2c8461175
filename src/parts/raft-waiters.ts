/**
 * The client requests a Raft leader holds until their entry commits, keyed by the entry's log
 * index (`raft-order-path.ts`): a ring over the indexes from the next one to apply up, so that
 * registering a request and taking an applied index's requests are array slots, where a
 * `Map<orderId, request>` hashed the id three times per order (set, get, delete).
 *
 *   next = 5031:  ring [ r(5031) | - | r(5033),r'(5033) | ... ]   slot of index i: i mod capacity
 *
 * Requests are taken in index order as the leader applies, and those of one index in the order
 * they came, as the Map kept them.
 */
import type { OrderRequest } from '../world/actor.ts';

const INITIAL_CAPACITY = 64;

export class RaftWaiters {
  /** The slot of index i is slots[i & mask]: one request, several, or none. */
  private slots: (OrderRequest | OrderRequest[] | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  /** The lowest index the ring holds (every lower one was taken or never waited on). */
  private next = 1;
  /** One past the highest index with a request (next when empty). */
  private end = 1;

  /** Forgets every request; the next index to take is `next`. */
  reset(next: number): void {
    if (this.end > this.next) this.slots.fill(undefined);
    this.next = this.end = next;
  }

  /** `request` waits for the entry at `index` (at or above the next index to take). */
  add(index: number, request: OrderRequest): void {
    if (index < this.next) throw new Error(`raft waiters: index ${index} is below the next to apply (${this.next})`);
    if (index - this.next > this.mask) this.grow(index - this.next + 1);
    const slot = index & this.mask;
    const already = this.slots[slot];
    if (already === undefined) this.slots[slot] = request;
    else if (Array.isArray(already)) already.push(request);
    else this.slots[slot] = [already, request];
    if (index >= this.end) this.end = index + 1;
  }

  /**
   * The requests waiting for `index` (the next one, or later: those of the indexes skipped are
   * dropped), which leave the ring.
   */
  take(index: number): OrderRequest | OrderRequest[] | undefined {
    if (index < this.next) return undefined;
    const skippedTo = Math.min(index, this.end);
    for (let i = this.next; i < skippedTo; i++) this.slots[i & this.mask] = undefined;
    let requests: OrderRequest | OrderRequest[] | undefined;
    if (index < this.end) {
      const slot = index & this.mask;
      requests = this.slots[slot];
      this.slots[slot] = undefined;
    }
    this.next = index + 1;
    if (this.end < this.next) this.end = this.next;
    return requests;
  }

  private grow(span: number): void {
    let capacity = this.slots.length * 2;
    while (capacity < span) capacity *= 2;
    const slots: (OrderRequest | OrderRequest[] | undefined)[] = new Array(capacity).fill(undefined);
    for (let i = this.next; i < this.end; i++) slots[i & (capacity - 1)] = this.slots[i & this.mask];
    this.slots = slots;
    this.mask = capacity - 1;
  }
}
