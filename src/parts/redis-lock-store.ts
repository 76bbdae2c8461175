/**
 * A Redis-like store for per-resource locks and records: one single-threaded key-value server
 * (`RedisLockStore`, an Actor), optionally with replicas, as the active-active design uses it.
 *
 * Why not the Redis server of `redis-server.ts`: this one speaks the lock service's commands
 * (SET NX PX, compare-and-delete, the fencing counter, AOF appendfsync and MISCONF) over a
 * compact replication stream; that one models Redis 7 replication itself (PSYNC2, WAIT,
 * min-replicas, INFO for Sentinel) that the redis-sentinel design's findings rest on. Merging
 * them would change both designs' behaviour, so it is left for its own change.
 *
 * Commands (message `redis`, answered by `redis-reply` with the same `reqId`):
 *
 *   lock    SET key owner NX PX ms      granted unless a live key exists; with it, a fencing
 *                                       token: a counter INCRed in the same script
 *   get     GET order:<id>              whether the order's record exists
 *   record  SET order:<id> <record>     the record, appended to the AOF; with `checkTokens` a
 *                                       script refuses it when the stored record carries a
 *                                       higher token (the storage side of Kleppmann's fencing)
 *   unlock  compare-and-delete script   DEL key only if it still holds `owner` (Redis docs)
 *
 * Keys expire by the server's *wall clock* (`ctx.now()`): Redis stores expiry times as
 * absolute Unix times, so a clock that jumps forward expires every lock early.
 *
 * Persistence is the append-only file with `appendfsync`: `always` fsyncs before replying;
 * `everysec` (Redis's default AOF policy) replies at once and fsyncs the buffered writes once
 * a second, so a crash loses up to a second of acknowledged records. (Real Redis hands each
 * write to the kernel before replying, so a kill -9 loses at most one write and only a power
 * loss loses the second; the simulated disk has no separate page cache, so any crash loses
 * the buffer.) The order records are the log that `no-lost-ack` reads; locks are volatile (a
 * restarted server comes back without them, as the Redlock page warns; most would have
 * expired by then anyway) and the fencing counter is persisted with the AOF's fsync. When the
 * AOF cannot be written (a failed or full disk) the server refuses every write (`MISCONF`, as
 * Redis does after an AOF write error) and, once the disk takes writes again, rewrites the AOF
 * from memory (BGREWRITEAOF), so nothing it acknowledged is lost with the old file.
 *
 * Replication is asynchronous, as in Redis: the master replies first and streams each write to
 * its replicas (`redis-repl`, with an offset); a replica applies them in order and asks for a
 * full resync (`redis-psync` -> `redis-fullsync`) after a gap, a new master or `replTimeout` of
 * silence. A full resync replaces the replica's data and rewrites its AOF: that is how a
 * demoted master "discards its data when it rejoins". A replica refuses writes (READONLY).
 * Sentinel (see `lock-store-sentinel.ts`) pings every server and moves the master role with
 * `redis-replicaof-no-one` and `redis-replicaof`. The master declares role `primary` and a
 * replica `standby`, with Sentinel's configuration epoch.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';
import { defineProbe, emitsProbe } from '../world/probes.ts';
import { REPL_SENT as SHARED_REPL_SENT } from './common-probes.ts';
import { messageKinds } from '../world/messages.ts';
import type { ReplicaOf, ReplicaOfNoOne, SentinelPing, SentinelPong } from './lock-store-sentinel.ts';

export const LOCK_GRANTED = defineProbe(import.meta.url, 'lock.granted', 'the lock server granted a lock (on the master, before the write reaches any replica)');
export const LOCK_EXPIRED = defineProbe(import.meta.url, 'lock.expired', 'a lock\'s lease ran out while held: the server granted it again before its holder released it, or the holder released it late', { neverAtRisk: 'no lock ever expired while held' });
export const LOCK_LOST = defineProbe(import.meta.url, 'lock.lost', 'a holder released a lock that was no longer its own (it expired or was lost in a failover while held)');
export const STORE_RECORD = defineProbe(import.meta.url, 'store.record', 'the store wrote an order record (on the master)');
const REPL_SENT = emitsProbe(import.meta.url, SHARED_REPL_SENT);
export const REDIS_PROMOTED = defineProbe(import.meta.url, 'redis.promoted', 'a Redis replica became master (REPLICAOF NO ONE)');
export const REDIS_DEMOTED = defineProbe(import.meta.url, 'redis.demoted', 'a Redis master became a replica (REPLICAOF): it will resync and drop what it accepted');

export type AppendFsync = 'always' | 'everysec';

/** A command from a client. */
export interface RedisRequest extends Msg {
  type: 'redis';
  reqId: number;
  op: 'lock' | 'get' | 'record' | 'unlock';
  key?: string;
  owner?: string;
  /** Lock lease in microseconds (PX, in the server's clock). */
  px?: Micros;
  orderId?: string;
  token?: number;
}

