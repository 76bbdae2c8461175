/**
 * Which WAL a PostgreSQL node keeps: timelines, checkpoints and replication slots. WAL is the
 * node's log, one entry per order, positions counted in entries; a timeline is identified by
 * the `term` of its entries (the design's epoch: unique per promotion), so two logs agree up
 * to the end of their common (term, start, end) runs.
 *
 * WAL recycling (src/backend/access/transam/xlog.c of PostgreSQL 16): every
 * `checkpoint_timeout` a checkpoint (a restartpoint on a standby) removes the WAL segments no
 * longer needed (RemoveOldXlogFiles after KeepLogSeg): those before the previous checkpoint's
 * redo point, before `wal_keep_size` from the end, and before the oldest replication slot's
 * restart_lsn (the primary's physical slots, one per standby as Patroni's `use_slots` keeps
 * them; a new slot reserves WAL from the last redo point, as ReplicationSlotReserveWal does on
 * a primary, and advances with its standby's flush reports). `max_slot_wal_keep_size` is -1
 * (the default): a slot retains WAL without limit. The removed WAL is folded on disk (its ids
 * and prefix hashes, see world/disk.ts) and its timeline runs are kept as the timeline history
 * (PostgreSQL's .history files), so a standby's whole history can still be compared.
 *
 * The redo point is taken at the previous checkpoint (a spread checkpoint ends ~0.9
 * checkpoint_timeout after its redo point, so removal comes up to 30 s later than
 * PostgreSQL's: a little more WAL kept), and removal is by whole segments. Left out:
 * checkpoints requested by `max_wal_size` (1 GB: before checkpoint_timeout only above
 * ~3.5 MB/s of WAL).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import type { DiskEntry, DiskSnapshot } from '../world/disk.ts';

/** A run of consecutive entries of one timeline: [start, end). */
export interface TimelineRun {
  term: number;
  start: number;
  end: number;
}

/** What decides which WAL a checkpoint removes; positions in entries. */
export interface WalRecycling {
  /** `checkpoint_timeout` (5 min). */
  checkpointTimeoutUs: Micros;
  /** `wal_keep_size` in entries (Patroni sets 128 MB). */
  walKeepEntries: number;
  /** One WAL segment (16 MB) in entries: WAL is removed by whole segments. */
  segmentEntries: number;
}

/** The disk key of the timeline history of removed WAL (PostgreSQL's .history files). */
const HISTORY_KEY = 'pg-timeline-history';

/** The timeline runs of `entries`, which start at position `offset`, after the runs `before` (copied). */
export function timelineRuns(entries: readonly DiskEntry[], offset = 0, before: readonly TimelineRun[] = []): TimelineRun[] {
  const runs: TimelineRun[] = before.map((r) => ({ ...r }));
  for (let i = 0; i < entries.length; i++) {
    const term = entries[i].term ?? 0;
    const last = runs[runs.length - 1];
    if (last && last.term === term && last.end === offset + i) last.end = offset + i + 1;
    else runs.push({ term, start: offset + i, end: offset + i + 1 });
  }
  return runs;
}

/** How many leading entries two logs share, from their timeline runs. */
export function commonPrefix(a: readonly TimelineRun[], b: readonly TimelineRun[]): number {
  let common = 0;
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (a[k].term !== b[k].term || a[k].start !== b[k].start) return common;
    common = Math.min(a[k].end, b[k].end);
    if (a[k].end !== b[k].end) return common;
  }
  return common;
}

/** One node's WAL retention: its checkpoints' redo point, its slots (as primary), the history of removed WAL. */
export class WalRetention {
  /** Physical replication slots on the primary: standby -> restart_lsn. */
  private readonly slots = new Map<string, number>();
  /** The redo point of the last checkpoint. */
  private lastRedo: number;
  /** The timeline runs of the removed (folded) WAL. */
  private foldedHistory: TimelineRun[];

  constructor(private readonly ctx: NodeContext) {
    this.lastRedo = ctx.disk.compactedLength;
    this.foldedHistory = this.historyOnDisk();
  }

  /**
   * The timeline history of the folded WAL, as saved. A crash between a removal and the save's
   * fsync leaves it short: its last run stands for the rest (the folded entries were removed
   * minutes after they were written, long after any timeline switch near them).
   */
  private historyOnDisk(): TimelineRun[] {
    const disk = this.ctx.disk;
    const folded = disk.compactedLength;
    if (folded === 0) return [];
    const saved = ((disk.get(HISTORY_KEY) as TimelineRun[] | undefined) ?? []).filter((r) => r.start < folded).map((r) => ({ ...r, end: Math.min(r.end, folded) }));
    const last = saved[saved.length - 1];
    if (last === undefined) return [{ term: disk.lastCompacted?.term ?? 0, start: 0, end: folded }];
    last.end = folded;
    return saved;
  }

  /** The whole WAL's timeline runs, removed WAL included. */
  runs(): TimelineRun[] {
    const disk = this.ctx.disk;
    return timelineRuns(disk.entries, disk.compactedLength, this.foldedHistory);
  }

  /** A copy of the removed WAL's timeline history (what a base backup carries). */
  history(): TimelineRun[] {
    return this.foldedHistory.map((r) => ({ ...r }));
  }

  /**
   * The primary's physical replication slots are these standbys' (Patroni's use_slots: one per
   * member in the DCS; a member gone from it loses its slot at the leader's next loop).
   */
  setSlots(standbys: readonly string[]): void {
    for (const name of [...this.slots.keys()]) {
      if (standbys.includes(name)) continue;
      this.slots.delete(name);
      this.ctx.note(`postgres: replication slot of ${name} dropped`);
    }
    for (const name of standbys) if (!this.slots.has(name)) this.slots.set(name, this.lastRedo);
  }

  /** The node stops or starts being primary: its slots go (Patroni keeps slots on the leader only). */
  dropSlots(): void {
    this.slots.clear();
  }

  /** A standby reported its flush position: its slot's restart_lsn follows. */
  advanceSlot(standby: string, flushed: number): void {
    const restart = this.slots.get(standby);
    if (restart !== undefined && flushed > restart) this.slots.set(standby, flushed);
  }

  /**
   * A checkpoint (a restartpoint on a standby): removes the WAL nothing needs any more.
   * `redo` is this checkpoint's redo point (the WAL flushed now); `primary`: the slots count.
   */
  checkpoint(recycling: WalRecycling, redo: number, primary: boolean): void {
    const disk = this.ctx.disk;
    let keep = Math.min(this.lastRedo, disk.length - recycling.walKeepEntries);
    if (primary) for (const restart of this.slots.values()) keep = Math.min(keep, restart);
    this.lastRedo = redo;
    keep = Math.floor(keep / recycling.segmentEntries) * recycling.segmentEntries;
    if (keep <= disk.compactedLength || disk.failed) return;
    const upTo = Math.min(keep, disk.durableLength);
    const history = timelineRuns(disk.entries.slice(0, upTo - disk.compactedLength), disk.compactedLength, this.foldedHistory);
    disk.compact(upTo);
    this.foldedHistory = history;
    disk.put(HISTORY_KEY, history);
  }

  /** A base backup replaced the data directory: everything before the snapshot's end is removed WAL. */
  restoreBackup(snapshot: DiskSnapshot, history: TimelineRun[]): void {
    const disk = this.ctx.disk;
    disk.restore(snapshot);
    this.foldedHistory = history;
    disk.put(HISTORY_KEY, history);
    this.lastRedo = snapshot.length;
  }
}
