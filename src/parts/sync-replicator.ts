/**
 * Synchronous replication, the primary's side: an entry may be acked to its client only once
 * the standby has it durably (its `repl-ack` covers the entry's position) as well as the
 * primary: the cost is a round trip plus the standby's fsync on every order, the gain is that
 * a standby promoted after a primary crash holds every acked order.
 *
 * When the standby stops answering, entries wait. `stallTimeout` later `onStalled` fires and
 * the design decides (`stallPolicy`):
 *
 * - `block`: keep waiting (PostgreSQL with `synchronous_standby_names` set: commits hang);
 * - `async-after-timeout`: fall back to asynchronous at once (MySQL semi-sync after
 *   `rpl_semi_sync_master_timeout`, 10 s by default), and return to sync when the standby has
 *   caught up: acked orders written meanwhile exist only on the primary;
 * - a design may instead call `continueAlone()` itself once it is *safe* to: after fencing the
 *   standby (Pacemaker + DRBD), or once a witness has recorded that the standby is out of date
 *   (so it can never be promoted with a stale log).
 *
 * In `alone` mode entries are still streamed; when the standby's ack covers the whole log the
 * replicator is synchronous again and calls `onCaughtUp`. Either way the standby is told once
 * it is caught up (`repl-in-sync`, DRBD's UpToDate): only then may it be promoted on its own.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import type { ReplicateFn } from './order-server.ts';
import { answerResync } from './resync.ts';
import { REPLICATOR_MESSAGES, type ReplEntry, type ReplInSync } from './standby-replica.ts';
import { emitsProbe } from '../world/probes.ts';
import { COMMIT_WAITING as SHARED_COMMIT_WAITING, REPL_ACKED as SHARED_REPL_ACKED, REPL_SENT as SHARED_REPL_SENT } from './common-probes.ts';

const COMMIT_WAITING = emitsProbe(import.meta.url, SHARED_COMMIT_WAITING);
const REPL_SENT = emitsProbe(import.meta.url, SHARED_REPL_SENT);
const REPL_ACKED = emitsProbe(import.meta.url, SHARED_REPL_ACKED);

export type StallPolicy = 'block' | 'async-after-timeout';

export interface SyncReplicatorOptions {
  peer: string;
  epoch: number;
  /** Start without waiting for the standby: it is known to be behind (e.g. just fenced). */
  startAlone: boolean;
  /** How long an entry may wait for the standby before the replicator is stalled. */
  stallTimeout: Micros;
  /** What a stall does by itself (a design may also react in `onStalled`). */
  stallPolicy: StallPolicy;
  onStalled?(): void;
  /** The standby holds the whole log again: acks wait for it from now on. */
  onCaughtUp?(): void;
}

interface Waiting {
  index: number;
  done: (ok: boolean) => void;
  since: Micros;
}

export class SyncReplicator {
  mode: 'sync' | 'alone';
  /** The standby's durable log length in this epoch, as last acked. */
  ackedLength = 0;
  private waiting: Waiting[] = [];
  private stallTimer: TimerHandle | undefined;
  private stalledNow = false;
  private stopped = false;
  /** Whether the standby has been told it is caught up since the last `continueAlone`. */
  private announced = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: SyncReplicatorOptions,
  ) {
    this.mode = options.startAlone ? 'alone' : 'sync';
  }

  /** The replication policy for `OrderServer`. */
  readonly replicate: ReplicateFn = (entry, done, index) => {
    if (this.stopped) return done(false);
    const msg: ReplEntry = { type: 'repl-entry', epoch: this.options.epoch, index, entry };
    this.ctx.probe(REPL_SENT, this.options.peer);
    this.ctx.send(this.options.peer, msg);
    if (this.mode === 'alone' || index < this.ackedLength) return done(true);
    this.ctx.probe(COMMIT_WAITING, entry.orderId);
    this.waiting.push({ index, done, since: this.ctx.monotonic() });
    this.armStallTimer(this.options.stallTimeout);
  };

  /** Some entry has waited `stallTimeout` for the standby and still waits. */
  get stalled(): boolean {
    return this.stalledNow && this.waiting.length > 0;
  }

  /** The standby's acks have covered the whole log since the replicator last went alone. */
  get standbyCaughtUp(): boolean {
    return this.announced;
  }

  /** Entries waiting for the standby. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Acks without the standby from now on (and releases every waiting entry). */
  continueAlone(): void {
    if (this.stopped) return;
    this.mode = 'alone';
    this.announced = false;
    this.stalledNow = false;
    this.ctx.cancelTimer(this.stallTimer);
    this.stallTimer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.done(true);
  }

  /** This epoch is over (demotion): nothing more is acked. */
  stop(): void {
    this.stopped = true;
    this.ctx.cancelTimer(this.stallTimer);
    this.waiting = [];
  }

  handle(from: string, msg: Msg): boolean {
    if (!REPLICATOR_MESSAGES.has(msg)) return false;
    if (msg.type === 'resync-request') {
      if (!this.stopped && from === this.options.peer) answerResync(this.ctx, from, msg, this.options.epoch);
      return true;
    }
    const ack = msg;
    if (this.stopped || from !== this.options.peer || ack.epoch !== this.options.epoch) return true;
    this.onAck(ack.durableLength);
    return true;
  }

  onTimer(kind: string): boolean {
    if (kind !== 'sync-stall') return false;
    this.stallTimer = undefined;
    const oldest = this.waiting[0];
    if (!oldest || this.mode === 'alone') return true;
    const waited = this.ctx.monotonic() - oldest.since;
    if (waited < this.options.stallTimeout) {
      this.armStallTimer(this.options.stallTimeout - waited);
      return true;
    }
    if (!this.stalledNow) {
      this.stalledNow = true;
      this.options.onStalled?.();
    }
    if (this.options.stallPolicy === 'async-after-timeout') this.continueAlone();
    else this.armStallTimer(this.options.stallTimeout);
    return true;
  }

  private onAck(durableLength: number): void {
    if (durableLength <= this.ackedLength) return;
    this.ackedLength = durableLength;
    this.ctx.probe(REPL_ACKED, this.options.peer);
    let released = 0;
    while (released < this.waiting.length && this.waiting[released].index < durableLength) released++;
    if (released > 0) {
      const done = this.waiting.splice(0, released);
      this.stalledNow = false;
      for (const w of done) w.done(true);
    }
    if (!this.announced && durableLength >= this.ctx.disk.length) {
      this.announced = true;
      const inSync: ReplInSync = { type: 'repl-in-sync', epoch: this.options.epoch };
      this.ctx.send(this.options.peer, inSync);
      if (this.mode === 'alone') {
        this.mode = 'sync';
        this.options.onCaughtUp?.();
      }
    }
  }

  private armStallTimer(after: Micros): void {
    if (this.stallTimer) return;
    this.stallTimer = this.ctx.setTimer(after, 'sync-stall');
  }
}
