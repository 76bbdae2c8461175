/**
 * The trace: the determinism fingerprint of a run. Every state change mixes a few integers
 * into a 64-bit FNV-1a hash (two 32-bit lanes, so it stays in integer arithmetic); strings are
 * interned to small integers in first-seen order, which is itself deterministic. Recording the
 * full text trace is optional (replay, reports); the hash is always on and cheap.
 */
import type { Micros } from './time.ts';

export class Trace {
  private lo = 0x84222325 | 0;
  private hi = 0xcbf29ce4 | 0;
  private readonly interned = new Map<string, number>();
  /** The text lines, when recording. */
  readonly lines: string[] | undefined;
  /** How many entries were mixed in. */
  entries = 0;

  constructor(record = false) {
    this.lines = record ? [] : undefined;
  }

  get recording(): boolean {
    return this.lines !== undefined;
  }

  /**
   * Mixes one 32-bit word into both lanes: lane one is FNV-1a over words, lane two a
   * murmur-style multiply-xorshift, so the pair behaves as a 64-bit fingerprint.
   */
  private mix(word: number): void {
    this.lo = Math.imul(this.lo ^ word, 0x01000193);
    let h = Math.imul(this.hi ^ word, 0x5bd1e995);
    h ^= h >>> 15;
    this.hi = Math.imul(h, 0x27d4eb2d);
  }

  /** Interns a string to a stable small integer. */
  id(text: string): number {
    let n = this.interned.get(text);
    if (n === undefined) {
      n = this.interned.size + 1;
      this.interned.set(text, n);
    }
    return n;
  }

  /**
   * Mixes an entry: its time, a kind (< 256) and up to three integers; `a` and `b` are small
   * indices (< 4096), packed with the kind into one word to keep the hot path short.
   */
  add(time: Micros, kind: number, a = 0, b = 0, c = 0): void {
    this.entries++;
    if (time > 0x7fffffff) {
      this.mix(time | 0);
      this.mix(Math.floor(time / 0x100000000));
      this.mix(kind | (a << 8) | (b << 20));
      this.mix(c);
      return;
    }
    // the common case: `mix` of three words, unrolled on locals (one load and store of each lane)
    let lo = this.lo;
    let hi = this.hi;
    let word = time | 0;
    lo = Math.imul(lo ^ word, 0x01000193);
    hi = Math.imul(hi ^ word, 0x5bd1e995);
    hi = Math.imul(hi ^ (hi >>> 15), 0x27d4eb2d);
    word = kind | (a << 8) | (b << 20);
    lo = Math.imul(lo ^ word, 0x01000193);
    hi = Math.imul(hi ^ word, 0x5bd1e995);
    hi = Math.imul(hi ^ (hi >>> 15), 0x27d4eb2d);
    lo = Math.imul(lo ^ c, 0x01000193);
    hi = Math.imul(hi ^ c, 0x5bd1e995);
    this.hi = Math.imul(hi ^ (hi >>> 15), 0x27d4eb2d);
    this.lo = lo;
  }

  /** Appends a text line when recording (callers check `recording` before building it). */
  line(time: Micros, text: string): void {
    this.lines?.push(`${time} ${text}`);
  }

  /** The 64-bit hash as 16 hex digits. */
  hash(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}
