/**
 * A Redis 7 server: master or replica, asynchronous replication, and the commands Sentinel
 * sends it (PING, INFO, REPLICAOF). The dataset is the node's log, one entry per order; the
 * replication offset counts entries (Redis counts bytes of the replication stream).
 *
 *   master: write -> dataset -> ack the client -> stream to replicas (async)
 *   replica: applies the stream; REPLCONF ACK <offset> every second (replicationCron)
 *
 * As in Redis:
 * - a replica (re)connects with PSYNC <replid> <offset>; the master continues the stream if it
 *   knows that history (its replid, or its previous replid up to the offset where it was
 *   promoted: PSYNC2), else answers FULLRESYNC and the replica *discards its dataset* and loads
 *   the master's. A demoted master that accepted writes after the fork always full-resyncs:
 *   that is how its acknowledged writes are lost;
 * - WAIT numreplicas timeout (redis-wait.ts) blocks the client until that many replicas acked
 *   its offset or the timeout passes; the application acks the order regardless, so WAIT is
 *   best effort, not a guarantee;
 * - min-replicas-to-write N refuses writes (NOREPLICAS) unless N replicas acked within
 *   min-replicas-max-lag seconds (whole seconds, as Redis compares unixtime);
 * - a replica answers writes with READONLY (naming its master, which a Sentinel-aware client
 *   then asks for); a replica considers its link down after repl-timeout without data or a
 *   ping (the master pings every repl-ping-replica-period) and keeps retrying every second.
 *
 * The dataset lives in memory and is appended to the AOF (the node's log) at once, acked
 * without waiting for fsync (appendonly yes, appendfsync everysec). A master whose AOF cannot
 * be written (disk failed or full) refuses writes with MISCONF until it can, and then rewrites
 * the AOF from memory. REPLICAOF is persisted (Sentinel sends CONFIG REWRITE with it),
 * so a restarted node comes back in its last role.
 *
 * Process death and SIGTERM:
 * - a replica whose connection to its master is reset (the master process died on a living
 *   host) marks the link down at once ("Connection with master lost", replication.c
 *   freeClient -> replicationHandleMasterDisconnection) and retries every second, instead of
 *   waiting repl-timeout;
 * - SIGTERM runs SHUTDOWN (redis.io/commands/shutdown, "the same shutdown sequence is performed"
 *   on SIGTERM): if a replica lags, writes are paused (CLIENT PAUSE WRITE: they wait, unanswered)
 *   and the master asks its replicas for their offsets (REPLCONF GETACK), waiting up to
 *   `shutdown-timeout` (10 s, redis.conf) for every replica to catch up; then it flushes the AOF
 *   and exits. So a planned stop of the master loses no acknowledged write to the failover.
 *
 * During a full resync's blocking RDB load a replica refuses REPLICAOF with -LOADING (it has no
 * CMD_LOADING flag), so Sentinel cannot promote or reconfigure it until the load is over: the
 * promotion waits, and a load longer than failover-timeout aborts the failover.
 *
 * The replication backlog is bounded (src/parts/redis-dataset.ts): a replica whose PSYNC
 * offset has left the master's last `repl-backlog-size` bytes gets a full resync, as does one
 * with an unknown history. A full resync is Redis 7's default diskless sync (redis.conf
 * `repl-diskless-sync yes`, `repl-diskless-sync-delay 5`; replication.c 7.2.4):
 * - the master does not answer the PSYNC until it forks the RDB child, `repl-diskless-sync-delay`
 *   after the first waiting replica; replicas waiting then share that fork
 *   (redis-master-replication.ts, which holds the master's side of replication);
 * - at +FULLRESYNC the replica discards its cached master (INFO reports no offset, so Sentinel
 *   ranks it below the replicas of its priority) and loads the RDB in a blocking load of
 *   `size / fullSyncBytesPerSecond`, keeping its old data and its link down meanwhile
 *   (redis-replica-replication.ts, which holds the replica's side of replication);
 * - the master counts the replica for min-replicas-to-write once it forked for it
 *   (refreshGoodSlavesCount counts online replicas).
 * Memory and the AOF keep a folded prefix plus the backlog (the AOF is folded at the same
 * point once durable), so a long run at HFT rates keeps no object per order beyond them.
 *
 * A replica that does not read its stream (stopped, cut off, loading an RDB) makes the master
 * buffer it: past the socket buffers, in an output buffer limited by `client-output-buffer-limit
 * replica 256mb 64mb 60` (redis-output-buffer.ts); over it the master closes the connection and
 * the replica must PSYNC again, usually a full resync at HFT rates, and a full sync whose stream
 * outgrows the limit during the RDB's load starts over. A master with no replica for
 * `repl-backlog-ttl` (3600 s) frees its backlog: a replica returning later full-resyncs
 * (redis-master-replication.ts).
 *
 * Left out: chained replicas, fork time, the split of a full sync between transfer (which
 * REPLICAOF can cancel) and blocking load, and TCP's throughput limit on a long-latency link
 * (window / RTT): the stream reaches a replica whatever the link's delay.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext, OrderRequest } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import { OrderServer } from './order-server.ts';
import { RedisDataset } from './redis-dataset.ts';
import { FORK_TIMER, RedisMasterReplication } from './redis-master-replication.ts';
import { randomRunId, SERVER_MESSAGES, type RedisConfig, type RedisInfo, type ReplicationIds } from './redis-protocol.ts';
import { LOADED_TIMER, NEWLINE_TIMER, RedisReplicaReplication } from './redis-replica-replication.ts';
import { RedisWait, WAIT_TIMER } from './redis-wait.ts';

export { randomRunId, type RedisConfig, type RedisInfo, type SentinelReplicaOf } from './redis-protocol.ts';

/** The replication id of the initial topology's history (see onStart). */
const INITIAL_REPLID = 'initial-replication-history';

