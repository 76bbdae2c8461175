/**
 * The standby's side of log shipping: it appends the entries a primary streams to it
 * (`repl-entry`, each with its log position and the primary's epoch) and, for synchronous
 * replication, acks the length of its durable log (`repl-ack`) so the primary can ack clients.
 *
 * With `catchUp` (every design but the naive one) the replica accepts a stream only from the
 * (primary, epoch) it last resynced with, and only in order: an entry from a new primary, a
 * gap (messages lost in a partition) or a conflicting entry triggers a resync (see
 * `resync.ts`); an entry from an older epoch than the one followed is a deposed primary's and
 * is ignored. Without `catchUp` it appends whatever arrives, in arrival order: the HA
 * document's secondary, which has no notion of positions, epochs or catching up.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import { messageKinds } from '../world/messages.ts';
import { resyncRequest, type ResyncReply, type ResyncRequest } from './resync.ts';

export interface ReplEntry extends Msg {
  type: 'repl-entry';
  epoch: number;
  /** Position of the entry in the primary's log. */
  index: number;
  entry: DiskEntry;
}

export interface ReplAck extends Msg {
  type: 'repl-ack';
  epoch: number;
  /** How many leading entries of the standby's log are durable (and match the primary's). */
  durableLength: number;
}

/** The primary tells a caught-up standby it is synchronous again (DRBD's UpToDate). */
export interface ReplInSync extends Msg {
  type: 'repl-in-sync';
  epoch: number;
}

/** What a standby receives from its primary. */
export const STANDBY_MESSAGES = messageKinds<ReplEntry | ResyncReply | ReplInSync>('repl-entry', 'resync-reply', 'repl-in-sync');
/** What a primary's replicator receives from its standby. */
export const REPLICATOR_MESSAGES = messageKinds<ReplAck | ResyncRequest>('repl-ack', 'resync-request');

export interface StandbyReplicaOptions {
  /** Check positions and epochs and resync when needed (false: append whatever arrives). */
  catchUp: boolean;
  /**
   * Without `catchUp`, still ack each append once durable (the sender's synchronous
   * replication needs the ack); with `catchUp` acks are always sent.
   */
  ackAppends?: boolean;
  /** Resend an unanswered resync request after this long (default 1 s). */
  resyncRetry?: Micros;
  /** An entry was appended (e.g. `OrderServer.learn`, so a retried order is recognised). */
  onAppended?(entry: DiskEntry): void;
  /** A resync rewrote the log (e.g. `OrderServer.relearnLog`). */
  onResynced?(primary: string, epoch: number): void;
  /** The primary declared this replica synchronous (caught up). */
  onInSync?(primary: string, epoch: number): void;
}