export interface RedisReply extends Msg {
  type: 'redis-reply';
  reqId: number;
  ok: boolean;
  /** For `lock`: the fencing token of the grant. */
  token?: number;
  /** For `get`: whether the record exists. */
  found?: boolean;
  /**
   * Why not: `busy` (lock held), `READONLY` (a replica), `stale-token` (fenced record write),
   * `MISCONF` (the AOF cannot be written: writes are refused until it can).
   */
  error?: 'busy' | 'READONLY' | 'stale-token' | 'MISCONF';
}

type ReplOp =
  | { k: 'lock'; key: string; owner: string; expiresAt: Micros; counter: number }
  | { k: 'unlock'; key: string }
  | { k: 'record'; orderId: string; token: number | undefined };

interface ReplMsg extends Msg {
  type: 'redis-repl';
  replId: string;
  /** The offset this op takes the stream to. */
  offset: number;
  op: ReplOp;
}

interface FullSync extends Msg {
  type: 'redis-fullsync';
  replId: string;
  offset: number;
  records: [string, number | undefined][];
  locks: [string, string, Micros][];
  counter: number;
}

/** What Sentinel's CONFIG REWRITE leaves in redis.conf: this server's role across restarts. */
interface ReplPing extends Msg {
  type: 'redis-repl-ping';
  replId: string;
  offset: number;
}
interface PsyncRequest extends Msg {
  type: 'redis-psync';
}
const STORE_MESSAGES = messageKinds<RedisRequest | ReplMsg | ReplPing | PsyncRequest | FullSync | SentinelPing | ReplicaOfNoOne | ReplicaOf>(
  'redis',
  'redis-repl',
  'redis-repl-ping',
  'redis-psync',
  'redis-fullsync',
  'sentinel-ping',
  'redis-replicaof-no-one',
  'redis-replicaof',
);

interface RedisConfig {
  role: 'master' | 'replica';
  master: string | undefined;
  epoch: number;
}

export interface RedisLockStoreOptions {
  /** Role in the initial redis.conf (`replicaof <master>` for a replica). */
  initialRole: 'master' | 'replica';
  initialMaster?: string;
  appendfsync: AppendFsync;
  /** Refuse record writes carrying a lower token than the stored record's. */
  checkTokens: boolean;
  /** A replica with no stream traffic for this long reconnects (repl-timeout). */
  replTimeout: Micros;
  /** The master pings its replicas this often (repl-ping-replica-period). */
  replPingPeriod: Micros;
  /**
   * The clock lock leases expire by (default `wall`): Redis keeps a key's expiry as an absolute
   * Unix time (`mstime()` in expire.c), so a wall-clock jump expires it early; `monotonic` is
   * the alternative Redlock's critics ask for (a lease measured by elapsed time).
   */
  expiryClock?: 'wall' | 'monotonic';
  /** A lock-only server (a Redlock instance besides the store): declares itself `witness`, not primary. */
  lockOnly?: boolean;
}

const CONFIG_KEY = 'redis-config';
const COUNTER_KEY = 'redis-fencing-counter';
const EVERYSEC: Micros = 1_000_000;
const PSYNC_RETRY: Micros = 1_000_000;

