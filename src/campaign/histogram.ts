/**
 * A mergeable histogram of non-negative integers with log-scale buckets, in the manner of
 * HdrHistogram: campaigns keep their metric distributions in these so that memory stays flat
 * in the number of runs, and so that quantiles come out IDENTICAL whatever the worker count,
 * the arrival order or the sharding: a bucket count is a sum of integers, and sums commute.
 *
 * Buckets: values below 256 each have their own bucket (exact); above, every power of two is
 * split into 128 equal sub-buckets, so a bucket is at most 1/128 of its lower bound wide and a
 * quantile reported at the bucket's midpoint is within `RELATIVE_ERROR` (0.4 %) of the true
 * sample value. Callers scale their values to integers first (microseconds, parts per billion).
 *
 * ```ts
 * const h = new Histogram();
 * for (const rtoUs of [1500, 2100, 2300, 90_000]) h.record(rtoUs);
 * h.quantile(0.5);   // 2100: within 0.4 % of the nearest-rank median
 * other.merge(h);    // exact: same as recording h's values into other
 * ```
 */

/** Sub-buckets per power of two, as a bit count: 2^7 = 128. */
const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS;
/** Below this every integer has its own bucket. */
const LINEAR_LIMIT = 2 * SUB_COUNT;

/** Largest relative distance between a recorded value and its bucket's reported value. */
export const RELATIVE_ERROR = 1 / (2 * SUB_COUNT);

/** The serialisable form: bucket indices ascending with their counts, and the exact extremes. */
export interface HistogramState {
  buckets: [index: number, count: number][];
  count: number;
  /** Exact sum of the recorded values (integers, so it does not depend on order). */
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Records a value, rounded to a non-negative integer; `times` copies of it. */
  record(value: number, times = 1): void {
    const v = toInteger(value);
    const index = bucketOf(v);
    this.counts.set(index, (this.counts.get(index) ?? 0) + times);
    this.count += times;
    this.sum += v * times;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Adds another histogram's counts: the result equals recording both samples into one. */
  merge(other: Histogram | HistogramState): this {
    const state = other instanceof Histogram ? other.state() : other;
    for (const [index, n] of state.buckets) this.counts.set(index, (this.counts.get(index) ?? 0) + n);
    this.count += state.count;
    this.sum += state.sum;
    if (state.count > 0) {
      if (state.min < this.min) this.min = state.min;
      if (state.max > this.max) this.max = state.max;
    }
    return this;
  }

  /**
   * The nearest-rank q-quantile (the value of rank ceil(q n), at least 1), reported at its
   * bucket's midpoint and clamped to the exact [min, max]; NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1], got ${q}`);
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count - 1e-9));
    let seen = 0;
    for (const index of this.sortedIndices()) {
      seen += this.counts.get(index)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, midpointOf(index)));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  state(): HistogramState {
    return {
      buckets: this.sortedIndices().map((i) => [i, this.counts.get(i)!]),
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
    };
  }

  static from(state: HistogramState): Histogram {
    return new Histogram().merge(state);
  }

  private sortedIndices(): number[] {
    return [...this.counts.keys()].sort((a, b) => a - b);
  }
}

function toInteger(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.round(value);
}

/** The bucket of a non-negative integer. */
export function bucketOf(v: number): number {
  if (v < LINEAR_LIMIT) return v;
  const e = v < 0x1_0000_0000 ? 31 - Math.clz32(v) : exponentOf(v);
  const width = 2 ** (e - SUB_BITS);
  const sub = Math.floor(v / width) - SUB_COUNT;
  return LINEAR_LIMIT + (e - SUB_BITS - 1) * SUB_COUNT + sub;
}

/** floor(log2(v)) for large v; log2 can be off by one right at a power of two, so correct it exactly. */
function exponentOf(v: number): number {
  const guess = Math.floor(Math.log2(v));
  return 2 ** guess > v ? guess - 1 : 2 ** (guess + 1) <= v ? guess + 1 : guess;
}

/** The [low, high] integer range of a bucket. */
export function bucketRange(index: number): [number, number] {
  if (index < LINEAR_LIMIT) return [index, index];
  const offset = index - LINEAR_LIMIT;
  const e = Math.floor(offset / SUB_COUNT) + SUB_BITS + 1;
  const sub = offset % SUB_COUNT;
  const width = 2 ** (e - SUB_BITS);
  const low = (SUB_COUNT + sub) * width;
  return [low, low + width - 1];
}

function midpointOf(index: number): number {
  const [low, high] = bucketRange(index);
  return (low + high) / 2;
}
