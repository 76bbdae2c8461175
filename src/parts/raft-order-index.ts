/**
 * A Raft leader's index orderId -> log index (see `raft-log.ts`), so that a retried order is
 * found without a scan. It is asked once per order and updated once per append and compaction,
 * so it is on the hot path of every order.
 *
 * Clients name their orders `<client>-<n>`, n counting up (world/client.ts), and a leader's log
 * holds each client's recent orders: a window of consecutive n. So each client's part of the
 * index is a typed array over that window, indexed by n - base:
 *
 *   client c1-:  base = 1200   [ 0 | 5031 | 5032 | 0 | 5034 | ... ]   0: not in the log
 *                               n=1200 1201  1202  ...
 *
 * Compaction raises a floor (`dropThrough`): a slot at or below it stands for an entry folded
 * away and counts as empty, so compacting touches no entry (their objects are cold by then: a
 * pass deleting each one's slot cost ~3 % of a 10,000/s run). The window slides past the empty
 * slots when it needs room, so it spans the orders since the last compaction (plus any late
 * retry's). A `Map<string, number>` did the same with a hash-table slot per order: a lookup of
 * a fresh id string in a table of 10^4-10^5 entries costs a cache miss or two, which made it
 * the raft part's largest cost per order. Ids of any other shape (a user design's own ids) go
 * to a Map, so the index answers exactly as that Map did.
 */
import { orderIndexOf, PrefixTable } from '../history/order-ids.ts';

/** One client's slots: slots[i] is the log index of order `base + i` (0: none). */
interface ClientWindow {
  prefix: string;
  base: number;
  slots: Float64Array;
}

const INITIAL_SLOTS = 256;
/**
 * The most slots a window may span (32 MB): an id whose n lies further from the others (a
 * design's own numbering, not a client's run of orders) goes to the Map instead.
 */
const MAX_SLOTS = 1 << 22;

const newWindow = (prefix: string): ClientWindow => ({ prefix, base: 0, slots: new Float64Array(INITIAL_SLOTS) });

export class RaftOrderIndex {
  private readonly clients = new PrefixTable<ClientWindow>();
  private readonly other = new Map<string, number>();
  /** Log indexes at or below this are compacted away: their slots count as empty. */
  private floor = 0;

  /** The log index of `orderId`, if indexed. */
  get(orderId: string): number | undefined {
    const n = orderIndexOf(orderId);
    if (n < 0) return this.other.get(orderId);
    const window = this.clients.lookup(orderId);
    if (window === undefined) return this.other.size === 0 ? undefined : this.other.get(orderId);
    const offset = n - window.base;
    const index = offset < 0 || offset >= window.slots.length ? 0 : window.slots[offset];
    if (index > this.floor) return index;
    return this.other.size === 0 ? undefined : this.other.get(orderId);
  }

  /** Indexes `orderId` at log index `index` (>= 1), replacing any previous index. */
  set(orderId: string, index: number): void {
    const n = orderIndexOf(orderId);
    if (n < 0) {
      this.other.set(orderId, index);
      return;
    }
    const window = this.clients.lookup(orderId, newWindow)!;
    let offset = n - window.base;
    if (offset < 0 || offset >= window.slots.length) offset = makeRoom(window, n, this.floor);
    if (offset < 0) {
      this.other.set(orderId, index);
      return;
    }
    window.slots[offset] = index;
    if (this.other.size !== 0) this.other.delete(orderId);
  }

  /** Removes `orderId` if it is indexed at `index` (an entry compacted or truncated away). */
  deleteAt(orderId: string, index: number): void {
    const n = orderIndexOf(orderId);
    if (n < 0) {
      if (this.other.get(orderId) === index) this.other.delete(orderId);
      return;
    }
    const window = this.clients.lookup(orderId);
    if (window !== undefined) {
      const offset = n - window.base;
      if (offset >= 0 && offset < window.slots.length && window.slots[offset] === index) window.slots[offset] = 0;
    }
    if (this.other.size !== 0 && this.other.get(orderId) === index) this.other.delete(orderId);
  }

  /** How many slots the windows hold (their memory, 8 bytes each). */
  get slotCount(): number {
    let slots = 0;
    for (const window of this.clients.values()) slots += window.slots.length;
    return slots;
  }

  /** Every entry up to log index `index` is compacted away: none of them is indexed any more. */
  dropThrough(index: number): void {
    if (index <= this.floor) return;
    this.floor = index;
    if (this.other.size !== 0) for (const [id, at] of this.other) if (at <= index) this.other.delete(id);
  }

  /** Forgets everything (and frees the windows: a follower keeps no index). */
  clear(): void {
    this.clients.clear();
    this.other.clear();
    this.floor = 0;
  }
}

/**
 * Makes the window cover order `n` and returns its offset: slides the window past the empty
 * slots at its start when that is enough, else grows it (doubling, or to reach an n below the
 * window, a retry older than every order it holds). Slots at or below `floor` are empty. -1: it
 * would span more than MAX_SLOTS.
 */
function makeRoom(window: ClientWindow, n: number, floor: number): number {
  const slots = window.slots;
  // the scans are paid back: the empty slots at the front are slid away, and growing finds the
  // last slot used at the end
  let first = 0;
  while (first < slots.length && slots[first] <= floor) first++;
  if (first === slots.length) {
    // empty: start afresh at n
    window.base = n;
    return 0;
  }
  let last = slots.length - 1;
  while (slots[last] <= floor) last--;
  const low = Math.min(n, window.base + first);
  const high = Math.max(n, window.base + last) + 1;
  const span = high - low;
  if (span > MAX_SLOTS) return -1;
  if (span <= slots.length && low >= window.base) {
    // slide: the used part moves down to offset 0
    slots.copyWithin(0, first, last + 1);
    slots.fill(0, last + 1 - first);
  } else {
    let length = slots.length * 2;
    while (length < span) length *= 2;
    const grown = new Float64Array(length);
    grown.set(slots.subarray(first, last + 1), window.base + first - low);
    window.slots = grown;
  }
  window.base = low;
  return n - low;
}
