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
 * - WAIT numreplicas timeout blocks the client until that many replicas acked its offset (the
 *   master asks with REPLCONF GETACK) or the timeout passes, then returns the count either
 *   way: the application acks the order regardless, so WAIT is best effort, not a guarantee;
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
 * Left out: chained replicas, the backlog
 * size limit (a continuation always finds its history), diskless sync timing, RDB transfer time.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext, OrderRequest, TimerHandle } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import { messageKinds } from '../world/messages.ts';
import { OrderServer } from './order-server.ts';

export interface RedisConfig {
  /** The master when no REPLICAOF was ever persisted (the initial topology). */
  initialMaster: string;
  /** `replica-priority` (lower is preferred by Sentinel; 0: never promoted). */
  replicaPriority: number;
  /** `min-replicas-to-write` (0: off). */
  minReplicasToWrite: number;
  /** `min-replicas-max-lag`. */
  minReplicasMaxLagUs: Micros;
  /** The application's `WAIT numreplicas timeout` after each write (0 replicas: no WAIT). */
  waitReplicas: number;
  waitTimeoutUs: Micros;
  /** `repl-timeout`. */
  replTimeoutUs: Micros;
  /** `repl-ping-replica-period`. */
  replPingReplicaPeriodUs: Micros;
}

/** What INFO reports, as Sentinel reads it. */
export interface RedisInfo {
  role: 'master' | 'slave';
  masterHost: string | undefined;
  linkUp: boolean;
  /** How long the master link has been down (0 when up). */
  linkDownUs: Micros;
  offset: number;
  priority: number;
  runId: string;
}

// --- messages: replication between servers, and the commands Sentinel sends ------------------

/** A replica (re)connects: PSYNC <replid> <offset>. */
interface Psync extends Msg {
  type: 'psync';
  replid: string;
  offset: number;
}
/** REPLCONF ACK <offset>: how much of the stream the replica has. */
interface ReplconfAck extends Msg {
  type: 'replconf-ack';
  offset: number;
}
/** +CONTINUE: the master knows this history; streaming goes on from `from`. */
interface ReplContinue extends Msg {
  type: 'repl-continue';
  replid: string;
  from: number;
}
/** +FULLRESYNC: the replica discards its dataset and loads `entries`. */
interface ReplFullResync extends Msg {
  type: 'repl-fullresync';
  replid: string;
  entries: DiskEntry[];
}
/** Writes of the stream from offset `start`. */
interface ReplData extends Msg {
  type: 'repl-data';
  start: number;
  entries: DiskEntry[];
}
interface ReplPing extends Msg {
  type: 'repl-ping';
}
/** REPLCONF GETACK: WAIT asks the replicas for their offsets now. */
interface ReplGetack extends Msg {
  type: 'repl-getack';
}
/** Sentinel's REPLICAOF: `master` null is REPLICAOF NO ONE; `epoch` is Sentinel's config epoch. */
export interface SentinelReplicaOf extends Msg {
  type: 'sentinel-replicaof';
  master: string | null;
  epoch: number;
}
interface SentinelPing extends Msg {
  type: 'sentinel-ping';
}
interface SentinelInfoRequest extends Msg {
  type: 'sentinel-info';
}
type FromMaster = ReplContinue | ReplFullResync | ReplData | ReplPing | ReplGetack;
const SERVER_MESSAGES = messageKinds<OrderRequest | SentinelPing | SentinelInfoRequest | SentinelReplicaOf | Psync | ReplconfAck | FromMaster>(
  'order',
  'sentinel-ping',
  'sentinel-info',
  'sentinel-replicaof',
  'psync',
  'replconf-ack',
  'repl-continue',
  'repl-fullresync',
  'repl-data',
  'repl-ping',
  'repl-getack',
);

/** replicationCron runs once a second. */
const CRON_US: Micros = 1_000_000;

interface ReplicaLink {
  ackOffset: number;
  lastAckUs: Micros;
  sentUpTo: number;
}

interface Waiter {
  offset: number;
  done: (ok: boolean, replicas?: number) => void;
  deadlineUs: Micros;
}

interface PersistedConfig {
  replicaof: string | null;
  epoch: number;
}

/** `shutdown-timeout`: how long SHUTDOWN waits for lagging replicas (redis.conf default 10). */
const SHUTDOWN_TIMEOUT_US: Micros = 10_000_000;

