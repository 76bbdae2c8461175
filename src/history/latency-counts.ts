/**
 * How many times each latency (whole µs) occurred: what the folded history keeps of the acks'
 * latencies so quantiles are exact (metrics/latency.ts). A run at 10,000 orders/s counts every
 * order once here, and a `Map<Micros, number>` keyed by thousands of distinct latencies cost
 * ~6 % of such a run (a hash lookup and often a table growth per count). So a latency below
 * `DENSE_LIMIT` is a counter in a chunk of a typed array indexed by its value (chunks of
 * `CHUNK` µs, made on first use: a run's latencies cluster in a few milliseconds); any other
 * value (larger, negative, fractional) goes to a Map.
 *
 * Reads as a `ReadonlyMap<number, number>` would for what the metrics use: `get`, `size` and
 * iteration as [latency, count] pairs (dense latencies ascending, then the others in first-seen
 * order; consumers sort).
 */
import type { Micros } from '../sim/time.ts';

const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
/** Latencies below this (~16.8 s) are counted in chunks. */
const DENSE_LIMIT = 1 << 24;

export class LatencyCounts implements Iterable<[Micros, number]> {
  private readonly chunks: (Uint32Array | undefined)[] = [];
  private readonly other = new Map<Micros, number>();
  private distinct = 0;

  /** How many distinct latencies were counted. */
  get size(): number {
    return this.distinct + this.other.size;
  }

  /** Counts one more `latency`. */
  add(latency: Micros): void {
    if (latency >= 0 && latency < DENSE_LIMIT && (latency | 0) === latency) {
      const c = latency >>> CHUNK_BITS;
      const chunks = this.chunks;
      let chunk = c < chunks.length ? chunks[c] : undefined;
      if (chunk === undefined) {
        while (chunks.length <= c) chunks.push(undefined);
        chunks[c] = chunk = new Uint32Array(CHUNK);
      }
      const slot = latency & (CHUNK - 1);
      if (chunk[slot]++ === 0) this.distinct++;
      return;
    }
    this.other.set(latency, (this.other.get(latency) ?? 0) + 1);
  }

  /** How many times `latency` was counted, undefined when never. */
  get(latency: Micros): number | undefined {
    if (latency >= 0 && latency < DENSE_LIMIT && (latency | 0) === latency) {
      const count = this.chunks[latency >>> CHUNK_BITS]?.[latency & (CHUNK - 1)] ?? 0;
      return count === 0 ? undefined : count;
    }
    return this.other.get(latency);
  }

  /** [latency, count] for every latency counted: dense ones ascending, then the others. */
  *[Symbol.iterator](): IterableIterator<[Micros, number]> {
    const chunks = this.chunks;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c];
      if (chunk === undefined) continue;
      for (let slot = 0; slot < CHUNK; slot++) if (chunk[slot] !== 0) yield [(c << CHUNK_BITS) + slot, chunk[slot]];
    }
    yield* this.other;
  }
}