/** replicationCron runs once a second. */
const CRON_US: Micros = 1_000_000;

/** The AOF folds in batches of at least this many entries (a fold copies the unfolded rest). */
const AOF_FOLD_BATCH = 1024;

interface PersistedConfig {
  replicaof: string | null;
  epoch: number;
}

/** `shutdown-timeout`: how long SHUTDOWN waits for lagging replicas (redis.conf default 10). */
const SHUTDOWN_TIMEOUT_US: Micros = 10_000_000;

export class RedisServer implements Actor {
  private readonly orders: OrderServer;
  private role: 'master' | 'replica' = 'master';
  private masterHost: string | undefined;
  private epoch = 0;
  private readonly runId: string;
  /** replid, and PSYNC2's previous replid and offset (shared by both sides of replication). */
  private readonly ids: ReplicationIds;
  // master side
  /** The replicas streamed to, their PSYNCs, the full resync's fork (redis-master-replication.ts). */
  private readonly replicas: RedisMasterReplication;
  /** Clients blocked in WAIT (redis-wait.ts). */
  private readonly wait: RedisWait;
  /** The dataset in memory and the backlog; the offset is its length. The AOF on disk follows it. */
  private readonly dataset: RedisDataset;
  // replica side
  /** The link to the master, PSYNC, the stream and full resyncs (redis-replica-replication.ts). */
  private readonly link: RedisReplicaReplication;
  /** SIGTERM's SHUTDOWN under way: writes are paused; `exit` once the replicas caught up. */
  private shutdown: { exit: () => void; done: boolean } | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: RedisConfig,
  ) {
    this.runId = randomRunId(ctx);
    this.ids = { replid: randomRunId(ctx), replid2: '', secondReplOffset: -1 };
    this.dataset = new RedisDataset(Math.max(1, Math.floor(config.replBacklogSizeBytes / config.bytesPerOrder)));
    this.orders = new OrderServer(ctx, {
      replicate: (entry, done) => this.propagate(entry, done),
      fsyncBeforeAck: false,
      leaderHint: () => this.masterHost,
      knownElsewhere: (orderId) => this.dataset.foldedHas(orderId),
    });
    this.replicas = new RedisMasterReplication(ctx, {
      config,
      dataset: this.dataset,
      cronUs: CRON_US,
      isMaster: () => this.role === 'master',
      replid: () => this.ids.replid,
      newHistory: () => {
        this.ids.replid = randomRunId(ctx);
        this.ids.replid2 = '';
        this.ids.secondReplOffset = -1;
      },
      knowsHistory: (replid, offset) => replid === this.ids.replid || (replid === this.ids.replid2 && offset <= this.ids.secondReplOffset),
    });
    this.link = new RedisReplicaReplication(ctx, {
      config,
      dataset: this.dataset,
      ids: this.ids,
      master: () => (this.role === 'replica' ? this.masterHost : undefined),
      learn: (orderId) => this.orders.learn(orderId),
      relearnLog: () => this.orders.relearnLog(),
      foldAof: () => this.foldAof(),
    });
    this.wait = new RedisWait(ctx, {
      waitReplicas: config.waitReplicas,
      waitTimeoutUs: config.waitTimeoutUs,
      ackedAtLeast: (offset) => this.replicas.ackedAtLeast(offset),
    });
  }

  onStart(): void {
    const conf = this.ctx.disk.get('redis-conf') as PersistedConfig | undefined;
    const replicaof = conf ? conf.replicaof : this.ctx.id === this.config.initialMaster ? null : this.config.initialMaster;
    this.epoch = conf?.epoch ?? 0;
    const disk = this.ctx.disk;
    // the run starts with the replication set up and in sync (the replicas did their first full
    // sync before trading began): a fresh node shares the initial master's history, at offset 0
    if (conf === undefined && disk.length === 0) this.ids.replid = INITIAL_REPLID;
    this.dataset.loadFrom(disk.snapshot(disk.compactedLength), disk.entries); // loaded from the AOF
    this.link.start();
    if (replicaof === null) this.becomeMaster(this.epoch);
    else this.becomeReplica(replicaof, this.epoch);
    this.ctx.setTimer(CRON_US, 'redis-cron');
  }

  onMessage(from: string, msg: Msg): void {
    if (!SERVER_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'order':
        return this.onOrder(msg);
      case 'sentinel-ping':
        return this.ctx.send(from, { type: 'sentinel-pong' });
      case 'sentinel-info':
        return this.ctx.send(from, { type: 'sentinel-info-reply', info: this.info() });
      case 'sentinel-replicaof':
        return this.onReplicaOf(msg.master, msg.epoch);
      case 'psync':
        return this.onPsync(from, msg.replid, msg.offset);
      case 'replconf-ack':
        return this.onAck(from, msg.offset);
      case 'repl-newline':
        if (this.role === 'master') this.replicas.onNewline(from);
        return;
      case 'repl-continue':
      case 'repl-fullresync':
      case 'repl-wait-bgsave':
      case 'repl-data':
      case 'repl-ping':
      case 'repl-getack':
      case 'repl-closed':
        return this.link.onFromMaster(from, msg);
    }
  }

  /**
   * A peer's process died on a living host: a replica's link to it (its master) is down now, not
   * after repl-timeout; a master frees it (a replica) at once.
   */
  onConnectionReset(peer: string): void {
    this.link.onConnectionReset(peer);
    if (this.role === 'master') this.replicas.onConnectionReset(peer);
  }

  /** SIGTERM: SHUTDOWN (see the header): wait for lagging replicas, up to shutdown-timeout. */
  onStop(_process: string | undefined, exit: () => void): void {
    if (this.shutdown) return;
    this.shutdown = { exit, done: false };
    if (this.role !== 'master' || this.replicas.caughtUp()) return this.finishShutdown('no replica lags');
    this.ctx.note('redis: Waiting for replicas before shutting down');
    this.replicas.getackAll();
    this.ctx.setTimer(SHUTDOWN_TIMEOUT_US, 'redis-shutdown-timeout');
  }

  private finishShutdown(why: string): void {
    if (this.shutdown!.done) return;
    this.shutdown!.done = true;
    this.ctx.note(`redis: ${why}: AOF flushed, Redis is now ready to exit, bye bye...`);
    this.shutdown!.exit();
  }

  onTimer(kind: string): void {
    if (kind === 'redis-shutdown-timeout') return this.finishShutdown('shutdown-timeout: replicas still lagging');
    if (kind === FORK_TIMER) return this.replicas.fork();
    if (kind === LOADED_TIMER) return this.link.finishLoad();
    if (kind === NEWLINE_TIMER) return this.link.sendNewline();
    if (kind === WAIT_TIMER) return this.wait.onTimer();
    if (kind !== 'redis-cron') return;
    this.ctx.setTimer(CRON_US, 'redis-cron');
    this.cron();
  }

  info(): RedisInfo {
    const now = this.ctx.monotonic();
    return {
      role: this.role === 'master' ? 'master' : 'slave',
      masterHost: this.masterHost,
      linkUp: this.link.linkUp,
      linkDownUs: this.role === 'replica' && !this.link.linkUp ? this.link.linkDownFor(now) : 0,
      offset: this.link.reportsOffset ? this.dataset.length : 0,
      priority: this.config.replicaPriority,
      runId: this.runId,
    };
  }

  // --- roles -------------------------------------------------------------------------------

  /** REPLICAOF NO ONE / REPLICAOF host, as Sentinel sends them (with CONFIG REWRITE). */
  private onReplicaOf(master: string | null, epoch: number): void {
    // REPLICAOF has no CMD_LOADING flag (commands/replicaof.json): during a blocking RDB load it
    // is refused with -LOADING (server.c processCommand, 7.2.4 l. 4097), which Sentinel ignores
    // (sentinelDiscardReplyCallback): it waits for the promotion until failover-timeout
    if (this.link.loadingRdb) return this.ctx.note(`redis: -LOADING Redis is loading the dataset in memory (REPLICAOF ${master ?? 'NO ONE'} refused)`);
    this.ctx.disk.put('redis-conf', { replicaof: master, epoch } satisfies PersistedConfig);
    if (master === null) {
      if (this.role === 'master') return;
      // PSYNC2: remember the old history so the other replicas can continue from it
      this.ids.replid2 = this.ids.replid;
      this.ids.secondReplOffset = this.dataset.length;
      this.ids.replid = randomRunId(this.ctx);
      this.becomeMaster(epoch);
      this.ctx.note(`redis: promoted to master (REPLICAOF NO ONE), epoch ${epoch}`);
    } else if (this.role === 'master' || master !== this.masterHost) {
      this.ctx.note(`redis: now a replica of ${master}`);
      this.becomeReplica(master, epoch);
    }
  }

  private becomeMaster(epoch: number): void {
    this.role = 'master';
    this.masterHost = undefined;
    this.epoch = epoch;
    this.replicas.clear();
    this.link.stop();
    this.orders.becomePrimary(epoch);
  }

  private becomeReplica(master: string, epoch: number): void {
    this.role = 'replica';
    this.masterHost = master;
    this.epoch = epoch;
    this.replicas.clear();
    this.replicas.cancelFork();
    this.link.cancelSync();
    // blocked WAITs end, but a demoted master acks nothing more (OrderServer refuses them)
    this.orders.becomeStandby(epoch);
    this.wait.release(true);
    this.link.markLinkDown();
    this.link.connect();
  }

  // --- clients -----------------------------------------------------------------------------

  private onOrder(order: OrderRequest): void {
    if (this.shutdown) return; // paused until the process exits (CLIENT PAUSE WRITE), then reset
    if (this.role === 'replica') return this.ctx.rejectOrder(order, 'readonly', this.masterHost);
    if (this.config.minReplicasToWrite > 0 && this.replicas.goodReplicas() < this.config.minReplicasToWrite) {
      return this.ctx.rejectOrder(order, 'noreplicas');
    }
    if (!this.aofWritable()) return this.ctx.rejectOrder(order, 'misconf');
    this.orders.handle(order);
  }

  /** Whether the AOF accepts writes and is in step with memory (else writes get MISCONF). */
  private aofWritable(): boolean {
    const disk = this.ctx.disk;
    return !disk.failed && !disk.full && disk.length === this.dataset.length;
  }

  /** Applies a write to memory and streams it to the replicas; with WAIT, holds the ack until enough acked or the timeout. */
  private propagate(entry: DiskEntry, done: (ok: boolean) => void): void {
    this.dataset.push(entry);
    this.foldAof();
    this.replicas.pumpAll();
    if (this.config.waitReplicas <= 0) return done(true);
    this.wait.add(this.dataset.length, done);
    this.replicas.getackAll();
    this.wait.check();
  }

  // --- master side of replication ----------------------------------------------------------

  private onPsync(from: string, replid: string, offset: number): void {
    if (this.role !== 'master') return this.ctx.send(from, { type: 'repl-refused' });
    this.replicas.onPsync(from, replid, offset);
  }

  /** Folds the AOF where memory folded, once it is in step with memory (and only its durable part). */
  private foldAof(): void {
    const disk = this.ctx.disk;
    const upTo = this.dataset.foldedLength;
    if (upTo - disk.compactedLength >= AOF_FOLD_BATCH && disk.length === this.dataset.length) disk.compact(upTo);
  }

  private onAck(from: string, offset: number): void {
    if (this.role !== 'master' || !this.replicas.onAck(from, offset)) return;
    if (this.wait.pending) this.wait.check();
    if (this.shutdown && this.replicas.caughtUp()) this.finishShutdown('replicas caught up');
  }

  // --- AOF ---------------------------------------------------------------------------------

  /** BGREWRITEAOF once the disk works again: the AOF is rebuilt from memory. */
  private rewriteAofIfBehind(): void {
    const disk = this.ctx.disk;
    if (disk.failed || disk.full || disk.length === this.dataset.length) return;
    this.ctx.note(`redis: AOF rewritten from memory (${this.dataset.length} entries)`);
    disk.restore(this.dataset.snapshot());
  }

  private cron(): void {
    const now = this.ctx.monotonic();
    this.rewriteAofIfBehind();
    if (this.role === 'replica') return this.link.cron(now);
    if (this.wait.pending) this.wait.check();
    this.replicas.cron(now);
  }
}