export class StandbyReplica {
  /** The (primary, epoch) whose stream this replica applies. */
  source: { node: string; epoch: number } | undefined;
  private resyncing: { node: string; epoch: number; requestId: number } | undefined;
  /** The newest primary epoch this replica has followed or asked to follow. */
  private newestEpoch = -Infinity;
  private nextRequestId = 1;
  private active = true;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: StandbyReplicaOptions,
  ) {}

  /** Stops applying streams (this node became primary). */
  stop(): void {
    this.active = false;
    this.source = undefined;
    this.resyncing = undefined;
  }

  /** Applies streams again (this node is a standby). */
  start(): void {
    this.active = true;
  }

  /** Whether the log is a synced copy of `primary`'s at `epoch`. */
  following(primary: string, epoch: number): boolean {
    return this.source?.node === primary && this.source.epoch === epoch;
  }

  /** Follows `primary` at `epoch` (learned from a stream, a lease or a heartbeat): resyncs first. */
  follow(primary: string, epoch: number): void {
    if (!this.active || !this.options.catchUp || this.following(primary, epoch)) return;
    if (epoch < this.newestEpoch) return; // a deposed primary
    if (this.resyncing && this.resyncing.node === primary && this.resyncing.epoch === epoch) return;
    this.requestResync(primary, epoch);
  }

  handle(from: string, msg: Msg): boolean {
    if (!STANDBY_MESSAGES.has(msg)) return false;
    switch (msg.type) {
      case 'repl-entry':
        this.onEntry(from, msg);
        return true;
      case 'resync-reply':
        this.onResyncReply(from, msg);
        return true;
      case 'repl-in-sync':
        if (this.active && this.following(from, msg.epoch)) this.options.onInSync?.(from, msg.epoch);
        return true;
    }
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind !== 'resync-retry') return false;
    const r = this.resyncing;
    if (r && r.requestId === data) this.requestResync(r.node, r.epoch);
    return true;
  }

  /** A failed or full disk takes no writes: the replica is diskless until it is fixed. */
  private diskless(): boolean {
    return this.ctx.disk.failed || this.ctx.disk.full;
  }

  private onEntry(from: string, msg: ReplEntry): void {
    if (!this.active || this.diskless()) return;
    const disk = this.ctx.disk;
    if (!this.options.catchUp) {
      disk.append(msg.entry, (ok) => {
        if (ok && this.options.ackAppends) this.ctx.send(from, { type: 'repl-ack', epoch: msg.epoch, durableLength: disk.durableLength } satisfies ReplAck);
      });
      this.options.onAppended?.(msg.entry);
      return;
    }
    if (!this.following(from, msg.epoch)) return this.follow(from, msg.epoch);
    const length = disk.length;
    if (msg.index === length) {
      this.append(msg.entry, true);
    } else if (msg.index < length && disk.entries[msg.index].orderId === msg.entry.orderId) {
      // already have it (it came with a resync reply): ack if durable, its own fsync acks otherwise
      if (msg.index < disk.durableLength) this.ack();
    } else {
      this.requestResync(from, msg.epoch); // a gap or a conflict
    }
  }

  private onResyncReply(from: string, msg: ResyncReply): void {
    const r = this.resyncing;
    if (!this.active || !r || r.node !== from || r.requestId !== msg.requestId || this.diskless()) return;
    this.resyncing = undefined;
    this.source = { node: from, epoch: msg.epoch };
    this.newestEpoch = Math.max(this.newestEpoch, msg.epoch);
    const disk = this.ctx.disk;
    disk.truncate(msg.keep);
    msg.entries.forEach((entry, i) => this.append(entry, i === msg.entries.length - 1));
    this.options.onResynced?.(from, msg.epoch);
    if (msg.entries.length === 0) this.ack();
  }

  private append(entry: DiskEntry, ackWhenDurable: boolean): void {
    const source = this.source;
    this.ctx.disk.append(entry, (ok) => {
      if (ok && ackWhenDurable && this.source === source) this.ack();
    });
    this.options.onAppended?.(entry);
  }

  private ack(): void {
    if (!this.source) return;
    const ack: ReplAck = { type: 'repl-ack', epoch: this.source.epoch, durableLength: this.ctx.disk.durableLength };
    this.ctx.send(this.source.node, ack);
  }

  private requestResync(primary: string, epoch: number): void {
    if (this.diskless()) {
      // nothing could be written: ask again later
      this.resyncing = { node: primary, epoch, requestId: this.nextRequestId++ };
      this.source = undefined;
      this.ctx.setTimer(this.options.resyncRetry ?? 1_000_000, 'resync-retry', this.resyncing.requestId);
      return;
    }
    const requestId = this.nextRequestId++;
    this.newestEpoch = Math.max(this.newestEpoch, epoch);
    this.resyncing = { node: primary, epoch, requestId };
    this.source = undefined;
    this.ctx.send(primary, resyncRequest(this.ctx, requestId));
    this.ctx.setTimer(this.options.resyncRetry ?? 1_000_000, 'resync-retry', requestId);
  }
}
