/**
 * PostgreSQL streaming replication: the walsender on the primary, the walreceiver on a
 * standby, and synchronous commit. WAL is the node's log (one entry per order); positions are
 * counted in entries (the design converts them to bytes for Patroni).
 *
 *   primary: commit -> WAL flushed locally -> walsender ships it -> [wait for the sync standby]
 *   standby: walreceiver writes it (reply if asked) -> flushes it (reply) -> replays it (reply if asked)
 *
 * As in PostgreSQL:
 * - the walsender ships only WAL already flushed locally (`replicateAfterLocal`);
 * - `synchronous_commit` decides how far the synchronous standbys must have the commit before
 *   the commit returns: `off` (not even flushed locally: the WAL writer flushes it within
 *   `wal_writer_delay`), `local` (flushed locally, no standby), `remote_write` (written, not
 *   yet fsynced), `on` (flushed), `remote_apply` (replayed); with `synchronous_standby_names`
 *   empty every level but `off` behaves like `local`. A commit waits for the standbys *named*
 *   there, for ever: `FIRST n (a, b, c)` waits for the n connected ones listed first (priority),
 *   `ANY n (a, b, c)` for any n of them (quorum commit, PostgreSQL 10+), `'*'` for any one
 *   connected standby (syncrep.c SyncRepGetSyncRecPtr: the n-th newest position among the
 *   quorum, the oldest among the priority standbys). Changing the names re-evaluates the
 *   waiters, and emptying them releases them all (SyncRepUpdateSyncStandbysDefined);
 * - `synchronous_commit = off` (PostgreSQL docs, "Asynchronous Commit"; walwriter.c header):
 *   the commit returns once its WAL is written to the kernel, before any fsync; the WAL writer
 *   flushes every `wal_writer_delay` (200 ms). The written WAL survives a crash of PostgreSQL
 *   (page cache) and is lost with the host, and the walsender ships only flushed WAL, so a host
 *   crash loses the commits of up to one wal_writer_delay (PostgreSQL's bound is three, under
 *   load when the writer favours whole pages; at hasim's write rates one);
 * - the walsender drops a standby it has not heard from for `wal_sender_timeout`; the standby
 *   sends a status reply every `wal_receiver_status_interval` and retries a failed connection
 *   every `wal_retrieve_retry_interval`;
 * - a standby (re)connects with its timeline history; the primary streams from the end of
 *   their common history. A standby whose WAL forked off (a former primary, or one that got
 *   ahead of the promoted node) is rewound to the fork point first: pg_rewind, which Patroni
 *   runs with `use_pg_rewind: true`.
 *
 * A timeline is identified by the `term` of its entries (the design's epoch: unique per
 * promotion), so two logs agree up to the end of their common (term, start, end) runs.
 *
 * WAL recycling (with `walRecycling`): checkpoints remove the WAL nothing needs any more, within
 * the limits of the replication slots (src/parts/postgres-wal.ts); a standby that asks for
 * removed WAL is refused ("requested WAL segment has already been removed", walsender.c) and
 * retries every wal_retrieve_retry_interval, for ever: only a new base backup (`patronictl
 * reinit`) or a WAL archive brings it back; a standby with an empty data directory gets a base
 * backup (pg_basebackup, as Patroni creates a replica).
 *
 * Left out: cascading replication, checkpoints requested by `max_wal_size` (1 GB: before
 * checkpoint_timeout only above ~3.5 MB/s of WAL), base-backup time, restore_command (a WAL
 * archive), wal_writer_flush_after (1 MB: reached only above ~25 MB/s of WAL), and the
 * whole-page rule of XLogBackgroundFlush.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import type { DiskEntry, WriteDone } from '../world/disk.ts';
import type { ReplicateFn } from './order-server.ts';
import { defineProbe, emitsProbe } from '../world/probes.ts';
import { commonPrefix, WalRetention, type TimelineRun } from './postgres-wal.ts';
import { PG_MESSAGES, type PgConnect, type PgKeepalive, type PgRefuse, type PgReply, type PgStart, type PgWal } from './postgres-protocol.ts';
import { ASYNC, type PgReplicationConfig, type StandbyStatus, type SyncStandbyNames } from './postgres-settings.ts';

export { commonPrefix, timelineRuns, type TimelineRun, type WalRecycling } from './postgres-wal.ts';
import { COMMIT_WAITING as SHARED_COMMIT_WAITING, REPL_ACKED as SHARED_REPL_ACKED, REPL_SENT as SHARED_REPL_SENT } from './common-probes.ts';

const COMMIT_WAITING = emitsProbe(import.meta.url, SHARED_COMMIT_WAITING);
const REPL_SENT = emitsProbe(import.meta.url, SHARED_REPL_SENT);
const REPL_ACKED = emitsProbe(import.meta.url, SHARED_REPL_ACKED);
export const COMMIT_VISIBLE_UNACKED = defineProbe(import.meta.url, 'commit.visible-unacked', 'a client cancelled a commit waiting for its synchronous standby: committed locally and visible, never acked (subject: the order id)', { recorded: true });

/** The done of a cancelled waiter: released later with the others, it does nothing. */
const IGNORE = (): void => {};

