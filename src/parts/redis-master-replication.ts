/**
 * The master side of Redis 7 replication (replication.c): the replicas a master streams to,
 * their PSYNC, the diskless full resync's fork, the stream, their REPLCONF ACKs, and the
 * replicationCron duties (dropping a replica silent for repl-timeout, pinging every
 * repl-ping-replica-period).
 *
 * - PSYNC <replid> <offset>: if the master knows that history (its replid, or its previous
 *   replid up to the offset where it was promoted: PSYNC2) and the offset is still in the
 *   bounded backlog (`repl-backlog-size`, redis-dataset.ts), +CONTINUE and the stream goes on;
 *   else a full resync;
 * - a full resync is the default diskless sync (redis.conf `repl-diskless-sync yes`,
 *   `repl-diskless-sync-delay 5`; replication.c 7.2.4): the master does not answer the PSYNC
 *   until it forks the RDB child, `repl-diskless-sync-delay` after the first waiting replica
 *   (shouldStartChildReplication: `max_idle >= repl_diskless_sync_delay`); replicas waiting
 *   then share that fork. The RDB is the dataset at the fork; the writes after it follow as
 *   the stream;
 * - min-replicas-to-write counts the replicas whose last ack is at most min-replicas-max-lag
 *   whole seconds old (Redis compares unixtime), once the master forked for them
 *   (refreshGoodSlavesCount counts online replicas).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';
import type { DiskSnapshot } from '../world/disk.ts';
import type { RedisConfig, ReplContinue, ReplData, ReplFullResync, ReplWaitBgsave } from './redis-protocol.ts';
import type { RedisDataset } from './redis-dataset.ts';

/** The fork of a diskless full resync's timer kind. */
export const FORK_TIMER = 'redis-fork';

interface ReplicaLink {
  ackOffset: number;
  lastAckUs: Micros;
  sentUpTo: number;
  /** Waiting for the RDB fork of a full resync (SLAVE_STATE_WAIT_BGSAVE_START): nothing is streamed yet. */
  waitingBgsave: boolean;
}

export interface MasterReplicationOptions {
  config: RedisConfig;
  dataset: RedisDataset;
  /** replicationCron's period. */
  cronUs: Micros;
  /** Whether this server is the master now. */
  isMaster(): boolean;
  /** This master's replication id. */
  replid(): string;
  /** Whether a PSYNC's history is this master's (its replid, or PSYNC2's previous one up to the promotion). */
  knowsHistory(replid: string, offset: number): boolean;
}

export class RedisMasterReplication {
  private readonly replicas = new Map<string, ReplicaLink>();
  /** The fork of a diskless full resync, armed for repl-diskless-sync-delay. */
  private forkTimer: TimerHandle | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: MasterReplicationOptions,
  ) {}

  /** Forgets every replica (a new role). */
  clear(): void {
    this.replicas.clear();
  }

  /** Drops a pending fork (demoted). */
  cancelFork(): void {
    this.ctx.cancelTimer(this.forkTimer);
    this.forkTimer = undefined;
  }

  /** REPLCONF GETACK to every replica. */
  getackAll(): void {
    for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-getack' });
  }

  /** How many replicas acked at least `offset`. */
  ackedAtLeast(offset: number): number {
    let acked = 0;
    for (const r of this.replicas.values()) if (r.ackOffset >= offset) acked++;
    return acked;
  }

  /** Every replica acked the whole dataset. */
  caughtUp(): boolean {
    for (const r of this.replicas.values()) if (r.ackOffset < this.options.dataset.length) return false;
    return true;
  }

  /** Replicas whose last ack is at most min-replicas-max-lag whole seconds old. */
  goodReplicas(): number {
    const nowS = Math.floor(this.ctx.monotonic() / 1_000_000);
    const maxLagS = Math.floor(this.options.config.minReplicasMaxLagUs / 1_000_000);
    let good = 0;
    for (const r of this.replicas.values()) if (!r.waitingBgsave && nowS - Math.floor(r.lastAckUs / 1_000_000) <= maxLagS) good++;
    return good;
  }

  /** A replica's PSYNC, on the master: continue its stream, or a full resync (see the header). */
  onPsync(from: string, replid: string, offset: number): void {
    const { dataset, config } = this.options;
    const knows = this.options.knowsHistory(replid, offset);
    const now = this.ctx.monotonic();
    if (knows && dataset.canContinueFrom(offset)) {
      const r: ReplicaLink = { ackOffset: offset, lastAckUs: now, sentUpTo: offset, waitingBgsave: false };
      this.replicas.set(from, r);
      this.ctx.send(from, { type: 'repl-continue', replid: this.options.replid(), from: offset } satisfies ReplContinue);
      return this.pump(from, r);
    }
    if (knows && offset <= dataset.length) {
      this.ctx.note(`redis: Unable to partial resync with replica ${from} for lack of backlog (offset ${offset}, backlog from ${dataset.backlogStart})`);
    }
    this.replicas.set(from, { ackOffset: 0, lastAckUs: now, sentUpTo: 0, waitingBgsave: true });
    if (config.replDisklessSyncDelayUs <= 0) return this.fork();
    this.ctx.send(from, { type: 'repl-wait-bgsave' } satisfies ReplWaitBgsave);
    this.forkTimer ??= this.ctx.setTimer(config.replDisklessSyncDelayUs, FORK_TIMER);
  }

  /** The RDB child forks: every replica waiting gets the dataset as of now, then the stream after it. */
  fork(): void {
    this.forkTimer = undefined;
    if (!this.options.isMaster()) return;
    let rdb: DiskSnapshot | undefined;
    for (const [node, r] of this.replicas) {
      if (!r.waitingBgsave) continue;
      rdb ??= this.options.dataset.snapshot();
      r.waitingBgsave = false;
      r.sentUpTo = rdb.length;
      r.lastAckUs = this.ctx.monotonic();
      this.ctx.send(node, { type: 'repl-fullresync', replid: this.options.replid(), rdb } satisfies ReplFullResync);
    }
  }

  /** Streams the new writes to every replica. */
  pumpAll(): void {
    for (const [node, r] of this.replicas) this.pump(node, r);
  }

  /** REPLCONF ACK from a streaming replica: true when it counted. */
  onAck(from: string, offset: number): boolean {
    const r = this.replicas.get(from);
    if (!r || r.waitingBgsave) return false;
    r.ackOffset = Math.max(r.ackOffset, offset);
    r.lastAckUs = this.ctx.monotonic();
    return true;
  }

  /** replicationCron on the master: drop silent replicas, ping the rest every repl-ping-replica-period. */
  cron(now: Micros): void {
    const { replTimeoutUs, replPingReplicaPeriodUs } = this.options.config;
    for (const [node, r] of this.replicas) {
      if (now - r.lastAckUs > replTimeoutUs) {
        this.replicas.delete(node);
        this.ctx.note(`redis: replica ${node} timed out`);
      }
    }
    // repl-ping-replica-period: a master pings its replicas so their link stays up when idle
    if (Math.floor(now / replPingReplicaPeriodUs) !== Math.floor((now - this.options.cronUs) / replPingReplicaPeriodUs)) {
      for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-ping' });
    }
  }

  private pump(node: string, r: ReplicaLink): void {
    const length = this.options.dataset.length;
    if (r.waitingBgsave || r.sentUpTo >= length) return;
    this.ctx.send(node, { type: 'repl-data', start: r.sentUpTo, entries: this.options.dataset.from(r.sentUpTo) } satisfies ReplData);
    r.sentUpTo = length;
  }
}
