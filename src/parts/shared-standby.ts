/**
 * The log of a shared standby (N+1): one node follows N primaries at once, one per shard, and
 * keeps every shard's entries in its single durable log, each tagged with its shard:
 *
 *   disk: x1(shard1) y1(shard2) x2(shard1) z1(shard3) y2(shard2) ...
 *
 * Per shard it applies the primary's stream (`repl-entry`, positions in that primary's log) in
 * order, acks its durable length for synchronous replication (`repl-ack`), ignores streams of
 * an older epoch than the newest it knows for the shard (a deposed primary), and after a gap or
 * a conflicting entry asks the primary for a resync (`resync.ts`). A resync that drops some of
 * the shard's entries rewrites the whole log without them (the other shards keep theirs, in
 * order). When the node serves a shard itself (it took it over) that shard's stream is
 * ignored, and its own new entries are tagged as they are written.
 *
 * `sendCopy` ships the node's copy of one shard to its returning primary (failback).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import type { ResyncReply, ResyncRequest } from './resync.ts';
import { STANDBY_MESSAGES, type ReplAck, type ReplEntry } from './standby-replica.ts';

/** One shard's log, handed back to its primary. */
export interface ShardLog extends Msg {
  type: 'nplus1-handback';
  shard: string;
  /** The newest epoch the standby knows for the shard (its own, if it served it). */
  epoch: number;
  entries: DiskEntry[];
}

export interface SharedStandbyOptions {
  shards: readonly string[];
  /** The node that is the shard's own primary. */
  primaryOf(shard: string): string;
  /** Resend an unanswered resync request after this long (default 1 s). */
  resyncRetry?: Micros;
}

interface ShardState {
  /** Order ids of the shard in log order (`ids.length` is the shard's log length). */
  ids: string[];
  /** How many leading entries of the shard are durable. */
  durable: number;
  /** The newest epoch known for the shard. */
  epoch: number;
  resyncing: number | undefined;
}

const EPOCHS_KEY = 'shared-standby-epochs';