export class RedisLockStore implements Actor {
  private config: RedisConfig;
  /** order id -> the token its record was written with. */
  private records = new Map<string, number | undefined>();
  private locks = new Map<string, { owner: string; expiresAt: Micros }>();
  private counter = 0;
  private aofBuffer: DiskEntry[] = [];
  private counterDirty = false;
  /** The last AOF write failed: writes are refused until a rewrite succeeds. */
  private aofError = false;
  // replication, master side
  private replId: string;
  private offset = 0;
  private readonly replicas = new Set<string>();
  // replication, replica side
  private following: { replId: string; offset: number } | undefined;
  private lastFromMaster: Micros = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: RedisLockStoreOptions,
  ) {
    const saved = ctx.disk.get(CONFIG_KEY) as RedisConfig | undefined;
    this.config = saved ?? { role: options.initialRole, master: options.initialMaster, epoch: 1 };
    this.replId = `${ctx.id}:${ctx.bootCount}`;
    // loading the AOF: records durable before the last crash, and the counter with them
    for (const entry of ctx.disk.entries) this.records.set(entry.orderId, entry.token as number | undefined);
    this.counter = (ctx.disk.get(COUNTER_KEY) as number | undefined) ?? 0;
  }

  onStart(): void {
    this.declare();
    // everysec: the background fsync every second; always: a retry loop for a failed AOF
    this.ctx.setTimer(EVERYSEC, this.options.appendfsync === 'everysec' ? 'redis-aof-fsync' : 'redis-aof-retry');
    this.ctx.setTimer(this.options.replPingPeriod, 'redis-repl-ping');
    if (this.config.role === 'replica') this.psync();
  }

  onMessage(from: string, msg: Msg): void {
    if (!STORE_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'redis':
        return this.command(from, msg);
      case 'redis-repl':
        return this.applyStream(from, msg);
      case 'redis-repl-ping':
        if (this.isFollowing(from, msg.replId)) this.lastFromMaster = this.ctx.monotonic();
        return;
      case 'redis-psync':
        return this.answerPsync(from);
      case 'redis-fullsync':
        return this.applyFullSync(from, msg);
      case 'sentinel-ping':
        this.ctx.send(from, {
          type: 'sentinel-pong', seq: msg.seq, role: this.config.role, epoch: this.config.epoch,
          master: this.config.master, offset: this.config.role === 'master' ? this.offset : (this.following?.offset ?? 0),
        } satisfies SentinelPong);
        return;
      case 'redis-replicaof-no-one':
        return this.becomeMaster(msg.epoch);
      case 'redis-replicaof':
        return this.becomeReplica(msg.master, msg.epoch);
    }
  }

  onTimer(kind: string): void {
    switch (kind) {
      case 'redis-aof-fsync':
        this.fsyncAof();
        this.ctx.setTimer(EVERYSEC, 'redis-aof-fsync');
        return;
      case 'redis-aof-retry':
        if (this.aofError) this.rewriteAof();
        this.ctx.setTimer(EVERYSEC, 'redis-aof-retry');
        return;
      case 'redis-repl-ping':
        this.ctx.setTimer(this.options.replPingPeriod, 'redis-repl-ping');
        if (this.config.role === 'master') {
          for (const r of this.replicas) this.ctx.send(r, { type: 'redis-repl-ping', replId: this.replId, offset: this.offset } satisfies ReplPing);
        } else if (this.ctx.monotonic() - this.lastFromMaster > this.options.replTimeout) {
          this.psync(); // MASTER <-> REPLICA sync: link timed out, reconnect
        }
        return;
      case 'redis-psync-retry':
        if (this.config.role === 'replica' && !this.following) this.psync();
        return;
      default:
        return;
    }
  }

  /** What lock leases are measured by: the wall clock (Redis), or the monotonic clock. */
  private leaseClock(): Micros {
    return this.options.expiryClock === 'monotonic' ? this.ctx.monotonic() : this.ctx.now();
  }

  // --- commands -------------------------------------------------------------------------

  private command(from: string, req: RedisRequest): void {
    const reply = (fields: Omit<RedisReply, 'type' | 'reqId'>): void => this.ctx.send(from, { type: 'redis-reply', reqId: req.reqId, ...fields });
    if (req.op === 'get') return reply({ ok: true, found: this.records.has(req.orderId!) });
    if (this.config.role !== 'master') return reply({ ok: false, error: 'READONLY' });
    if (this.aofError) return reply({ ok: false, error: 'MISCONF' });
    switch (req.op) {
      case 'lock': {
        const held = this.locks.get(req.key!);
        if (held && held.expiresAt > this.leaseClock()) return reply({ ok: false, error: 'busy' });
        if (held) this.ctx.probe(LOCK_EXPIRED, req.key);
        this.ctx.probe(LOCK_GRANTED, req.key);
        const expiresAt = this.leaseClock() + req.px!;
        const token = ++this.counter;
        this.locks.set(req.key!, { owner: req.owner!, expiresAt });
        this.propagate({ k: 'lock', key: req.key!, owner: req.owner!, expiresAt, counter: this.counter });
        if (this.options.appendfsync === 'always') {
          this.ctx.disk.put(COUNTER_KEY, this.counter, (ok) => {
            if (ok) return reply({ ok: true, token });
            this.aofError = true;
            if (this.locks.get(req.key!)?.owner === req.owner) this.locks.delete(req.key!);
            reply({ ok: false, error: 'MISCONF' });
          });
        } else {
          this.counterDirty = true;
          reply({ ok: true, token });
        }
        return;
      }
      case 'unlock': {
        const held = this.locks.get(req.key!);
        if (held && held.owner === req.owner) {
          if (held.expiresAt <= this.leaseClock()) this.ctx.probe(LOCK_EXPIRED, req.key); // released after its lease ran out
          this.locks.delete(req.key!);
          this.propagate({ k: 'unlock', key: req.key! });
        } else {
          this.ctx.probe(LOCK_LOST, req.key);
        }
        return reply({ ok: true });
      }
      case 'record': {
        const orderId = req.orderId!;
        const stored = this.records.get(orderId);
        if (this.options.checkTokens && stored !== undefined && req.token !== undefined && req.token < stored) {
          return reply({ ok: false, error: 'stale-token' });
        }
        this.ctx.probe(STORE_RECORD, orderId);
        this.storeRecord(orderId, req.token, (ok) => reply(ok ? { ok: true } : { ok: false, error: 'MISCONF' }));
        this.propagate({ k: 'record', orderId, token: req.token });
        return;
      }
      default:
        return;
    }
  }

  /** Sets the record and appends it to the AOF; `done` per the fsync policy. */
  private storeRecord(orderId: string, token: number | undefined, done?: (ok: boolean) => void): void {
    const known = this.records.has(orderId);
    this.records.set(orderId, token);
    if (known) {
      done?.(true); // an overwrite: the log already holds the order
      return;
    }
    const entry: DiskEntry = { orderId, token };
    if (this.options.appendfsync === 'always') {
      this.ctx.disk.append(entry, (ok) => {
        if (!ok) this.aofError = true;
        done?.(ok);
      });
    } else {
      this.aofBuffer.push(entry);
      done?.(true);
    }
  }

  /** appendfsync everysec: the background fsync of the last second's writes. */
  private fsyncAof(): void {
    if (this.aofError) return this.rewriteAof();
    const batch = this.aofBuffer;
    this.aofBuffer = [];
    for (const entry of batch) this.ctx.disk.append(entry, this.onAofWrite);
    if (this.counterDirty) {
      this.counterDirty = false;
      this.ctx.disk.put(COUNTER_KEY, this.counter);
    }
  }

  private readonly onAofWrite = (ok: boolean): void => {
    if (!ok) this.aofError = true;
  };

  /** BGREWRITEAOF once the disk takes writes again: the whole dataset from memory. */
  private rewriteAof(): void {
    const disk = this.ctx.disk;
    if (disk.failed || disk.full) return;
    this.aofError = false;
    this.aofBuffer = [];
    disk.truncate(0);
    for (const [orderId, token] of this.records) disk.append({ orderId, token }, this.onAofWrite);
    disk.put(COUNTER_KEY, this.counter);
  }

  // --- replication ----------------------------------------------------------------------

  private propagate(op: ReplOp): void {
    this.offset++;
    if (this.replicas.size > 0) this.ctx.probe(REPL_SENT);
    for (const r of this.replicas) this.ctx.send(r, { type: 'redis-repl', replId: this.replId, offset: this.offset, op } satisfies ReplMsg);
  }

  private isFollowing(from: string, replId: string): boolean {
    return this.config.role === 'replica' && from === this.config.master && this.following?.replId === replId;
  }

  private applyStream(from: string, msg: ReplMsg): void {
    if (this.config.role !== 'replica' || from !== this.config.master) return;
    if (!this.following) return; // waiting for a full sync
    if (msg.replId !== this.following.replId || msg.offset !== this.following.offset + 1) return this.psync();
    this.following.offset = msg.offset;
    this.lastFromMaster = this.ctx.monotonic();
    const op = msg.op;
    if (op.k === 'lock') {
      this.locks.set(op.key, { owner: op.owner, expiresAt: op.expiresAt });
      this.counter = Math.max(this.counter, op.counter);
      this.counterDirty = true;
      if (this.options.appendfsync === 'always') this.ctx.disk.put(COUNTER_KEY, this.counter);
    } else if (op.k === 'unlock') {
      this.locks.delete(op.key);
    } else {
      this.storeRecord(op.orderId, op.token);
    }
  }

  private psync(): void {
    if (this.config.role !== 'replica' || !this.config.master) return;
    this.following = undefined;
    this.lastFromMaster = this.ctx.monotonic();
    this.ctx.send(this.config.master, { type: 'redis-psync' } satisfies PsyncRequest);
    this.ctx.setTimer(PSYNC_RETRY, 'redis-psync-retry');
  }

  private answerPsync(from: string): void {
    if (this.config.role !== 'master') return;
    this.replicas.add(from);
    const sync: FullSync = {
      type: 'redis-fullsync',
      replId: this.replId,
      offset: this.offset,
      records: [...this.records],
      locks: [...this.locks].map(([key, l]) => [key, l.owner, l.expiresAt]),
      counter: this.counter,
    };
    this.ctx.send(from, sync);
  }

  /** A full resync: the replica's dataset and AOF are replaced by the master's. */
  private applyFullSync(from: string, msg: FullSync): void {
    if (this.config.role !== 'replica' || from !== this.config.master) return;
    this.following = { replId: msg.replId, offset: msg.offset };
    this.lastFromMaster = this.ctx.monotonic();
    this.records = new Map(msg.records);
    this.locks = new Map(msg.locks.map(([key, owner, expiresAt]) => [key, { owner, expiresAt }]));
    this.counter = msg.counter;
    this.aofBuffer = [];
    const disk = this.ctx.disk;
    disk.truncate(0);
    for (const [orderId, token] of msg.records) disk.append({ orderId, token });
    disk.put(COUNTER_KEY, this.counter);
  }

  // --- roles (moved by Sentinel) ----------------------------------------------------------

  private becomeMaster(epoch: number): void {
    if (epoch < this.config.epoch) return;
    if (this.config.role === 'master' && epoch === this.config.epoch) return;
    this.ctx.note(`REPLICAOF NO ONE (epoch ${epoch})`);
    this.ctx.probe(REDIS_PROMOTED);
    this.config = { role: 'master', master: undefined, epoch };
    this.following = undefined;
    this.replicas.clear();
    this.replId = `${this.ctx.id}:${this.ctx.bootCount}:${epoch}`;
    this.offset = 0;
    this.saveConfig();
    this.declare();
  }

  private becomeReplica(master: string, epoch: number): void {
    if (epoch < this.config.epoch || master === this.ctx.id) return;
    if (this.config.role === 'replica' && this.config.master === master && epoch === this.config.epoch) return;
    this.ctx.note(`REPLICAOF ${master} (epoch ${epoch})`);
    if (this.config.role === 'master') this.ctx.probe(REDIS_DEMOTED);
    this.config = { role: 'replica', master, epoch };
    this.replicas.clear();
    this.saveConfig();
    this.declare();
    this.psync();
  }

  private saveConfig(): void {
    this.ctx.disk.put(CONFIG_KEY, { ...this.config });
  }

  private declare(): void {
    if (this.options.lockOnly) return this.ctx.declareRole('witness', this.config.epoch);
    this.ctx.declareRole(this.config.role === 'master' ? 'primary' : 'standby', this.config.epoch);
  }
}
