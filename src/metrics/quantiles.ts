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
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  let h = (n - 1) * q;
  // Snap float noise such as 99.00000000000001 to the exact rank.
  const nearest = Math.round(h);
  if (Math.abs(h - nearest) < 1e-9) h = nearest;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/** The quantiles `qs` of unsorted values (sorted once, on a copy); NaN each when empty. */
export function quantiles(values: readonly number[], qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const asArray = Array.from(sorted);
  return qs.map((q) => quantileSorted(asArray, q));
}