interface WalSender extends StandbyStatus {
  streamId: number;
  sentUpTo: number;
  lastReplyUs: Micros;
}

/** Most entries per WAL message while a standby catches up. */
const CHUNK = 1000;
/** Replay lags the flush by about this much (only `remote_apply` can see it). */
const APPLY_DELAY_US: Micros = 50;

export interface ReplicationHooks {
  /** An entry arrived by replication (so a retried order is recognised after a promotion). */
  learn(orderId: string): void;
/** The log was rewound: forget what is gone. */
  relearn(): void;
  /**
   * PostgreSQL PANICs: the walreceiver could not write WAL to a failed or full disk
   * (walreceiver.c XLogWalRcvWrite: "could not write to WAL segment", PANIC, ENOSPC when the
   * write fails without errno). The whole server goes down; the design ends the process, and
   * this object is dropped with it. On a full disk it starts again and PANICs again at its next
   * WAL write: the postmaster restarts it itself (restart_after_crash), the model at Patroni's
   * next loop, a replica that cannot replicate either way.
   */
  panic(reason: string): void;
}

export class PostgresReplication {
  /** Entries of the local WAL known flushed to disk. */
  private flushed = 0;
  private isPrimary = false;
  // primary side
  private readonly senders = new Map<string, WalSender>();
  private syncNames: SyncStandbyNames = ASYNC;
  private readonly waiters: { index: number; orderId: string; done: (ok: boolean) => void }[] = [];
  private waitersHead = 0;
  private nextStreamId = 1;
  // standby side
  private upstream: string | undefined;
  /** The stream being received (0: not streaming). */
  private streamId = 0;
  private received = 0;
  private applied = 0;
  private retryTimer: TimerHandle | undefined;
  /** The standby was told its WAL is gone (noted once until it streams again). */
  private walGone = false;
  /** Checkpoints, slots and the timeline history of removed WAL. */
  private readonly wal: WalRetention;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: PgReplicationConfig,
    private readonly hooks: ReplicationHooks,
  ) {
    this.flushed = this.received = this.applied = ctx.disk.length;
    this.wal = new WalRetention(ctx);
  }

  /** Starts the standby's status timer (and the WAL writer's); call at boot. */
  start(): void {
    if (this.config.walReceiverStatusIntervalUs > 0) this.ctx.setTimer(this.config.walReceiverStatusIntervalUs, 'pg-status');
    if (this.asyncCommit) this.ctx.setTimer(this.walWriterDelayUs, 'pg-walwriter');
    if (this.config.walRecycling) this.ctx.setTimer(this.config.walRecycling.checkpointTimeoutUs, 'pg-checkpoint');
  }

  /** The primary's physical replication slots are these standbys' (see WalRetention.setSlots). */
  setSlots(standbys: readonly string[]): void {
    if (this.isPrimary) this.wal.setSlots(standbys);
  }

  /** The whole WAL's timeline runs, removed WAL included. */
  private runs(): TimelineRun[] {
    return this.wal.runs();
  }

  /** `synchronous_commit = off`: commits return before their WAL is flushed. */
  private get asyncCommit(): boolean {
    return this.config.synchronousCommit === 'off';
  }

  private get walWriterDelayUs(): Micros {
    return Math.max(this.config.walWriterDelayUs ?? 200_000, 1);
  }

  /**
   * Writes a commit's WAL for OrderServer (its `write` option). With `synchronous_commit = off`
   * it goes to the kernel only and the commit returns at once; the WAL writer flushes it later.
   */
  readonly writeWal = <T>(entry: DiskEntry, done: WriteDone<T>, arg: T): void => {
    const disk = this.ctx.disk;
    if (!this.asyncCommit) return disk.append(entry, done, arg);
    done(disk.write(entry), arg, disk.length);
  };

  /** The WAL writer's round: flush what was written since the last one, then ship it. */
  private walWriterRound(): void {
    this.ctx.setTimer(this.walWriterDelayUs, 'pg-walwriter');
    const disk = this.ctx.disk;
    const upTo = disk.length;
    if (!this.isPrimary || upTo <= this.flushed || upTo <= disk.durableLength) return;
    const last = disk.entryAt(upTo - 1);
    disk.flush((ok) => {
      if (!ok || disk.entryAt(upTo - 1) !== last || upTo <= this.flushed) return;
      this.flushed = upTo;
      for (const s of this.senders.values()) this.pump(s);
    });
  }

  /** The WAL position (entries): the insert position on a primary, the received one on a standby. */
  walPosition(): number {
    return this.ctx.disk.length;
  }

  get localFlushed(): number {
    return this.flushed;
  }

  // --- primary -----------------------------------------------------------------------------

  /** The node now runs as primary: stop receiving, start sending. */
  startPrimary(): void {
    this.follow(undefined);
    this.isPrimary = true;
    this.senders.clear();
    this.wal.dropSlots();
    this.clearWaiters();
  }

  /** The node stops being primary: walsenders exit, waiting commits are abandoned. */
  stopPrimary(): void {
    this.isPrimary = false;
    this.senders.clear();
    this.wal.dropSlots();
    this.clearWaiters();
  }

  /** Sets `synchronous_standby_names` (a reload: the waiters are re-evaluated at once). */
  setSyncStandbyNames(names: SyncStandbyNames): void {
    this.syncNames = names;
    this.release();
  }

  get syncStandbyNames(): SyncStandbyNames {
    return this.syncNames;
  }

  /** `pg_stat_replication`: the standbys whose walsender is alive. */
  standbys(): StandbyStatus[] {
    this.dropSilent();
    return [...this.senders.values()].map(({ node, write, flush, apply }) => ({ node, write, flush, apply }));
  }

  /** The replication policy for OrderServer (with `replicateAfterLocal: true`). */
  readonly replicate: ReplicateFn = (entry, done, index) => {
    // asynchronous commit: no wait for any standby; the WAL writer's flush ships it
    if (this.asyncCommit) return done(true);
    if (this.ctx.disk.entryAt(index) === entry && index + 1 > this.flushed) this.flushed = index + 1;
    this.dropSilent();
    for (const s of this.senders.values()) this.pump(s);
    if (!this.needsSyncStandby()) return done(true);
    this.ctx.probe(COMMIT_WAITING, entry.orderId);
    this.waiters.push({ index, orderId: entry.orderId, done });
    this.release();
  };

  /**
   * A client cancels a commit waiting for the synchronous standby: PostgreSQL ends the wait
   * with "WARNING: canceling wait for synchronous replication due to user request. DETAIL: The
   * transaction has already committed locally, but might not have been replicated to the
   * standby" (syncrep.c, SyncRepWaitForLSN). The commit is then visible to every other session,
   * though no standby may have it and the client got no success. Returns whether it waited.
   */
  cancelWait(orderId: string): boolean {
    for (let i = this.waitersHead; i < this.waiters.length; i++) {
      if (this.waiters[i].orderId !== orderId) continue;
      this.waiters[i].done = IGNORE;
      this.ctx.probe(COMMIT_VISIBLE_UNACKED, orderId);
      return true;
    }
    return false;
  }

  /** Whether a read sees the order: in the WAL (replayed, on a standby) and not waiting for its sync standby. */
  visible(orderId: string): boolean {
    const disk = this.ctx.disk;
    const log = disk.entries;
    const folded = disk.compactedLength;
    // a standby shows what it replayed; a primary, or a former one not yet streaming, its whole WAL
    const end = this.isPrimary || this.streamId === 0 ? disk.length : Math.min(this.applied, disk.length);
    let at = -1;
    for (let i = end - 1; i >= folded; i--) {
      if (log[i - folded].orderId === orderId) {
        at = i;
        break;
      }
    }
    // removed WAL was replayed and released long ago
    if (at < 0) return end >= folded && disk.compactedHas(orderId);
    for (let i = this.waitersHead; i < this.waiters.length; i++) if (this.waiters[i].index === at && this.waiters[i].done !== IGNORE) return false;
    return true;
  }

  private needsSyncStandby(): boolean {
    const level = this.config.synchronousCommit;
    return level !== 'local' && level !== 'off' && (this.syncNames === '*' || this.syncNames.names.length > 0);
  }

  private position(s: StandbyStatus): number {
    switch (this.config.synchronousCommit) {
      case 'remote_write':
        return s.write;
      case 'remote_apply':
        return s.apply;
      default:
        return s.flush;
    }
  }

  /** Releases the waiting commits the synchronous standby now has. */
  private release(): void {
    if (this.waitersHead >= this.waiters.length) return;
    const sync = this.needsSyncStandby();
    const reached = sync ? this.syncReached() : Infinity;
    while (this.waitersHead < this.waiters.length && this.waiters[this.waitersHead].index < reached) {
      this.waiters[this.waitersHead++].done(true);
    }
    if (this.waitersHead === this.waiters.length) this.clearWaiters();
  }

  /** How far every commit is confirmed by the standbys `synchronous_standby_names` asks for (SyncRepGetSyncRecPtr). */
  private syncReached(): number {
    const names = this.syncNames;
    if (names === '*') {
      let reached = 0;
      for (const s of this.senders.values()) reached = Math.max(reached, this.position(s));
      return reached;
    }
    const num = Math.max(1, Math.min(names.num, names.names.length));
    if (names.method === 'first') {
      // the num connected standbys listed first are the synchronous ones; the oldest of them counts
      let reached = Infinity;
      let counted = 0;
      for (const name of names.names) {
        const s = this.senders.get(name);
        if (!s) continue;
        reached = Math.min(reached, this.position(s));
        if (++counted === num) return reached;
      }
      return 0;
    }
    // quorum: the num-th newest position among the connected listed standbys
    const positions: number[] = [];
    for (const name of names.names) {
      const s = this.senders.get(name);
      if (s) positions.push(this.position(s));
    }
    if (positions.length < num) return 0;
    positions.sort((a, b) => b - a);
    return positions[num - 1];
  }

  private clearWaiters(): void {
    this.waiters.length = 0;
    this.waitersHead = 0;
  }

  private dropSilent(): void {
    if (this.config.walSenderTimeoutUs <= 0) return;
    const now = this.ctx.monotonic();
    for (const [node, s] of this.senders) {
      if (now - s.lastReplyUs > this.config.walSenderTimeoutUs) {
        this.senders.delete(node);
        this.ctx.note(`postgres: walsender to ${node} timed out`);
      }
    }
  }

  private pump(s: WalSender): void {
    const disk = this.ctx.disk;
    const log = disk.entries;
    const folded = disk.compactedLength;
    const end = Math.min(this.flushed, disk.length);
    const wantWrite = this.config.synchronousCommit === 'remote_write';
    const wantApply = this.config.synchronousCommit === 'remote_apply';
    if (s.sentUpTo < folded && s.sentUpTo < end) {
      // the walsender's next WAL was removed under it (no slot held it)
      this.senders.delete(s.node);
      this.ctx.send(s.node, { type: 'pg-refuse', streamId: s.streamId, walRemoved: true } satisfies PgRefuse);
      return;
    }
    while (s.sentUpTo < end) {
      const n = Math.min(end - s.sentUpTo, CHUNK);
      const entries = log.slice(s.sentUpTo - folded, s.sentUpTo - folded + n);
      this.ctx.probe(REPL_SENT, s.node);
      this.ctx.send(s.node, { type: 'pg-wal', streamId: s.streamId, start: s.sentUpTo, entries, wantWrite, wantApply } satisfies PgWal);
      s.sentUpTo += n;
    }
  }

  private onConnect(from: string, msg: PgConnect): void {
    if (!this.isPrimary) {
      this.ctx.send(from, { type: 'pg-refuse', streamId: 0 } satisfies PgRefuse);
      return;
    }
    const disk = this.ctx.disk;
    const folded = disk.compactedLength;
    const common = commonPrefix(this.runs(), msg.runs);
    // an empty data directory is cloned (pg_basebackup); a standby needing removed WAL is refused
    const backup = common < folded && msg.runs.length === 0 ? { snapshot: disk.snapshot(folded), history: this.wal.history() } : undefined;
    if (common < folded && !backup) {
      this.ctx.send(from, { type: 'pg-refuse', streamId: 0, walRemoved: true } satisfies PgRefuse);
      return;
    }
    const from0 = backup ? folded : common;
    const s: WalSender = {
      node: from,
      streamId: this.nextStreamId++,
      sentUpTo: from0,
      write: from0,
      flush: backup ? from0 : Math.min(common, msg.flushed),
      apply: backup ? from0 : Math.min(common, msg.applied),
      lastReplyUs: this.ctx.monotonic(),
    };
    this.senders.set(from, s);
    this.ctx.send(from, { type: 'pg-start', streamId: s.streamId, from: from0, ...(backup ? { backup } : {}) } satisfies PgStart);
    this.pump(s);
  }

  private onReply(from: string, msg: PgReply): void {
    const s = this.senders.get(from);
    if (!this.isPrimary || !s || s.streamId !== msg.streamId) {
      // no walsender for this stream (it timed out, or we restarted): the standby must reconnect
      this.ctx.send(from, { type: 'pg-refuse', streamId: msg.streamId } satisfies PgRefuse);
      return;
    }
    s.write = Math.max(s.write, msg.write);
    s.flush = Math.max(s.flush, msg.flush);
    s.apply = Math.max(s.apply, msg.apply);
    s.lastReplyUs = this.ctx.monotonic();
    this.wal.advanceSlot(from, msg.flush);
    this.ctx.probe(REPL_ACKED, from);
    if (msg.status) this.ctx.send(from, { type: 'pg-keepalive', streamId: s.streamId, sentUpTo: s.sentUpTo } satisfies PgKeepalive);
    this.release();
  }

  // --- standby -----------------------------------------------------------------------------

  /** Points the walreceiver at `primary` (`primary_conninfo`); undefined stops it. */
  follow(primary: string | undefined): void {
    if (primary === this.upstream) return;
    this.upstream = primary;
    this.streamId = 0;
    this.connect();
  }

  get following(): string | undefined {
    return this.upstream;
  }

  get streaming(): boolean {
    return this.streamId !== 0;
  }

  private connect(): void {
    this.streamId = 0;
    this.ctx.cancelTimer(this.retryTimer);
    this.retryTimer = undefined;
    if (this.upstream === undefined) return;
    this.ctx.send(this.upstream, { type: 'pg-connect', runs: this.runs(), flushed: this.flushed, applied: this.applied } satisfies PgConnect);
    this.retryTimer = this.ctx.setTimer(this.config.walRetrieveRetryIntervalUs, 'pg-retry');
  }

  private onStart(from: string, msg: PgStart): void {
    // the latest start wins: it belongs to the walsender the primary keeps for us
    if (from !== this.upstream) return;
    this.ctx.cancelTimer(this.retryTimer);
    this.retryTimer = undefined;
    const at = msg.from;
    const disk = this.ctx.disk;
    if (msg.backup) {
      if (disk.failed) return;
      this.ctx.note(`pg_basebackup: data directory cloned from ${from} (WAL before entry ${at} removed there)`);
      this.wal.restoreBackup(msg.backup.snapshot, msg.backup.history);
      this.flushed = this.applied = at;
      this.hooks.relearn();
    } else if (at < disk.compactedLength) {
      // pg_rewind would need WAL this node removed: it fails, and the standby stays behind
      this.ctx.note(`pg_rewind: could not find the WAL before entry ${disk.compactedLength} (forked off ${from}'s timeline at ${at})`);
      this.retryTimer = this.ctx.setTimer(this.config.walRetrieveRetryIntervalUs, 'pg-retry');
      return;
    } else if (at < disk.length) {
      this.ctx.note(`pg_rewind: WAL after entry ${at} discarded (forked off ${from}'s timeline)`);
      disk.truncate(at);
      this.hooks.relearn();
    }
    this.walGone = false;
    this.received = at;
    this.flushed = Math.min(this.flushed, at);
    this.applied = Math.min(this.applied, at);
    this.streamId = msg.streamId;
  }

  private onWal(from: string, msg: PgWal): void {
    if (from !== this.upstream || msg.streamId !== this.streamId || this.streamId === 0) return;
    if (msg.start !== this.received) return this.connect(); // a gap: WAL was lost on the way
    const disk = this.ctx.disk;
    // a dead or full disk takes the server down at its first WAL write, instead of a walreceiver
    // that drops every message and reconnects at once, for ever (a storm of full resends)
    if (disk.failed) return this.hooks.panic('could not write to WAL segment: I/O error');
    if (disk.full || disk.length >= disk.capacityEntries) return this.hooks.panic('could not write to WAL segment: No space left on device');
    const wantApply = msg.wantApply === true;
    for (const entry of msg.entries) {
      // the entry rides as the write's argument and its position comes back with the completion: no closure per entry
      disk.append(entry, wantApply ? this.onFlushedToApply : this.onFlushedToKeep, entry);
      this.hooks.learn(entry.orderId);
    }
    this.received = disk.length;
    if (msg.wantWrite) this.reply(false);
  }

  private readonly onFlushedToApply = (ok: boolean, entry: DiskEntry, upTo: number): void => this.onFlushed(upTo - 1, entry, ok, true);
  private readonly onFlushedToKeep = (ok: boolean, entry: DiskEntry, upTo: number): void => this.onFlushed(upTo - 1, entry, ok, false);

  private onFlushed(index: number, entry: DiskEntry, ok: boolean, wantApply: boolean): void {
    // an entry rewound away meanwhile no longer counts
    if (!ok || this.ctx.disk.entryAt(index) !== entry) return;
    if (index + 1 > this.flushed) this.flushed = index + 1;
    if (this.isPrimary) return;
    if (wantApply) {
      this.ctx.setTimer(APPLY_DELAY_US, 'pg-apply', { index, entry });
    } else {
      this.applied = Math.max(this.applied, this.flushed);
    }
    this.reply(false);
  }

  private reply(status: boolean): void {
    if (this.upstream === undefined || this.streamId === 0) return;
    this.ctx.send(this.upstream, { type: 'pg-reply', streamId: this.streamId, write: this.received, flush: this.flushed, apply: this.applied, status } satisfies PgReply);
  }

  /**
   * The kernel reset the connection to `peer`'s PostgreSQL (it was killed while its host
   * lives): on the primary its walsender exits at once ("unexpected EOF on standby
   * connection"), so it no longer counts for synchronous commit; on a standby streaming from
   * it the walreceiver ends and retries after wal_retrieve_retry_interval.
   */
  onConnectionReset(peer: string): void {
    if (this.senders.delete(peer)) {
      this.ctx.note(`postgres: walsender to ${peer} exited (connection reset)`);
      this.release();
    }
    if (peer === this.upstream && this.streamId !== 0) {
      this.streamId = 0;
      this.ctx.cancelTimer(this.retryTimer);
      this.retryTimer = this.ctx.setTimer(this.config.walRetrieveRetryIntervalUs, 'pg-retry');
    }
  }

  handle(from: string, msg: Msg): boolean {
    if (!PG_MESSAGES.has(msg)) return false;
    switch (msg.type) {
      case 'pg-connect':
        this.onConnect(from, msg);
        return true;
      case 'pg-reply':
        this.onReply(from, msg);
        return true;
      case 'pg-start':
        this.onStart(from, msg);
        return true;
      case 'pg-wal':
        this.onWal(from, msg);
        return true;
      case 'pg-keepalive':
        // WAL sent before the keepalive arrives before it (links are FIFO): a shortfall was lost
        if (from === this.upstream && msg.streamId === this.streamId && msg.sentUpTo > this.received) this.connect();
        return true;
      case 'pg-refuse':
        if (from !== this.upstream) return true;
        if (msg.walRemoved === true && !this.walGone) {
          // walsender.c: the standby retries every wal_retrieve_retry_interval, for ever
          this.walGone = true;
          this.ctx.note(`postgres: could not receive data from WAL stream: requested WAL segment has already been removed (on ${from}; needs a new base backup)`);
        }
        if (msg.streamId === this.streamId && this.streamId !== 0) {
          this.streamId = 0;
          if (msg.walRemoved === true) this.retryTimer ??= this.ctx.setTimer(this.config.walRetrieveRetryIntervalUs, 'pg-retry');
          else this.connect();
        }
        return true;
    }
  }

  onTimer(kind: string, data: unknown): boolean {
    switch (kind) {
      case 'pg-status':
        this.ctx.setTimer(this.config.walReceiverStatusIntervalUs, 'pg-status');
        if (this.streamId !== 0) this.reply(true);
        return true;
      case 'pg-walwriter':
        this.walWriterRound();
        return true;
      case 'pg-checkpoint':
        if (this.config.walRecycling) {
          this.ctx.setTimer(this.config.walRecycling.checkpointTimeoutUs, 'pg-checkpoint');
          this.wal.checkpoint(this.config.walRecycling, Math.min(this.flushed, this.ctx.disk.durableLength), this.isPrimary);
        }
        return true;
      case 'pg-retry':
        this.retryTimer = undefined;
        if (this.streamId === 0) this.connect();
        return true;
      case 'pg-apply': {
        const { index, entry } = data as { index: number; entry: DiskEntry };
        if (this.ctx.disk.entryAt(index) !== entry || this.isPrimary) return true;
        this.applied = Math.max(this.applied, index + 1);
        this.reply(false);
        return true;
      }
      default:
        return false;
    }
  }
}
