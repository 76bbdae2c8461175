/**
 * Compact sets of order ids, so that what a long run keeps per order does not grow with a
 * string and a hash-table slot each. Clients name their orders `<client>-<n>`, n counting up
 * from 0 (world/client.ts), so a set of client ids is one bitset per client prefix: about one
 * bit per order. Any other id (a raft no-op's label, a user design's own ids) goes to an
 * ordinary Set, so the set accepts every string and answers exactly as a `Set<string>` would.
 *
 * Iteration order is deterministic but not insertion order: prefixes in first-seen order,
 * each in ascending n, then the other ids in insertion order.
 */

/** The largest n kept in a bitset; larger (or zero-padded) suffixes go to the plain Set. */
const MAX_INDEX = 0x3fffffff;

/** One client's ids as a bitset, grown by a quarter at a time (`grown`). */
interface PrefixBits {
  prefix: string;
  words: Uint32Array;
  count: number;
}

/**
 * The last id parsed, with its last dash and n: the fold and the checks ask about one order
 * several times in a row (its ack: its scope, its first-ack instant, its scope again), so most
 * questions skip the parse. (`lastIndexOf` is a call into the runtime; a loop over the
 * characters from the end is several times cheaper.)
 */
let parsedId = '';
let parsedDash = -1;
let parsedIndex = -1;

function parse(id: string): void {
  if (id === parsedId) return;
  const length = id.length;
  let dash = length - 1;
  while (dash >= 0 && id.charCodeAt(dash) !== 45) dash--; // '-'
  parsedId = id;
  parsedDash = dash;
  parsedIndex = -1;
  if (dash <= 0 || dash === length - 1 || length - dash - 1 > 10) return;
  let n = 0;
  for (let i = dash + 1; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return;
    n = n * 10 + digit;
  }
  if (n > MAX_INDEX || (id.charCodeAt(dash + 1) === 48 && length - dash - 1 > 1)) return;
  parsedIndex = n;
}

/**
 * The n of an id `<prefix>-<n>` (n decimal, no leading zero unless it is `0`), or -1 when the
 * id has another shape.
 */
export function orderIndexOf(id: string): number {
  parse(id);
  return parsedIndex;
}

/** The length of an id's prefix: its text up to and including the last `-` (0: no dash). */
function prefixLengthOf(id: string): number {
  parse(id);
  return parsedDash + 1;
}

/**
 * `id.startsWith(prefix)`, compared from the prefix's end (its `-`, then the client's number,
 * where ids of different clients differ): a client prefix is a few characters, and the inlined
 * loop is cheaper than a call to the builtin for every lookup of a busy run.
 */
