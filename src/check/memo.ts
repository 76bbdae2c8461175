/**
 * Per-history memoisation: several invariants and metrics start from the same derived views
 * (order records, primary intervals, effects, lost acks). Each is computed once per history
 * and shared; callers must treat the results as read-only.
 */
import type { History } from '../history/history.ts';

/** Wraps `compute` so it runs once per history object. */
export function memoPerHistory<T>(compute: (history: History) => T): (history: History) => T {
  const cache = new WeakMap<History, T>();
  return (history) => {
    let value = cache.get(history);
    if (value === undefined) {
      value = compute(history);
      cache.set(history, value);
    }
    return value;
  };
}
