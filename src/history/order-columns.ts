/**
 * Per-order columns that cost a few bytes an order instead of an object and a string each: an
 * instant (`OrderTimes`, 2 or 4 bytes) or a small tag (`OrderTags`, 1 bit or 1 byte) per order id. Clients
 * name their orders `<client>-<n>` (world/client.ts), so a column is an array per client
 * prefix indexed by n, in chunks of `CHUNK` orders allocated on first use. Any other id (a
 * hand-made history's `o1`, a user design's own ids) goes to a plain Map, so a column accepts
 * every string. The folded history (fold/history-fold.ts) keeps its per-order facts here: when
 * each order was first acked, first accepted by the exchange, and its scope.
 *
 * An instant is stored as an offset from the first instant stored among its group of 64
 * neighbouring orders, in 2 bytes while every offset of its chunk fits (65 ms: a client's
 * consecutive orders at thousands a second), else the chunk is widened to 4 bytes (71 minutes);
 * a value further off (or before the group's first, which recording order never produces) goes
 * to the Map instead.
 */
import { orderIndexOf, PrefixTable } from './order-ids.ts';
import type { Micros } from '../sim/time.ts';

/**
 * Orders per chunk (a power of two): large, because each chunk costs a few heap objects (its
 * typed arrays and their buffers, ~360 bytes a column) that the garbage collector sizes the
 * heap by. At 1,024 orders a chunk that was 0.35 bytes of heap an order per column, 25 MB of
 * live heap after an hour at 10,000/s, and V8 grows its heap to a few times what is live.
 */
const CHUNK_BITS = 13;
const CHUNK = 1 << CHUNK_BITS;
/** Orders per group sharing a base instant. */
const GROUP_BITS = 6;
/** The largest offset an instant may have from its group's base in a narrow or a wide chunk (0 marks "none"). */
const MAX_NARROW_OFFSET = 0xfffe;
const MAX_WIDE_OFFSET = 0xffff_fffe;

interface TimeChunks {
  prefix: string;
  /** Per chunk: the first instant stored in each of its groups. */
  bases: (Float64Array | undefined)[];
  /** Per chunk: offset + 1 from its group's base per order (0: not set), or undefined until first used. */
  chunks: (Uint16Array | Uint32Array | undefined)[];
}

interface TagChunks {
  prefix: string;
  chunks: (Uint8Array | UniformChunk | undefined)[];
}

const newTimeChunks = (prefix: string): TimeChunks => ({ prefix, bases: [], chunks: [] });
const newTagChunks = (prefix: string): TagChunks => ({ prefix, chunks: [] });

/** The first instant set for each order id. */
export class OrderTimes {
  private readonly table = new PrefixTable<TimeChunks>();
  private readonly other = new Map<string, Micros>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Sets `id`'s instant unless it has one; true when it was set now. */
  setFirst(id: string, time: Micros): boolean {
    const n = orderIndexOf(id);
    if (n >= 0) {
      const entry = this.table.lookup(id, newTimeChunks)!;
      const c = n >>> CHUNK_BITS;
      while (entry.chunks.length <= c) {
        entry.chunks.push(undefined);
        entry.bases.push(undefined);
      }
      let chunk = entry.chunks[c];
      let bases = entry.bases[c];
      if (chunk === undefined || bases === undefined) {
        entry.chunks[c] = chunk = new Uint16Array(CHUNK);
        entry.bases[c] = bases = new Float64Array(CHUNK >>> GROUP_BITS).fill(NaN);
      }
      const slot = n & (CHUNK - 1);
      if (chunk[slot] !== 0 || this.other.has(id)) return false;
      const group = slot >>> GROUP_BITS;
      if (Number.isNaN(bases[group])) bases[group] = time;
      const offset = time - bases[group];
      if (offset >= 0 && offset <= MAX_WIDE_OFFSET && Number.isInteger(offset)) {
        if (offset > MAX_NARROW_OFFSET && chunk instanceof Uint16Array) entry.chunks[c] = chunk = Uint32Array.from(chunk);
        chunk[slot] = offset + 1;
        this.count++;
        return true;
      }
    } else if (this.other.has(id)) return false;
    this.other.set(id, time);
    this.count++;
    return true;
  }