export function randomRunId(ctx: NodeContext): string {
  let id = '';
  for (let i = 0; i < 40; i++) id += '0123456789abcdef'[ctx.rng.int(16)];
  return id;
}

export class RedisServer implements Actor {
  private readonly orders: OrderServer;
  private role: 'master' | 'replica' = 'master';
  private masterHost: string | undefined;
  private epoch = 0;
  private readonly runId: string;
  private replid: string;
  private replid2 = '';
  private secondReplOffset = -1;
  // master side
  private readonly replicas = new Map<string, ReplicaLink>();
  private waiters: Waiter[] = [];
  /** One timer, always for the oldest waiter's deadline. */
  private waitTimer: TimerHandle | undefined;
  /** The dataset in memory; the offset is its length. The AOF on disk follows it. */
  private dataset: DiskEntry[] = [];
  // replica side
  private linkUp = false;
  private lastIoUs = 0;
  private linkDownSinceUs = 0;
  /** SIGTERM's SHUTDOWN under way: writes are paused; `exit` once the replicas caught up. */
  private shutdown: { exit: () => void; done: boolean } | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: RedisConfig,
  ) {
    this.runId = randomRunId(ctx);
    this.replid = randomRunId(ctx);
    this.orders = new OrderServer(ctx, {
      replicate: (entry, done, index) => this.propagate(entry, done, index),
      fsyncBeforeAck: false,
      leaderHint: () => this.masterHost,
    });
  }

  onStart(): void {
    const conf = this.ctx.disk.get('redis-conf') as PersistedConfig | undefined;
    const replicaof = conf ? conf.replicaof : this.ctx.id === this.config.initialMaster ? null : this.config.initialMaster;
    this.epoch = conf?.epoch ?? 0;
    this.dataset = this.ctx.disk.entries.slice(); // loaded from the AOF
    this.linkDownSinceUs = this.ctx.monotonic();
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
      case 'repl-continue':
      case 'repl-fullresync':
      case 'repl-data':
      case 'repl-ping':
      case 'repl-getack':
        return this.onFromMaster(from, msg);
    }
  }

  /** The master's process died on a living host: the replica's link is down now, not after repl-timeout. */
  onConnectionReset(peer: string): void {
    if (this.role !== 'replica' || peer !== this.masterHost || !this.linkUp) return;
    this.ctx.note('redis: Connection with master lost');
    this.markLinkDown();
  }

  /** SIGTERM: SHUTDOWN (see the header): wait for lagging replicas, up to shutdown-timeout. */
  onStop(_process: string | undefined, exit: () => void): void {
    if (this.shutdown) return;
    this.shutdown = { exit, done: false };
    if (this.role !== 'master' || this.replicasCaughtUp()) return this.finishShutdown('no replica lags');
    this.ctx.note('redis: Waiting for replicas before shutting down');
    for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-getack' });
    this.ctx.setTimer(SHUTDOWN_TIMEOUT_US, 'redis-shutdown-timeout');
  }

  private replicasCaughtUp(): boolean {
    for (const r of this.replicas.values()) if (r.ackOffset < this.dataset.length) return false;
    return true;
  }

  private finishShutdown(why: string): void {
    if (this.shutdown!.done) return;
    this.shutdown!.done = true;
    this.ctx.note(`redis: ${why}: AOF flushed, Redis is now ready to exit, bye bye...`);
    this.shutdown!.exit();
  }

  onTimer(kind: string): void {
    if (kind === 'redis-shutdown-timeout') return this.finishShutdown('shutdown-timeout: replicas still lagging');
    if (kind === 'redis-wait') {
      this.waitTimer = undefined;
      this.checkWaiters();
      this.armWaitTimer();
      return;
    }
    if (kind !== 'redis-cron') return;
    this.ctx.setTimer(CRON_US, 'redis-cron');
    this.cron();
  }

  info(): RedisInfo {
    const now = this.ctx.monotonic();
    return {
      role: this.role === 'master' ? 'master' : 'slave',
      masterHost: this.masterHost,
      linkUp: this.linkUp,
      linkDownUs: this.role === 'replica' && !this.linkUp ? now - this.linkDownSinceUs : 0,
      offset: this.dataset.length,
      priority: this.config.replicaPriority,
      runId: this.runId,
    };
  }

  // --- roles -------------------------------------------------------------------------------

  /** REPLICAOF NO ONE / REPLICAOF host, as Sentinel sends them (with CONFIG REWRITE). */
  private onReplicaOf(master: string | null, epoch: number): void {
    this.ctx.disk.put('redis-conf', { replicaof: master, epoch } satisfies PersistedConfig);
    if (master === null) {
      if (this.role === 'master') return;
      // PSYNC2: remember the old history so the other replicas can continue from it
      this.replid2 = this.replid;
      this.secondReplOffset = this.dataset.length;
      this.replid = randomRunId(this.ctx);
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
    this.linkUp = false;
    this.epoch = epoch;
    this.replicas.clear();
    this.orders.becomePrimary(epoch);
  }

  private becomeReplica(master: string, epoch: number): void {
    this.role = 'replica';
    this.masterHost = master;
    this.epoch = epoch;
    this.replicas.clear();
    // blocked WAITs end, but a demoted master acks nothing more (OrderServer refuses them)
    this.orders.becomeStandby(epoch);
    this.releaseWaiters(true);
    this.markLinkDown();
    this.connect();
  }

  // --- clients -----------------------------------------------------------------------------

  private onOrder(order: OrderRequest): void {
    if (this.shutdown) return; // paused until the process exits (CLIENT PAUSE WRITE), then reset
    if (this.role === 'replica') return this.ctx.rejectOrder(order, 'readonly', this.masterHost);
    if (this.config.minReplicasToWrite > 0 && this.goodReplicas() < this.config.minReplicasToWrite) {
      return this.ctx.rejectOrder(order, 'noreplicas');
    }
    if (!this.aofWritable()) return this.ctx.rejectOrder(order, 'misconf');
    this.orders.handle(order);
  }

  /** Replicas whose last ack is at most min-replicas-max-lag whole seconds old. */
  private goodReplicas(): number {
    const nowS = Math.floor(this.ctx.monotonic() / 1_000_000);
    const maxLagS = Math.floor(this.config.minReplicasMaxLagUs / 1_000_000);
    let good = 0;
    for (const r of this.replicas.values()) if (nowS - Math.floor(r.lastAckUs / 1_000_000) <= maxLagS) good++;
    return good;
  }

  /** Whether the AOF accepts writes and is in step with memory (else writes get MISCONF). */
  private aofWritable(): boolean {
    const disk = this.ctx.disk;
    return !disk.failed && !disk.full && disk.length === this.dataset.length;
  }

  /** Applies a write to memory and streams it to the replicas; with WAIT, holds the ack until enough acked or the timeout. */
  private propagate(entry: DiskEntry, done: (ok: boolean) => void, index: number): void {
    this.dataset[index] = entry;
    for (const [node, r] of this.replicas) this.pump(node, r);
    if (this.config.waitReplicas <= 0) return done(true);
    this.waiters.push({ offset: index + 1, done, deadlineUs: this.ctx.monotonic() + this.config.waitTimeoutUs });
    this.armWaitTimer();
    for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-getack' });
    this.checkWaiters();
  }

  private checkWaiters(): void {
    const now = this.ctx.monotonic();
    let i = 0;
    for (; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      let acked = 0;
      for (const r of this.replicas.values()) if (r.ackOffset >= w.offset) acked++;
      // WAIT returns the count reached when enough acked or on timeout: the ack happens either way
      if (acked < this.config.waitReplicas && now < w.deadlineUs) break;
      w.done(true, acked);
    }
    if (i > 0) this.waiters = this.waiters.slice(i);
  }

  private armWaitTimer(): void {
    if (this.waitTimer || this.waiters.length === 0) return;
    this.waitTimer = this.ctx.setTimer(Math.max(0, this.waiters[0].deadlineUs - this.ctx.monotonic()), 'redis-wait');
  }

  private releaseWaiters(ok: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.done(ok);
  }

  // --- master side of replication ----------------------------------------------------------

  private onPsync(from: string, replid: string, offset: number): void {
    if (this.role !== 'master') return this.ctx.send(from, { type: 'repl-refused' });
    const log = this.dataset;
    const knows = replid === this.replid || (replid === this.replid2 && offset <= this.secondReplOffset);
    const now = this.ctx.monotonic();
    if (knows && offset <= log.length) {
      this.replicas.set(from, { ackOffset: offset, lastAckUs: now, sentUpTo: offset });
      this.ctx.send(from, { type: 'repl-continue', replid: this.replid, from: offset } satisfies ReplContinue);
    } else {
      this.replicas.set(from, { ackOffset: 0, lastAckUs: now, sentUpTo: log.length });
      this.ctx.send(from, { type: 'repl-fullresync', replid: this.replid, entries: log.slice() } satisfies ReplFullResync);
    }
    this.pump(from, this.replicas.get(from)!);
  }

  private pump(node: string, r: ReplicaLink): void {
    const log = this.dataset;
    if (r.sentUpTo >= log.length) return;
    this.ctx.send(node, { type: 'repl-data', start: r.sentUpTo, entries: log.slice(r.sentUpTo) } satisfies ReplData);
    r.sentUpTo = log.length;
  }

  private onAck(from: string, offset: number): void {
    const r = this.replicas.get(from);
    if (this.role !== 'master' || !r) return;
    r.ackOffset = Math.max(r.ackOffset, offset);
    r.lastAckUs = this.ctx.monotonic();
    if (this.waiters.length) this.checkWaiters();
    if (this.shutdown && this.replicasCaughtUp()) this.finishShutdown('replicas caught up');
  }

  // --- replica side ------------------------------------------------------------------------

  private connect(): void {
    if (this.role !== 'replica' || this.masterHost === undefined) return;
    this.ctx.send(this.masterHost, { type: 'psync', replid: this.replid, offset: this.dataset.length } satisfies Psync);
  }

  private markLinkDown(): void {
    if (this.linkUp || this.linkDownSinceUs === 0) this.linkDownSinceUs = this.ctx.monotonic();
    this.linkUp = false;
  }

  private onFromMaster(from: string, msg: FromMaster): void {
    if (this.role !== 'replica' || from !== this.masterHost) return;
    const disk = this.ctx.disk;
    switch (msg.type) {
      case 'repl-continue':
        if (msg.replid !== this.replid) {
          this.replid2 = this.replid;
          this.replid = msg.replid;
        }
        break;
      case 'repl-fullresync': {
        const entries = msg.entries;
        if (this.dataset.length > 0) this.ctx.note(`redis: full resync from ${from}, local dataset of ${this.dataset.length} entries discarded`);
        this.dataset = entries.slice();
        disk.truncate(0);
        for (const e of entries) disk.append(e);
        this.orders.relearnLog();
        this.replid = msg.replid;
        this.replid2 = '';
        break;
      }
      case 'repl-data': {
        if (!this.linkUp) return;
        if (msg.start !== this.dataset.length) {
          // part of the stream was lost: resynchronise
          this.markLinkDown();
          return this.connect();
        }
        for (const e of msg.entries) {
          this.dataset.push(e);
          if (disk.length === this.dataset.length - 1) disk.append(e);
          this.orders.learn(e.orderId);
        }
        break;
      }
      case 'repl-getack':
        this.ctx.send(from, { type: 'replconf-ack', offset: this.dataset.length });
        break;
      default:
        break;
    }
    if (msg.type === 'repl-continue' || msg.type === 'repl-fullresync') this.linkUp = true;
    this.lastIoUs = this.ctx.monotonic();
  }

  /** BGREWRITEAOF once the disk works again: the AOF is rebuilt from memory. */
  private rewriteAofIfBehind(): void {
    const disk = this.ctx.disk;
    if (disk.failed || disk.full || disk.length === this.dataset.length) return;
    this.ctx.note(`redis: AOF rewritten from memory (${this.dataset.length} entries)`);
    disk.truncate(0);
    for (const e of this.dataset) disk.append(e);
  }

  private cron(): void {
    const now = this.ctx.monotonic();
    this.rewriteAofIfBehind();
    if (this.role === 'replica') {
      if (this.linkUp && now - this.lastIoUs > this.config.replTimeoutUs) {
        this.ctx.note('redis: MASTER timeout, link down');
        this.markLinkDown();
      }
      if (this.linkUp) this.ctx.send(this.masterHost!, { type: 'replconf-ack', offset: this.dataset.length });
      else this.connect();
      return;
    }
    if (this.waiters.length) this.checkWaiters();
    for (const [node, r] of this.replicas) {
      if (now - r.lastAckUs > this.config.replTimeoutUs) {
        this.replicas.delete(node);
        this.ctx.note(`redis: replica ${node} timed out`);
      }
    }
    // repl-ping-replica-period: a master pings its replicas so their link stays up when idle
    if (Math.floor(now / this.config.replPingReplicaPeriodUs) !== Math.floor((now - CRON_US) / this.config.replPingReplicaPeriodUs)) {
      for (const node of this.replicas.keys()) this.ctx.send(node, { type: 'repl-ping' });
    }
  }
}
