/**
 * Quantiles of a sample, by sorting: the "type 7" definition (R's default, NumPy's `linear`).
 * For n sorted values x[0..n-1] and 0 <= q <= 1, the position is h = (n - 1) q and the quantile
 * is x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]): the minimum at q = 0, the
 * maximum at q = 1, and linear interpolation between neighbours in between. Exact for any n;
 * O(n log n) for the sort, then O(1) per quantile.
 *
 * ```ts
 * quantiles([4, 1, 3, 2], [0.5, 1]); // [2.5, 4]
 * ```
 */

/** The q-quantile of values already sorted ascending; NaN for an empty sample. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  return quantileAt(sorted.length, q, (k) => sorted[k]);
}

/** The quantile `q` of a sorted sample of `n` values whose k-th (from 0) is `at(k)`. */
function quantileAt(n: number, q: number, at: (k: number) => number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1], got ${q}`);
  if (n === 0) return NaN;
  let h = (n - 1) * q;
  // Snap float noise such as 99.00000000000001 to the exact rank.
  const nearest = Math.round(h);
  if (Math.abs(h - nearest) < 1e-9) h = nearest;
  const lo = Math.floor(h);
  if (lo >= n - 1) return at(n - 1);
  return at(lo) + (h - lo) * (at(lo + 1) - at(lo));
}

/** The quantiles `qs` of unsorted values (sorted once, on a copy); NaN each when empty. */
export function quantiles(values: readonly number[], qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const asArray = Array.from(sorted);
  return qs.map((q) => quantileSorted(asArray, q));
}

/**
 * The quantiles `qs` of a sample given as value -> how many times it occurs, each value mapped
 * by `as` (increasing) first: the same figures as `quantiles` of every occurrence listed out.
 *
 * ```ts
 * quantilesOfCounts(new Map([[4, 1], [1, 2]]), [0.5, 1], (v) => v); // [1, 4]
 * ```
 */
export function quantilesOfCounts(counts: ReadonlyMap<number, number>, qs: readonly number[], as: (value: number) => number = (v) => v): number[] {
  const values = Float64Array.from(counts.keys()).sort();
  /** ends[i]: how many occurrences values[0..i] make. */
  const ends = new Float64Array(values.length);
  let total = 0;
  values.forEach((v, i) => (ends[i] = total += counts.get(v)!));
  const at = (k: number): number => {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] <= k) lo = mid + 1;
      else hi = mid;
    }
    return as(values[lo]);
  };
  return qs.map((q) => quantileAt(total, q, at));
}
