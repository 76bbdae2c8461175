/**
 * Raft's replicated log on a node's disk, and the log rules of the paper's §5.3-§5.4:
 *
 *   index:  1     2     3     4          entries[i - 1] is index i; index 0 has term 0
 *   term:   1     1     2     2
 *           |<-- durableIndex -->|<- written, fsync pending
 *
 * - log matching: an AppendEntries is accepted only if the entry at prevIndex has prevTerm;
 *   an existing entry that conflicts with a new one (same index, other term) is deleted with
 *   everything after it, and entries already present are kept (a late or duplicated message
 *   never truncates);
 * - up-to-date (§5.4.1): a vote goes to a candidate whose last term is higher, or equal with a
 *   log at least as long;
 * - commit (§5.4.2): a leader commits by counting replicas only entries of its own term, and
 *   with them everything before.
 *
 * While its node leads, the log keeps an index orderId -> log index (`raft-order-index.ts`), so
 * a retried order is found without a scan (followers skip that cost; a new leader builds it once).
 *
 * Durability is etcd's WAL: entries are written as they come (page cache) and made durable by
 * one fsync for everything written since the last (`sync`, the Ready loop's `storage.Save`),
 * with at most one fsync in flight: entries that arrive meanwhile wait for the next one. So a
 * burst of orders costs one fsync, not one each (etcdserver/raft.go `raftNode.start`: the next
 * Ready is taken only after `Advance`).
 *
 * Compaction (see `raft-snapshots.ts`): entries up to `compactedIndex` are folded into the
 * disk's compact prefix, as etcd's MemoryStorage drops entries before a compaction index
 * (etcd-io/raft storage.go `MemoryStorage.Compact`): their terms are gone but the last one's
 * (the snapshot term), and `termAt` answers COMPACTED below it (raft's ErrCompacted). Their
 * order ids stay known (`compactedHas`): the snapshot's state machine holds every order.
 */
import type { Disk, DiskSnapshot } from '../world/disk.ts';
import type { RaftEntry } from './raft-config.ts';
import { RaftOrderIndex } from './raft-order-index.ts';

/** `termAt` of an index folded away by compaction (etcd-io/raft: ErrCompacted). */
export const COMPACTED = -2;

export class RaftLog {
  /** Entries 1..durableIndex survive a crash. */
  durableIndex: number;
  /** Called when an fsync completes (the node's Ready loop goes on), durable or not. */
  onSynced: () => void = () => {};
  /** An fsync failed (EIO: the disk died under it). */
  onSyncFailed: () => void = () => {};
  /** orderId -> index, kept only while `indexing` (the node leads). */
  private readonly indexByOrder = new RaftOrderIndex();
  private indexing = false;
  /** An fsync is in flight. */
  syncing = false;
  /** Entries up to here are written and covered by an fsync asked for (lowered by a truncation). */
  private syncedTo: number;

  constructor(private readonly disk: Disk) {
    // a fresh process only sees what survived: all of it is durable
    this.durableIndex = disk.length;
    this.syncedTo = disk.length;
  }

  /** Builds and then maintains the orderId index (on becoming leader). */
  startIndexing(): void {
    const entries = this.disk.entries as readonly RaftEntry[];
    const offset = this.compactedIndex + 1;
    this.indexByOrder.clear();
    this.indexByOrder.dropThrough(this.compactedIndex);
    for (let i = 0; i < entries.length; i++) if (!entries[i].noop) this.indexByOrder.set(entries[i].orderId, i + offset);
    this.indexing = true;
  }

  stopIndexing(): void {
    this.indexing = false;
    this.indexByOrder.clear();
  }

  get lastIndex(): number {
    return this.disk.length;
  }

  get lastTerm(): number {
    return this.termAt(this.disk.length);
  }

  /** The last index folded away by compaction (0: none); entries after it are in the log. */
  get compactedIndex(): number {
    return this.disk.compactedLength;
  }

  /**
   * The term of the entry at `index` (0 for index 0, -1 past the end); at the compaction index
   * the snapshot's term, below it COMPACTED.
   */
  termAt(index: number): number {
    if (index === 0) return 0;
    const compacted = this.disk.compactedLength;
    if (index <= compacted) return index === compacted ? (this.disk.lastCompacted!.term as number) : COMPACTED;
    const entry = this.disk.entries[index - compacted - 1];
    return entry === undefined ? -1 : (entry.term as number);
  }

  /** The entry at `index`, which must be above the compaction index. */
  entryAt(index: number): RaftEntry {
    return this.disk.entries[index - this.disk.compactedLength - 1] as RaftEntry;
  }

  /** Entries from index `from` to `to` inclusive (all above the compaction index). */
  slice(from: number, to: number): RaftEntry[] {
    const compacted = this.disk.compactedLength;
    return this.disk.entries.slice(from - compacted - 1, to - compacted) as RaftEntry[];
  }

  /** Whether a compacted entry (one in the snapshot) is the order `orderId`. */
  compactedHas(orderId: string): boolean {
    return this.disk.compactedLength > 0 && this.disk.compactedHas(orderId);
  }

  /**
   * Folds entries up to `index` (committed and durable: the caller's to check) into the
   * snapshot, as etcd's `raftStorage.Compact(compacti)` after a snapshot.
   */
  compact(index: number): void {
    if (index <= this.disk.compactedLength) return;
    this.disk.compact(index);
    if (this.indexing) this.indexByOrder.dropThrough(this.disk.compactedLength);
  }