function startsWith(id: string, prefix: string): boolean {
  for (let i = prefix.length - 1; i >= 0; i--) if (id.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  return true;
}

/** Up to this many prefixes a lookup scans them; past it, it slices the id's prefix and asks the Map. */
const SCAN_LIMIT = 16;

/**
 * Per-client entries keyed by an id's prefix (its text up to and including the last `-`),
 * remembering the last one looked up: a client's ids come in runs, so that skips the rest. A
 * run has a few clients whose orders interleave, so a miss scans the few prefixes rather than
 * slicing the id's prefix (a new string, hashed) to ask the Map.
 */
export class PrefixTable<T extends { prefix: string }> {
  private readonly byPrefix = new Map<string, T>();
  /** The entries in first-seen order (the Map's values, kept for the scan). */
  private readonly entries: T[] = [];
  private last: T | undefined;

  /** `id`'s entry; `make` creates a missing one (absent: undefined is returned instead). */
  lookup(id: string, make?: (prefix: string) => T): T | undefined {
    const last = this.last;
    const prefixLength = prefixLengthOf(id);
    if (last && last.prefix.length === prefixLength && startsWith(id, last.prefix)) return last;
    let entry: T | undefined;
    const entries = this.entries;
    if (entries.length <= SCAN_LIMIT) {
      for (let i = 0; i < entries.length; i++) {
        const candidate = entries[i];
        if (candidate.prefix.length === prefixLength && startsWith(id, candidate.prefix)) {
          entry = candidate;
          break;
        }
      }
    } else {
      entry = this.byPrefix.get(id.slice(0, prefixLength));
    }
    if (!entry && make) {
      const prefix = id.slice(0, prefixLength);
      entry = make(prefix);
      this.byPrefix.set(prefix, entry);
      entries.push(entry);
    }
    if (entry) this.last = entry;
    return entry;
  }

  /** The entries, in first-seen order. */
  values(): IterableIterator<T> {
    return this.entries.values();
  }

  clear(): void {
    this.byPrefix.clear();
    this.entries.length = 0;
    this.last = undefined;
  }
}

const newBits = (prefix: string): PrefixBits => ({ prefix, words: new Uint32Array(8), count: 0 });

export class OrderIdSet implements Iterable<string> {
  private readonly byPrefix = new PrefixTable<PrefixBits>();
  private readonly other = new Set<string>();
  private total = 0;

  constructor(ids?: Iterable<string>) {
    if (ids) for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.total;
  }

  /** Adds `id`; true when it was not there before. */
  add(id: string): boolean {
    const n = orderIndexOf(id);
    if (n < 0) return this.addOther(id);
    const bits = this.byPrefix.lookup(id, newBits)!;
    const word = n >>> 5;
    if (word >= bits.words.length) bits.words = grown(bits.words, word);
    const mask = 1 << (n & 31);
    if ((bits.words[word] & mask) !== 0) return false;
    bits.words[word] |= mask;
    bits.count++;
    this.total++;
    return true;
  }

  has(id: string): boolean {
    const n = orderIndexOf(id);
    if (n < 0) return this.other.has(id);
    const bits = this.byPrefix.lookup(id);
    if (!bits) return false;
    const word = n >>> 5;
    return word < bits.words.length && (bits.words[word] & (1 << (n & 31))) !== 0;
  }

  /**
   * `has` of an id given as `OrderTimes.forEachOrder` visits it: a client id as its prefix
   * (up to and including the last `-`) and n, any other id whole with n = -1. Builds no string.
   */
  hasOrder(prefixOrId: string, n: number): boolean {
    if (n < 0) return this.has(prefixOrId);
    const bits = this.byPrefix.lookup(prefixOrId);
    if (!bits) return false;
    const word = n >>> 5;
    return word < bits.words.length && (bits.words[word] & (1 << (n & 31))) !== 0;
  }

  /** Removes `id`; true when it was there. */
  delete(id: string): boolean {
    const n = orderIndexOf(id);
    if (n < 0) {
      if (!this.other.delete(id)) return false;
      this.total--;
      return true;
    }
    const bits = this.byPrefix.lookup(id);
    const word = n >>> 5;
    if (!bits || word >= bits.words.length) return false;
    const mask = 1 << (n & 31);
    if ((bits.words[word] & mask) === 0) return false;
    bits.words[word] &= ~mask;
    bits.count--;
    this.total--;
    return true;
  }

  /** A copy that shares nothing with this set (a snapshot another node restores). */
  clone(): OrderIdSet {
    const copy = new OrderIdSet();
    for (const bits of this.byPrefix.values()) copy.byPrefix.lookup(bits.prefix, (prefix) => ({ prefix, words: bits.words.slice(), count: bits.count }));
    for (const id of this.other) copy.other.add(id);
    copy.total = this.total;
    return copy;
  }

  clear(): void {
    this.byPrefix.clear();
    this.other.clear();
    this.total = 0;
  }

  /** The ids, prefixes in first-seen order and each in ascending n, then the others. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const bits of this.byPrefix.values()) {
      const { words, prefix } = bits;
      for (let w = 0; w < words.length; w++) {
        let word = words[w];
        while (word !== 0) {
          const low = word & -word;
          yield `${prefix}${w * 32 + 31 - Math.clz32(low)}`;
          word ^= low;
        }
      }
    }
    yield* this.other;
  }

  values(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  private addOther(id: string): boolean {
    if (this.other.has(id)) return false;
    this.other.add(id);
    this.total++;
    return true;
  }
}

/**
 * A copy of `words` long enough for index `word`: a quarter longer (at least), not twice. A long
 * run's sets are its largest columns (several per run: the invoked orders, each node's folded
 * log), and doubling leaves a set up to half empty: 1.7 MB of 4 MB per client after an hour at
 * 10,000/s. Growing by a quarter copies each word ~5 times over a run instead of ~2: noise
 * beside the run.
 */
function grown(words: Uint32Array, word: number): Uint32Array {
  const length = Math.max(word + 1, words.length + (words.length >>> 2) + 8);
  const next = new Uint32Array(length);
  next.set(words);
  return next;
}

/** One client's numbers, indexed by n (NaN: none), grown by doubling. */
interface PrefixNumbers {
  prefix: string;
  values: Float64Array;
}

const newNumbers = (prefix: string): PrefixNumbers => ({ prefix, values: new Float64Array(64).fill(NaN) });

/**
 * A number per order id (the exchange's per-order token floor), compact as `OrderIdSet` is:
 * 8 bytes per client order in a Float64Array per prefix, a Map for any other id. Answers
 * exactly as a `Map<string, number>` would for get/set (NaN cannot be stored).
 */
export class OrderIdNumbers {
  private readonly byPrefix = new PrefixTable<PrefixNumbers>();
  private readonly other = new Map<string, number>();

  get(id: string): number | undefined {
    const n = orderIndexOf(id);
    if (n < 0) return this.other.get(id);
    const numbers = this.byPrefix.lookup(id);
    if (!numbers || n >= numbers.values.length) return undefined;
    const value = numbers.values[n];
    return Number.isNaN(value) ? undefined : value;
  }

  set(id: string, value: number): void {
    const n = orderIndexOf(id);
    if (n < 0) {
      this.other.set(id, value);
      return;
    }
    const numbers = this.byPrefix.lookup(id, newNumbers)!;
    if (n >= numbers.values.length) {
      let length = numbers.values.length * 2;
      while (length <= n) length *= 2;
      const grown = new Float64Array(length).fill(NaN);
      grown.set(numbers.values);
      numbers.values = grown;
    }
    numbers.values[n] = value;
  }
}
