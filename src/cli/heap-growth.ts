/**
 * V8's heap growth for one long simulation (`hasim run`, `hasim replay`), so that a run's peak
 * memory follows what it keeps rather than what it throws away.
 *
 * A run keeps little on V8's heap (raft at 10,000 orders/s: 15-30 MB live after a full garbage
 * collection; the folded history's columns are array buffers, outside it), but it promotes
 * much short-lived garbage (a client's 1 s timeout timers, raft's log entries until the next
 * compaction). V8 lets its old generation grow to up to 4x what survived the last full
 * collection before the next one (heap-controller.cc `MaxGrowingFactor`, chosen when garbage
 * collection is cheap beside the program): 100-280 MB of heap for those 15-30 MB, the largest
 * part of a long run's peak RSS. A factor of 2 (`--heap-growing-percent=100`) holds the heap
 * near what is live, for a few more full collections: raft 120 s at 10,000/s, peak RSS
 * 243-257 -> 185-194 MB for 3-8 % more CPU (A/B, alternated, at load ~20). The flag changes no
 * result (the trace hash is the same), only when V8 collects.
 *
 * Campaigns (`check`, `compare`, `sweep`, `estimate`) do not set it: their runs are short, so
 * their peak is small either way, and they are measured in runs per second.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation grows to (1 + this / 100) times what survived the last full collection. */
export const LONG_RUN_HEAP_GROWING_PERCENT = 100;

/** Sets V8's heap growth for this process (its flags are the process's: worker threads included). */
export function holdHeapNearLive(): void {
  setFlagsFromString(`--heap-growing-percent=${LONG_RUN_HEAP_GROWING_PERCENT}`);
}