  /** The first `index` entries as a snapshot (at least the compacted ones). */
  snapshot(index: number): DiskSnapshot {
    return this.disk.snapshot(index);
  }

  /** The whole log becomes a leader's snapshot (raft's restore), durable at once. */
  restore(snapshot: DiskSnapshot): void {
    this.indexByOrder.clear();
    this.disk.restore(snapshot);
    this.durableIndex = this.disk.durableLength;
    this.syncedTo = this.disk.length;
  }

  /** The log index of an order, if the log holds it (only while indexing). */
  indexOf(orderId: string): number | undefined {
    return this.indexByOrder.get(orderId);
  }

  /** Whether the disk would refuse a write (failed or full): the process must stop. */
  get refusesWrites(): boolean {
    const disk = this.disk;
    return disk.failed || disk.full || disk.length >= disk.capacityEntries;
  }

  /** Appends at the end (written, durable after the next `sync`); false when the disk refuses. */
  append(entry: RaftEntry): boolean {
    if (this.refusesWrites || !this.disk.write(entry)) return false;
    if (this.indexing && !entry.noop) this.indexByOrder.set(entry.orderId, this.disk.length);
    return true;
  }

  /** Whether entries are written that no fsync asked for so far covers. */
  get unsynced(): boolean {
    return this.disk.length > this.syncedTo;
  }

  /** Starts one fsync for every entry written so far, unless one is in flight (then the next Ready will). */
  sync(): void {
    if (this.syncing || !this.unsynced) return;
    this.syncing = true;
    this.syncedTo = this.disk.length;
    this.disk.flush(this.fsynced);
  }

  /** Deletes the entry at `index` and everything after it. */
  truncateFrom(index: number): void {
    const entries = this.disk.entries as readonly RaftEntry[];
    const compacted = this.disk.compactedLength;
    for (let i = index; this.indexing && i <= this.disk.length; i++) {
      const e = entries[i - compacted - 1];
      if (!e.noop) this.indexByOrder.deleteAt(e.orderId, i);
    }
    this.disk.truncate(index - 1);
    if (this.durableIndex >= index) this.durableIndex = index - 1;
    if (this.syncedTo >= index) this.syncedTo = index - 1;
  }

  /**
   * Merges a leader's entries that follow `prevIndex` (already checked to match): skips those
   * present, truncates at the first conflict, appends the rest. Returns false if the disk
   * refused a write.
   */
  merge(prevIndex: number, entries: readonly RaftEntry[]): boolean {
    let i = 0;
    let index = prevIndex + 1;
    const last = this.lastIndex;
    while (i < entries.length && index <= last && this.termAt(index) === entries[i].term) {
      i++;
      index++;
    }
    if (i === entries.length) return true;
    if (index <= last) this.truncateFrom(index);
    for (; i < entries.length; i++) if (!this.append(entries[i])) return false;
    return true;
  }

  /**
   * Where a leader should retry after a refused (prevIndex, prevTerm): past our end, our last
   * index; on a term conflict, just before the first entry of the conflicting term (skipping the
   * whole term in one round trip, §5.3), but never below `floor` (entries known committed).
   */
  rejectHint(prevIndex: number, floor: number): number {
    if (prevIndex > this.lastIndex) return this.lastIndex;
    const conflictTerm = this.termAt(prevIndex);
    let index = prevIndex - 1;
    while (index > floor && this.termAt(index) === conflictTerm) index--;
    return index;
  }

  /** §5.4.1: whether a log ending at (lastTerm, lastIndex) is at least as up-to-date as ours. */
  isUpToDate(lastTerm: number, lastIndex: number): boolean {
    return isAtLeastAsUpToDate(lastTerm, lastIndex, this.lastTerm, this.lastIndex);
  }

  private readonly fsynced = (ok: boolean): void => {
    this.syncing = false;
    const durable = this.disk.durableLength;
    if (!ok) return this.onSyncFailed();
    if (durable > this.durableIndex) this.durableIndex = durable;
    this.onSynced();
  };
}

/** §5.4.1, as a pure rule: (termA, indexA) is at least as up-to-date as (termB, indexB). */
export function isAtLeastAsUpToDate(termA: number, indexA: number, termB: number, indexB: number): boolean {
  return termA > termB || (termA === termB && indexA >= indexB);
}

/**
 * §5.4.2, as a pure rule: the highest index a leader of `currentTerm` may commit, given the
 * durable match index of every voter (itself included). It is the largest index stored on a
 * majority, if that entry is of the current term; an older entry is committed only indirectly,
 * by a later entry of the current term (Figure 8 of the paper shows why counting it is unsafe).
 * `matchIndexes` is sorted in place (a reusable buffer, one slot per voter).
 */
export function commitIndexFor(
  matchIndexes: Float64Array,
  majority: number,
  currentTerm: number,
  termAt: (index: number) => number,
  commitIndex: number,
): number {
  // insertion sort, descending: a handful of voters, and no call into the runtime's sort
  const n = matchIndexes.length;
  for (let i = 1; i < n; i++) {
    const value = matchIndexes[i];
    let j = i - 1;
    while (j >= 0 && matchIndexes[j] < value) {
      matchIndexes[j + 1] = matchIndexes[j];
      j--;
    }
    matchIndexes[j + 1] = value;
  }
  const candidate = matchIndexes[majority - 1];
  return candidate > commitIndex && termAt(candidate) === currentTerm ? candidate : commitIndex;
}
