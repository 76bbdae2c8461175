/**
 * Log shipping by WAL segments, the primary's side: PostgreSQL's archiver. The primary's WAL
 * is cut into segments of `segmentBytes` (16 MB, initdb --wal-segsize); `archive_command` is
 * only invoked for completed segments, so a segment leaves the primary when it is full, or when
 * `archiveTimeout` has passed since the last segment switch and some WAL was written since
 * (a forced switch; 0 = never forced). Until then its commits are acked to clients but exist
 * only on the primary: a site loss takes them. So the RPO of log shipping depends on the write
 * volume: at a low rate with archive_timeout = 0 it is the whole unfilled segment (hours), at a
 * high rate a segment fills in seconds.
 *
 *   WAL:  |== segment n (full) ==|== segment n+1 (filling) ....|
 *          shipped at the switch    acked, on the primary only; shipped when full,
 *                                   or archiveTimeout after the last switch
 *
 * Sources (PostgreSQL 15): the docs, runtime-config-wal.html, archive_timeout: "The
 * archive_command or archive_library is only invoked for completed WAL segments. [...] the
 * server will switch to a new segment file whenever this amount of time has elapsed since the
 * last segment file switch, and there has been any database activity"; default 0 (disabled);
 * wal_segment_size default 16 MB (initdb --wal-segsize). The check is
 * `CheckArchiveTimeout()` in src/backend/postmaster/checkpointer.c (since the last switch,
 * whether forced or by a full segment; a switch only if WAL was inserted since).
 *
 * A record straddling a segment boundary is replayable only once the next segment arrives, so
 * a segment carries the entries that end inside it. Each entry is `bytesPerEntry` of WAL.
 * Left out: the time archive_command takes to copy 16 MB across the WAN (~0.1-0.2 s at
 * 1 Gbit/s) and the standby's restore_command polling (wal_retrieve_retry_interval 5 s): once a
 * segment reaches the archive the DR site has it, whenever it replays it.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import type { ReplicateFn } from './order-server.ts';
import { answerResync } from './resync.ts';
import { REPLICATOR_MESSAGES, type ReplEntry } from './standby-replica.ts';
import { defineProbe, emitsProbe } from '../world/probes.ts';
import { REPL_SENT as SHARED_REPL_SENT } from './common-probes.ts';

const REPL_SENT = emitsProbe(import.meta.url, SHARED_REPL_SENT);
const SEGMENT_SWITCH = defineProbe(import.meta.url, 'wal.segment-switch', 'a WAL segment was completed and archived (subject: full, or timeout for an archive_timeout switch)');

export interface WalArchiverOptions {
  /** Where the archive is (the DR standby restores from it). */
  peer: string;
  /** The primary's epoch, carried by every entry. */
  epoch: number;
  /** Size of one WAL segment in bytes (wal_segment_size). */
  segmentBytes: number;
  /** WAL bytes one entry (one order's transaction) writes. */
  bytesPerEntry: number;
  /** Force a segment switch this long after the last one if WAL was written since (0: never). */
  archiveTimeout: Micros;
}

interface Pending {
  msg: ReplEntry;
  /** WAL position just after this entry's record. */
  endLsn: number;
}

export class WalArchiver {
  /** Entries acked but not yet in a completed segment, oldest first. */
  private pending: Pending[] = [];
  /** WAL position (bytes) of the next record. */
  private insertLsn = 0;
  /** Where the current (unfinished) segment starts. */
  private segmentStartLsn = 0;
  /** Log entries [0, archivedLength) are in completed segments (what a resync may hand out). */
  private archivedLength: number;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: WalArchiverOptions,
  ) {
    // what this node's log held when it became primary was written before: count it as archived
    this.archivedLength = ctx.disk.entries.length;
    this.armTimeout();
  }

  /** The replication policy for `OrderServer`: ack now, archive with the segment. */
  readonly replicate: ReplicateFn = (entry: DiskEntry, done, index) => {
    done(true);
    this.insertLsn += this.options.bytesPerEntry;
    this.pending.push({ msg: { type: 'repl-entry', epoch: this.options.epoch, index, entry }, endLsn: this.insertLsn });
    while (this.insertLsn >= this.segmentStartLsn + this.options.segmentBytes) {
      this.segmentStartLsn += this.options.segmentBytes;
      this.switchSegment(this.segmentStartLsn, 'full');
    }
  };

  /** Entries acked to clients but not yet archived: what a site loss now would lose. */
  get unarchived(): number {
    return this.pending.length;
  }

  handle(from: string, msg: Msg): boolean {
    if (!REPLICATOR_MESSAGES.has(msg)) return false;
    if (msg.type === 'resync-request') answerResync(this.ctx, from, msg, this.options.epoch, this.archivedLength);
    return true;
  }

  /** `wal-archive-timeout` timers carry their archiver's peer, so two DR standbys' archivers keep apart. */
  onTimer(kind: string, data: unknown): boolean {
    if (kind !== 'wal-archive-timeout' || data !== this.options.peer) return false;
    this.timer = undefined;
    if (this.insertLsn > this.segmentStartLsn) {
      // the rest of the segment is padded; the next record starts a fresh one
      this.segmentStartLsn = this.insertLsn;
      this.switchSegment(this.insertLsn, 'timeout');
    } else {
      this.armTimeout();
    }
    return true;
  }

  /** Stops the timeout timer (the node is no longer primary). */
  stop(): void {
    this.ctx.cancelTimer(this.timer);
    this.timer = undefined;
  }

  /** Completes the segment ending at `endLsn`: ships every entry that ends inside it. */
  private switchSegment(endLsn: number, why: 'full' | 'timeout'): void {
    this.ctx.probe(SEGMENT_SWITCH, why);
    let shipped = 0;
    while (shipped < this.pending.length && this.pending[shipped].endLsn <= endLsn) shipped++;
    if (shipped > 0) this.ctx.probe(REPL_SENT, this.options.peer);
    for (let i = 0; i < shipped; i++) {
      const { msg } = this.pending[i];
      this.ctx.send(this.options.peer, msg);
      this.archivedLength = msg.index + 1;
    }
    this.pending = this.pending.slice(shipped);
    this.armTimeout();
  }

  /** archive_timeout counts from the last switch, forced or not. */
  private armTimeout(): void {
    this.ctx.cancelTimer(this.timer);
    this.timer = this.options.archiveTimeout > 0 ? this.ctx.setTimer(this.options.archiveTimeout, 'wal-archive-timeout', this.options.peer) : undefined;
  }
}
