/**
 * A node's durable log as the checks see it once a run is over, kept compact: a long run's log
 * holds every order, so it must not cost a string per order per node. A log is a folded prefix
 * (the entries a design compacted away, as etcd does after a snapshot) plus a tail of ids in
 * log order:
 *
 *   position:  0 ........................ folded ............ length
 *              |<- folded: ids as a set,  |<- tail: ids, in   |
 *              |   a count, and a hash of |   log order       |
 *              |   every K-entry prefix ->|                   |
 *
 * What the checks need survives folding: whether the log holds an order (`durableHas`), and
 * whether two logs agree on a common prefix (`prefixHash`, an order-sensitive hash of the
 * first n ids, exact at every position of the tail and at every multiple of
 * `CHECKPOINT_ENTRIES` in the folded part). A log that never folded (every design but raft)
 * is its ids in order, as before.
 */
import { OrderIdSet } from './order-ids.ts';

/**
 * The folded part keeps the hash of every prefix whose length is a multiple of this: 8 bytes per
 * 256 entries (36 M orders: 1.1 MB a node), and a reordering convergence cannot place exactly
 * stays within one such block.
 */
export const CHECKPOINT_ENTRIES = 256;

/** An order-sensitive 64-bit hash of a sequence of ids (two 32-bit FNV-1a lanes), extended in place. */
export class SequenceHash {
  lo = 0x811c9dc5;
  hi = 0x9e3779b9;

  add(id: string): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      lo = Math.imul(lo ^ c, 0x01000193);
      hi = Math.imul(hi ^ c, 0x5bd1e995);
    }
    // a separator no id contains, so ['a-1', '2'] and ['a-12'] differ
    // unsigned, as the checkpoints' Uint32Array stores them
    this.lo = Math.imul(lo ^ 0xffff, 0x01000193) >>> 0;
    this.hi = (Math.imul(hi ^ 0xffff, 0x5bd1e995) ^ (hi >>> 15)) >>> 0;
  }

  copy(): SequenceHash {
    const h = new SequenceHash();
    h.lo = this.lo;
    h.hi = this.hi;
    return h;
  }

  equals(other: SequenceHash): boolean {
    return this.lo === other.lo && this.hi === other.hi;
  }
}

/**
 * The folded prefix of a log: what survives of entries a design compacted. Built and extended
 * by the disk (`fold`), frozen into a snapshot that another node restores (raft's MsgSnap).
 */
export class FoldedLog {
  /** How many entries are folded. */
  length = 0;
  readonly ids: OrderIdSet;
  /** The hash of the whole folded prefix. */
  readonly hash: SequenceHash;
  /** checkpoints[2k], [2k+1]: the hash (lo, hi) of the first k * CHECKPOINT_ENTRIES entries. */
  private checkpoints: Uint32Array;
  private checkpointCount: number;

  constructor(from?: FoldedLog) {
    this.ids = from ? from.ids.clone() : new OrderIdSet();
    this.hash = from ? from.hash.copy() : new SequenceHash();
    this.length = from?.length ?? 0;
    this.checkpoints = from ? from.checkpoints.slice(0, Math.max(16, from.checkpointCount * 2)) : new Uint32Array(16);
    this.checkpointCount = from?.checkpointCount ?? 0;
    if (!from) this.pushCheckpoint();
  }

  /** Folds the next entry's id in. */
  add(id: string): void {
    this.ids.add(id);
    this.hash.add(id);
    if (++this.length % CHECKPOINT_ENTRIES === 0) this.pushCheckpoint();
  }

  /** The hash of the first `n` entries, when `n` is a multiple of CHECKPOINT_ENTRIES within the fold. */
  checkpoint(n: number): SequenceHash | undefined {
    if (n % CHECKPOINT_ENTRIES !== 0 || n > this.length) return undefined;
    const k = n / CHECKPOINT_ENTRIES;
    const h = new SequenceHash();
    h.lo = this.checkpoints[2 * k];
    h.hi = this.checkpoints[2 * k + 1];
    return h;
  }

  private pushCheckpoint(): void {
    if (2 * this.checkpointCount + 2 > this.checkpoints.length) {
      const grown = new Uint32Array(this.checkpoints.length * 2);
      grown.set(this.checkpoints);
      this.checkpoints = grown;
    }
    this.checkpoints[2 * this.checkpointCount] = this.hash.lo;
    this.checkpoints[2 * this.checkpointCount + 1] = this.hash.hi;
    this.checkpointCount++;
  }
}

/** A node's durable log after the run: a folded prefix and the ids after it, in log order. */
export interface DurableLog {
  /** How many entries the log holds (folded ones included). */
  readonly length: number;
  /** The folded prefix (length 0 when the design never compacted). */
  readonly folded: FoldedLog;
  /** The ids of the entries after the folded prefix, in log order. */
  readonly tail: readonly string[];
}

/** A log of these ids, in order, nothing folded. */
export function durableLogOf(ids: readonly string[]): DurableLog {
  return { length: ids.length, folded: new FoldedLog(), tail: ids };
}

/** The log's ids in order when nothing is folded; otherwise only the tail's (the folded ids have no order left). */
export function unfoldedIds(log: DurableLog): readonly string[] {
  return log.tail;
}

/** The id at `position` (from 0), or undefined when that position is folded or past the end. */
export function idAt(log: DurableLog, position: number): string | undefined {
  return position >= log.folded.length ? log.tail[position - log.folded.length] : undefined;
}

/** Which orders a durable log holds: by id, or as `OrderTimes.forEachOrder` visits them (no string built). */
export interface DurableIds {
  has(id: string): boolean;
  hasOrder(prefixOrId: string, n: number): boolean;
}

/**
 * A lookup of which orders a log holds (folded or not). Built once per log: the tail goes into
 * a set of its own, so many lookups cost one pass.
 */
export function durableIds(log: DurableLog): DurableIds {
  const tail = new OrderIdSet(log.tail);
  const folded = log.folded.ids;
  return {
    has: (id) => tail.has(id) || folded.has(id),
    hasOrder: (prefixOrId, n) => tail.hasOrder(prefixOrId, n) || folded.hasOrder(prefixOrId, n),
  };
}

/**
 * The hash of the log's first `n` ids: exact for any n from the folded length on, and at
 * multiples of CHECKPOINT_ENTRIES within the folded part; undefined elsewhere.
 */
export function prefixHash(log: DurableLog, n: number): SequenceHash | undefined {
  const folded = log.folded;
  if (n < folded.length) return folded.checkpoint(n);
  if (n > log.length) return undefined;
  const h = folded.hash.copy();
  for (let i = 0; i < n - folded.length; i++) h.add(log.tail[i]);
  return h;
}
