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
 *   (refreshGoodSlavesCount counts online replicas);
 * - after a full resync's fork the stream is kept on the master until the replica's first
 *   REPLCONF ACK, sent as soon as it loaded the RDB (replication.c 7.2.4: the master sets
 *   `repl_start_cmd_stream_on_ack` at l. 1663, replicaStartCommandStream at the ACK, l. 1229;
 *   the replica's "Send the initial ACK immediately", l. 2286);
 * - the stream a replica does not read fills the kernels' socket buffers
 *   (`replicaSocketBufferBytes`), then the master's output buffer for it, whose limit
 *   (`client-output-buffer-limit replica`, redis-output-buffer.ts) closes the connection; the
 *   replica then reconnects with PSYNC, continued only if its offset is still in the backlog.
 *   The master's kernel knows how far the replica read (TCP's ACKs); hasim's master infers it
 *   from the REPLCONF ACKs, one a second: a replica reads what is written within `READ_US`
 *   (half an ACK period) of its last ACK. One that stopped did so between two ACKs, so that
 *   midpoint is the unbiased guess; a replica that reads on ACKs again within the second. The
 *   stream past that point plus the socket buffers stays in the master's buffer (so a replica
 *   dropped has only what reached its socket). Measured against real Redis (a SIGSTOPped
 *   replica, test/calibration/redis-obuf.test.ts). At over ~10 MB/s of stream (100,000 orders/s
 *   of 100 B) the second half of each ACK period would outgrow the socket buffers and hold a
 *   live replica's stream until its next ACK;
 * - replicationCron (l. 3818-3886) drops a replica whose last ACK (or, while it loads an RDB,
 *   its newline: redis-replica-replication.ts) is older than repl-timeout ("Disconnecting
 *   timedout replica"), and a master that has had no replica for longer than
 *   `repl-backlog-ttl` frees its backlog and takes a new replication id ("Replication backlog
 *   freed after 3600 seconds without connected replicas."): a replica returning later needs a
 *   full resync. A replica whose process dies is dropped at once (its connection resets).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';
import type { DiskSnapshot } from '../world/disk.ts';
import type { RedisConfig, ReplClosed, ReplContinue, ReplData, ReplFullResync, ReplWaitBgsave } from './redis-protocol.ts';
import type { RedisDataset } from './redis-dataset.ts';
import { OutputBufferCheck } from './redis-output-buffer.ts';

/** The fork of a diskless full resync's timer kind. */
export const FORK_TIMER = 'redis-fork';

/**
 * A replica reads the stream written at most this long after its last ACK (half of its ACK
 * period, replicationCron's second: see the header).
 */
const READ_US: Micros = 500_000;

interface ReplicaLink {
  ackOffset: number;
  lastAckUs: Micros;
  /** The stream up to here is written to the replica's socket; the rest is the master's output buffer for it. */
  sentUpTo: number;
  /** How far the replica has read, as the master infers it (see the header). */
  readUpTo: number;
  /** Waiting for the RDB fork of a full resync (SLAVE_STATE_WAIT_BGSAVE_START): nothing is streamed yet. */
  waitingBgsave: boolean;
  /** Streaming: a continued PSYNC, or the first ACK after a full resync's RDB (before it, the stream is kept). */
  online: boolean;
  readonly limit: OutputBufferCheck;
}

export interface MasterReplicationOptions {
  config: RedisConfig;
  dataset: RedisDataset;
  /** A new replication id and no second one (the backlog was freed, or created from scratch). */
  newHistory(): void;
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
  /** Since when the master has had no replica (repl_no_slaves_since), for repl-backlog-ttl. */
  private noReplicasSinceUs: Micros;
  /** Stream the socket buffers take, and bytes per order, in orders. */
  private readonly socketEntries: number;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: MasterReplicationOptions,
  ) {
    this.noReplicasSinceUs = ctx.monotonic();
    this.socketEntries = Math.floor(options.config.replicaSocketBufferBytes / options.config.bytesPerOrder);
  }

  /** Forgets every replica (a new role); the time without replicas starts now. */
  clear(): void {
    this.replicas.clear();
    this.noReplicasSinceUs = this.ctx.monotonic();
    this.options.dataset.keepFrom = Infinity;
  }

  /** A replica's connection was reset (its process died): it is freed at once. */
  onConnectionReset(node: string): void {
    if (!this.replicas.delete(node)) return;
    this.ctx.note(`redis: Connection with replica ${node} lost.`);
    if (this.replicas.size === 0) this.noReplicasSinceUs = this.ctx.monotonic();
    this.keepHeldStream();
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
      const r: ReplicaLink = { ackOffset: offset, lastAckUs: now, sentUpTo: offset, readUpTo: offset, waitingBgsave: false, online: true, limit: this.newLimit() };
      this.replicas.set(from, r);
      this.ctx.send(from, { type: 'repl-continue', replid: this.options.replid(), from: offset } satisfies ReplContinue);
      this.pump(from, r);
      return this.keepHeldStream();
    }
    if (knows && offset <= dataset.length) {
      this.ctx.note(`redis: Unable to partial resync with replica ${from} for lack of backlog (offset ${offset}, backlog from ${dataset.backlogStart})`);
    }
    // a master without a backlog (freed by repl-backlog-ttl) creates one, with a new history
    if (!dataset.hasBacklog) {
      this.options.newHistory();
      dataset.resetBacklog();
    }
    this.replicas.set(from, { ackOffset: 0, lastAckUs: now, sentUpTo: 0, readUpTo: 0, waitingBgsave: true, online: false, limit: this.newLimit() });
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
      r.readUpTo = rdb.length;
      r.lastAckUs = this.ctx.monotonic();
      this.ctx.send(node, { type: 'repl-fullresync', replid: this.options.replid(), rdb } satisfies ReplFullResync);
    }
    this.keepHeldStream();
  }

  /** Streams the new writes to every replica. */
  pumpAll(): void {
    for (const [node, r] of this.replicas) this.pump(node, r);
    this.keepHeldStream();
  }

  /** A loading replica's newline: it is alive (its ack time is refreshed, its offset is not). */
  onNewline(from: string): void {
    const r = this.replicas.get(from);
    if (r && !r.waitingBgsave) r.lastAckUs = this.ctx.monotonic();
  }

  /** REPLCONF ACK from a replica past its fork: true when it counted. The first puts it online (the stream starts). */
  onAck(from: string, offset: number): boolean {
    const r = this.replicas.get(from);
    if (!r || r.waitingBgsave) return false;
    r.ackOffset = Math.max(r.ackOffset, offset);
    r.readUpTo = Math.max(r.readUpTo, offset);
    r.lastAckUs = this.ctx.monotonic();
    r.online = true;
    // the replica reads: what the master held for it goes out
    this.pump(from, r);
    this.keepHeldStream();
    return true;
  }

  /** replicationCron on the master: drop silent replicas, ping the rest every repl-ping-replica-period. */
  cron(now: Micros): void {
    const { replTimeoutUs, replPingReplicaPeriodUs } = this.options.config;
    for (const [node, r] of this.replicas) {
      if (now - r.lastAckUs > replTimeoutUs) this.drop(node, 'timed out');
    }
    this.freeIdleBacklog(now);
    // repl-ping-replica-period: a master pings its replicas so their link stays up when idle
    if (Math.floor(now / replPingReplicaPeriodUs) !== Math.floor((now - this.options.cronUs) / replPingReplicaPeriodUs)) {
      for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-ping' });
    }
  }

  /** The master's output buffer for a replica, in bytes: the stream not yet written to its socket. */
  outputBufferBytes(node: string): number {
    const r = this.replicas.get(node);
    return r && !r.waitingBgsave ? (this.options.dataset.length - r.sentUpTo) * this.options.config.bytesPerOrder : 0;
  }

  /**
   * Writes the new stream to a replica's socket as far as it takes it (see the header), then
   * checks the output buffer's limit on what stays.
   */
  private pump(node: string, r: ReplicaLink): void {
    const { dataset, config } = this.options;
    const length = dataset.length;
    if (r.waitingBgsave) return;
    if (r.online && r.sentUpTo < length) {
      if (this.ctx.monotonic() - r.lastAckUs <= READ_US) r.readUpTo = length;
      const upTo = Math.min(length, r.readUpTo + this.socketEntries);
      if (upTo > r.sentUpTo) {
        const entries = dataset.from(r.sentUpTo);
        if (upTo < length) entries.length = upTo - r.sentUpTo;
        this.ctx.send(node, { type: 'repl-data', start: r.sentUpTo, entries } satisfies ReplData);
        r.sentUpTo = upTo;
      }
    }
    if (r.sentUpTo < length && r.limit.overLimit((length - r.sentUpTo) * config.bytesPerOrder, this.ctx.monotonic())) {
      this.drop(node, `scheduled to be closed ASAP for overcoming of output buffer limits (${(length - r.sentUpTo) * config.bytesPerOrder} bytes unsent after offset ${r.sentUpTo}, acked ${r.ackOffset})`);
    }
  }

  /** Frees a replica's connection: its output buffer is gone; the FIN follows what was written. */
  private drop(node: string, why: string): void {
    this.replicas.delete(node);
    if (this.replicas.size === 0) this.noReplicasSinceUs = this.ctx.monotonic();
    this.ctx.note(`redis: replica ${node} ${why}`);
    this.ctx.send(node, { type: 'repl-closed' } satisfies ReplClosed);
    this.keepHeldStream();
  }

  /** repl-backlog-ttl: a master without replicas for longer frees its backlog, with a new replication id. */
  private freeIdleBacklog(now: Micros): void {
    const ttlUs = this.options.config.replBacklogTtlUs;
    if (ttlUs <= 0 || this.replicas.size !== 0 || !this.options.dataset.hasBacklog) return;
    // whole seconds, as replicationCron compares server.unixtime
    if (Math.floor(now / 1_000_000) - Math.floor(this.noReplicasSinceUs / 1_000_000) <= Math.floor(ttlUs / 1_000_000)) return;
    this.options.newHistory();
    this.options.dataset.freeBacklog();
    this.ctx.note(`redis: Replication backlog freed after ${Math.floor(ttlUs / 1_000_000)} seconds without connected replicas.`);
  }

  /** The dataset keeps the stream still in a replica's output buffer (past the fork, not yet written). */
  private keepHeldStream(): void {
    let keep = Infinity;
    for (const r of this.replicas.values()) if (!r.waitingBgsave && r.sentUpTo < keep) keep = r.sentUpTo;
    this.options.dataset.keepFrom = keep;
  }

  private newLimit(): OutputBufferCheck {
    const { replicaOutputBufferLimit, replBacklogSizeBytes } = this.options.config;
    return new OutputBufferCheck(replicaOutputBufferLimit, replBacklogSizeBytes);
  }
}