export class SharedStandby {
  readonly shards: readonly string[];
  private readonly state = new Map<string, ShardState>();
  private readonly shardOfPrimary = new Map<string, string>();
  private nextRequestId = 1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: SharedStandbyOptions,
  ) {
    this.shards = options.shards;
    const epochs = (ctx.disk.get(EPOCHS_KEY) as Record<string, number> | undefined) ?? {};
    for (const shard of options.shards) {
      this.state.set(shard, { ids: [], durable: 0, epoch: epochs[shard] ?? 1, resyncing: undefined });
      this.shardOfPrimary.set(options.primaryOf(shard), shard);
    }
    // after a restart the disk holds only durable entries
    for (const entry of ctx.disk.entries) {
      const s = this.state.get(entry.shard as string);
      if (s) s.durable = s.ids.push(entry.orderId);
    }
  }

  epochOf(shard: string): number {
    return this.state.get(shard)!.epoch;
  }

  lengthOf(shard: string): number {
    return this.state.get(shard)!.ids.length;
  }

  epochs(): Record<string, number> {
    return Object.fromEntries(this.shards.map((s) => [s, this.epochOf(s)]));
  }

  /** A primary announced its epoch (in a heartbeat). */
  sawEpoch(shard: string, epoch: number): void {
    if (epoch > this.epochOf(shard)) this.setEpoch(shard, epoch);
  }

  /** This node now serves `shard` at `epoch`: the shard's own primary is deposed. */
  takeOver(shard: string, epoch: number): void {
    this.state.get(shard)!.resyncing = undefined;
    this.setEpoch(shard, epoch);
  }

  /** This node, serving `shard`, wrote `entry` to its log: tag it. */
  appendedOwn(shard: string, entry: DiskEntry): void {
    entry.shard = shard;
    const s = this.state.get(shard)!;
    s.ids.push(entry.orderId);
  }

  /** Sends this node's copy of `shard` to `to`. */
  sendCopy(to: string, shard: string): void {
    const entries = this.ctx.disk.entries.filter((e) => e.shard === shard).map((e) => ({ orderId: e.orderId, term: e.term }));
    const copy: ShardLog = { type: 'nplus1-handback', shard, epoch: this.epochOf(shard), entries };
    this.ctx.send(to, copy);
  }

  /** Handles replication traffic; `serving` is the shard this node serves itself, if any. */
  handle(from: string, msg: Msg, serving: string | undefined): boolean {
    const shard = this.shardOfPrimary.get(from);
    if (!STANDBY_MESSAGES.has(msg)) return false;
    if (!shard || shard === serving) return true;
    if (msg.type === 'repl-entry') this.onEntry(shard, msg);
    else if (msg.type === 'resync-reply') this.onResyncReply(shard, msg);
    return true;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind !== 'shared-standby-resync') return false;
    const { shard, requestId } = data as { shard: string; requestId: number };
    if (this.state.get(shard)!.resyncing === requestId) this.requestResync(shard);
    return true;
  }

  private onEntry(shard: string, msg: ReplEntry): void {
    const s = this.state.get(shard)!;
    if (msg.epoch < s.epoch) return; // a deposed primary
    if (msg.epoch > s.epoch) this.setEpoch(shard, msg.epoch);
    if (s.resyncing !== undefined) return;
    if (msg.index === s.ids.length) return this.append(shard, msg.entry);
    if (msg.index < s.ids.length && s.ids[msg.index] === msg.entry.orderId) return this.ack(shard);
    this.requestResync(shard); // a gap or a conflict
  }

  private append(shard: string, entry: DiskEntry): void {
    const s = this.state.get(shard)!;
    const position = s.ids.push(entry.orderId);
    this.ctx.disk.append({ orderId: entry.orderId, term: entry.term, shard }, (ok) => {
      if (!ok || s.ids[position - 1] !== entry.orderId) return;
      s.durable = Math.max(s.durable, position);
      this.ack(shard);
    });
  }

  private ack(shard: string): void {
    const s = this.state.get(shard)!;
    const ack: ReplAck = { type: 'repl-ack', epoch: s.epoch, durableLength: s.durable };
    this.ctx.send(this.options.primaryOf(shard), ack);
  }

  private requestResync(shard: string): void {
    const s = this.state.get(shard)!;
    const requestId = this.nextRequestId++;
    s.resyncing = requestId;
    const request: ResyncRequest = { type: 'resync-request', requestId, ids: [...s.ids] };
    this.ctx.send(this.options.primaryOf(shard), request);
    this.ctx.setTimer(this.options.resyncRetry ?? 1_000_000, 'shared-standby-resync', { shard, requestId });
  }

  private onResyncReply(shard: string, msg: ResyncReply): void {
    const s = this.state.get(shard)!;
    if (s.resyncing !== msg.requestId || msg.epoch < s.epoch) return;
    s.resyncing = undefined;
    if (msg.epoch > s.epoch) this.setEpoch(shard, msg.epoch);
    if (msg.keep < s.ids.length) this.dropTail(shard, msg.keep);
    for (const entry of msg.entries) this.append(shard, entry);
    if (msg.entries.length === 0) this.ack(shard);
  }

  /** Rewrites the log without the shard's entries from position `keep` on. */
  private dropTail(shard: string, keep: number): void {
    const disk = this.ctx.disk;
    let seen = 0;
    const kept = disk.entries.filter((e) => e.shard !== shard || seen++ < keep);
    disk.truncate(0);
    for (const s of this.state.values()) {
      s.ids = [];
      s.durable = 0;
    }
    for (const entry of kept) {
      const s = this.state.get(entry.shard as string);
      if (!s) continue;
      const position = s.ids.push(entry.orderId);
      disk.append(entry, (ok) => {
        if (ok && s.ids[position - 1] === entry.orderId) s.durable = Math.max(s.durable, position);
      });
    }
  }

  private setEpoch(shard: string, epoch: number): void {
    this.state.get(shard)!.epoch = epoch;
    this.ctx.disk.put(EPOCHS_KEY, this.epochs());
  }
}