  get(id: string): Micros | undefined {
    const n = orderIndexOf(id);
    if (n >= 0) {
      const entry = this.table.lookup(id);
      const c = n >>> CHUNK_BITS;
      const chunk = entry?.chunks[c];
      const slot = n & (CHUNK - 1);
      const stored = chunk === undefined ? 0 : chunk[slot];
      if (stored !== 0) return entry!.bases[c]![slot >>> GROUP_BITS] + stored - 1;
    }
    return this.other.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * Calls `visit` for every order set, prefixes in first-seen order and ascending n, then the
   * others: a client id `<prefix><n>` as (prefix, n), any other id as (id, -1). No string is
   * built per order, so a pass over tens of millions of orders allocates nothing (see
   * `OrderIdSet.hasOrder`).
   */
  forEachOrder(visit: (prefixOrId: string, n: number, time: Micros) => void): void {
    for (const entry of this.table.values()) {
      const { prefix, chunks, bases } = entry;
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c];
        if (chunk === undefined) continue;
        const groupBases = bases[c]!;
        const first = c << CHUNK_BITS;
        for (let slot = 0; slot < CHUNK; slot++) {
          if (chunk[slot] !== 0) visit(prefix, first + slot, groupBases[slot >>> GROUP_BITS] + chunk[slot] - 1);
        }
      }
    }
    for (const [id, time] of this.other) visit(id, -1, time);
  }

  /** Calls `visit` for every id set, in `forEachOrder`'s order. */
  forEach(visit: (id: string, time: Micros) => void): void {
    this.forEachOrder((prefixOrId, n, time) => visit(n < 0 ? prefixOrId : `${prefixOrId}${n}`, time));
  }
}

/** A chunk whose orders all have one tag (the common case): which of them have it, a bit each. */
interface UniformChunk {
  tag: number;
  present: Uint32Array;
}

/**
 * A small tag (1..255) per order id; 0 means none. A chunk keeps one tag and a bit per order
 * while all its orders have the same tag (one node, one shard, between failovers), and a byte
 * per order from its first different one.
 */
export class OrderTags {
  private readonly table = new PrefixTable<TagChunks>();
  private readonly other = new Map<string, number>();

  /** Sets `id`'s tag (1..255) unless it has one; true when it was set now. */
  setFirst(id: string, tag: number): boolean {
    const n = orderIndexOf(id);
    if (n < 0) {
      if (this.other.has(id)) return false;
      this.other.set(id, tag);
      return true;
    }
    const entry = this.table.lookup(id, newTagChunks)!;
    const c = n >>> CHUNK_BITS;
    while (entry.chunks.length <= c) entry.chunks.push(undefined);
    const slot = n & (CHUNK - 1);
    let chunk = entry.chunks[c];
    if (chunk === undefined) entry.chunks[c] = chunk = { tag, present: new Uint32Array(CHUNK >>> 5) };
    if (chunk instanceof Uint8Array) {
      if (chunk[slot] !== 0) return false;
      chunk[slot] = tag;
      return true;
    }
    const mask = 1 << (slot & 31);
    if ((chunk.present[slot >>> 5] & mask) !== 0) return false;
    if (tag === chunk.tag) {
      chunk.present[slot >>> 5] |= mask;
      return true;
    }
    // a second tag in this chunk: a byte per order from now on
    const bytes = new Uint8Array(CHUNK);
    for (let i = 0; i < CHUNK; i++) if ((chunk.present[i >>> 5] & (1 << (i & 31))) !== 0) bytes[i] = chunk.tag;
    bytes[slot] = tag;
    entry.chunks[c] = bytes;
    return true;
  }

  /** The tag of `id`, 0 when it has none. */
  get(id: string): number {
    const n = orderIndexOf(id);
    if (n < 0) return this.other.get(id) ?? 0;
    const chunk = this.table.lookup(id)?.chunks[n >>> CHUNK_BITS];
    if (chunk === undefined) return 0;
    const slot = n & (CHUNK - 1);
    if (chunk instanceof Uint8Array) return chunk[slot];
    return (chunk.present[slot >>> 5] & (1 << (slot & 31))) !== 0 ? chunk.tag : 0;
  }
}
