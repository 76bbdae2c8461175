/**
 * Asynchronous replication, the primary's side: the ack does not wait for the standby. Each
 * entry is handed to a sender that streams it to the standby (`repl-entry`); with a
 * `flushInterval` the sender drains an in-memory queue once per interval, so a crash of the
 * primary loses what is still queued: acked orders the standby never receives. That is the
 * "potential data loss" the HA document attributes to asynchronous replication ("Write to
 * primary -> Acknowledge -> Replicate to secondary").
 *
 * It also answers resync requests, so an async standby can catch up after a rejoin when its
 * design supports that.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import type { ReplicateFn } from './order-server.ts';
import { answerResync } from './resync.ts';
import { REPLICATOR_MESSAGES, type ReplEntry } from './standby-replica.ts';
import { emitsProbe } from '../world/probes.ts';
import { REPL_SENT as SHARED_REPL_SENT } from './common-probes.ts';

const REPL_SENT = emitsProbe(import.meta.url, SHARED_REPL_SENT);

export interface AsyncReplicatorOptions {
  /** Where the stream goes. */
  peer: string;
  /** The primary's epoch, carried by every entry. */
  epoch: number;
  /** How often the sender drains its queue (0: each entry is sent as soon as it is handed over). */
  flushInterval: Micros;
}

export class AsyncReplicator {
  private queue: ReplEntry[] = [];
  private flushTimer: TimerHandle | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: AsyncReplicatorOptions,
  ) {}

  /** The replication policy for `OrderServer`: ack now, ship later. */
  readonly replicate: ReplicateFn = (entry: DiskEntry, done, index) => {
    done(true);
    const msg: ReplEntry = { type: 'repl-entry', epoch: this.options.epoch, index, entry };
    this.ctx.probe(REPL_SENT, this.options.peer);
    if (this.options.flushInterval <= 0) return this.ctx.send(this.options.peer, msg);
    this.queue.push(msg);
    this.flushTimer ??= this.ctx.setTimer(this.options.flushInterval, 'repl-flush');
  };

  /** Entries acked to clients but not yet sent: what a crash now would lose. */
  get unsent(): number {
    return this.queue.length;
  }

  handle(from: string, msg: Msg): boolean {
    if (!REPLICATOR_MESSAGES.has(msg)) return false;
    if (msg.type === 'resync-request') answerResync(this.ctx, from, msg, this.options.epoch);
    return true;
  }

  onTimer(kind: string): boolean {
    if (kind !== 'repl-flush') return false;
    this.flushTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    for (const msg of batch) this.ctx.send(this.options.peer, msg);
    return true;
  }
}
