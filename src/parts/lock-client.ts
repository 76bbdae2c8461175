/**
 * The client side of the Redis-like store (`redis-lock-store.ts`): requests with ids and a socket
 * timeout, and, with Sentinel, the current master's address. A request unanswered within
 * `timeout` completes with `undefined` (Jedis' default socket timeout is 2 s; the caller sees
 * an exception). With sentinels, a timeout or a READONLY answer makes the client ask them for
 * the master again, and it takes every +switch-master they push: what Sentinel-aware clients
 * (Jedis' JedisSentinelPool, redis-py's Sentinel) do.
 *
 * A lock helper on top: `acquire` retries `SET key owner NX PX lease` every `retryInterval`
 * until it is granted or `waitTimeout` has passed (redis-py's `Lock.acquire(blocking=True,
 * sleep=0.1, blocking_timeout=...)`), and `release` is the compare-and-delete script.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import { defineProbe } from '../world/probes.ts';
import { messageKinds } from '../world/messages.ts';
import type { SentinelGetMaster, SentinelMaster } from './lock-store-sentinel.ts';
import type { RedisReply, RedisRequest } from './redis-lock-store.ts';

const CLIENT_MESSAGES = messageKinds<SentinelMaster | RedisReply>('sentinel-master', 'redis-reply');
const REPLY_MESSAGES = messageKinds<RedisReply>('redis-reply');

export const LOCK_ACQUIRED = defineProbe(import.meta.url, 'lock.acquired', 'a client got a lock it asked for (SET NX PX granted): it now believes it holds it', { recorded: true });
export const LOCK_RELEASED = defineProbe(import.meta.url, 'lock.released', 'a client let go of a lock (sent the compare-and-delete release)', { recorded: true });

/** A command without its envelope. */
export interface RedisCall {
  op: RedisRequest['op'];
  key?: string;
  owner?: string;
  px?: Micros;
  orderId?: string;
  token?: number;
}
export type ReplyHandler = (reply: RedisReply | undefined) => void;

export interface RedisClientOptions {
  /** The master in the client's configuration (the only server without sentinels). */
  master: string;
  /** Sentinels to ask for the master (empty: a fixed master). */
  sentinels: readonly string[];
  /** Per-request socket timeout. */
  timeout: Micros;
  /** First request id (clients of one process talking to several servers keep theirs apart). */
  reqIdBase?: number;
}

export interface LockOptions {
  /** PX: the lease the server gives the lock. */
  lease: Micros;
  /** Sleep between two attempts while the lock is busy. */
  retryInterval: Micros;
  /** Give up once this much time has passed since the first attempt. */
  waitTimeout: Micros;
}

/** The result of `acquire`: granted (with the fencing token), busy until the wait ran out, or the store failed. */
export type LockResult = { granted: true; token: number } | { granted: false; reason: 'lock-timeout' | 'store-unavailable' };

export class RedisClient implements Locker {
  master: string;
  /** Sentinel's configuration epoch of `master` (a push with an older one is stale). */
  private masterEpoch = 0;
  private nextReqId = 1;
  private readonly pending = new Map<number, { handler: ReplyHandler; timer: TimerHandle }>();
  private readonly retries = new Map<number, () => void>();
  private nextRetryId = 1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: RedisClientOptions,
  ) {
    this.master = options.master;
    this.nextReqId = (options.reqIdBase ?? 0) + 1;
  }

  /** Asks the sentinels for the current master (the first answer with the newest epoch wins). */
  discoverMaster(): void {
    for (const s of this.options.sentinels) this.ctx.send(s, { type: 'sentinel-get-master' } satisfies SentinelGetMaster);
  }

  call(command: RedisCall, handler: ReplyHandler): void {
    const reqId = this.nextReqId++;
    const timer = this.ctx.setTimer(this.options.timeout, 'redis-timeout', reqId);
    this.pending.set(reqId, { handler, timer });
    this.ctx.send(this.master, { type: 'redis', reqId, ...command } satisfies RedisRequest);
  }

  /** `SET key owner NX PX lease`, retried while busy. */
  acquire(key: string, owner: string, lock: LockOptions, done: (result: LockResult) => void): void {
    const startedAt = this.ctx.monotonic();
    const attempt = (): void =>
      this.call({ op: 'lock', key, owner, px: lock.lease }, (reply) => {
        if (reply?.ok) {
          this.ctx.probe(LOCK_ACQUIRED, key);
          return done({ granted: true, token: reply.token! });
        }
        if (reply?.error !== 'busy') return done({ granted: false, reason: 'store-unavailable' });
        if (this.ctx.monotonic() - startedAt + lock.retryInterval > lock.waitTimeout) return done({ granted: false, reason: 'lock-timeout' });
        const retryId = this.nextRetryId++;
        this.retries.set(retryId, attempt);
        this.ctx.setTimer(lock.retryInterval, 'redis-lock-retry', retryId);
      });
    attempt();
  }

  /** The release script: `if GET key == owner then DEL key`. Fire and forget. */
  release(key: string, owner: string, probe = true): void {
    if (probe) this.ctx.probe(LOCK_RELEASED, key);
    this.call({ op: 'unlock', key, owner }, () => {});
  }

  handle(from: string, msg: Msg): boolean {
    if (!CLIENT_MESSAGES.has(msg)) return false;
    if (msg.type === 'sentinel-master') {
      this.onMaster(msg.master, msg.epoch);
      return true;
    }
    const reply = msg;
    const waiting = this.pending.get(reply.reqId);
    if (!waiting) return true;
    this.pending.delete(reply.reqId);
    this.ctx.cancelTimer(waiting.timer);
    if (reply.error === 'READONLY' && from === this.master) this.discoverMaster();
    waiting.handler(reply);
    return true;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'redis-lock-retry') {
      const retry = this.retries.get(data as number);
      this.retries.delete(data as number);
      retry?.();
      return true;
    }
    if (kind !== 'redis-timeout') return false;
    const waiting = this.pending.get(data as number);
    if (!waiting) return true;
    this.pending.delete(data as number);
    this.discoverMaster();
    waiting.handler(undefined);
    return true;
  }

  private onMaster(master: string, epoch: number): void {
    if (epoch < this.masterEpoch) return;
    this.masterEpoch = epoch;
    this.master = master;
  }
}

/** What the instances lock with: one Redis (`RedisClient`) or Redlock over several. */
export interface Locker {
  acquire(key: string, owner: string, lock: LockOptions, done: (result: LockResult) => void): void;
  release(key: string, owner: string): void;
  handle(from: string, msg: Msg): boolean;
  onTimer(kind: string, data: unknown): boolean;
}

/**
 * Redlock (redis.io, "Distributed Locks with Redis", the Redlock algorithm) over N independent
 * masters: take the start time; send `SET key owner NX PX ttl` to every instance with a short
 * per-request timeout; the lock is held if a majority granted it and the time spent is below
 * the lease (validity = ttl - elapsed - drift, drift = ttl * 0.01 + 2 ms, as the page and the
 * reference redlock-py compute it); otherwise release every instance and retry after the
 * retry interval, until the wait timeout. Release sends the compare-and-delete to all.
 * There is no fencing token (Kleppmann, "How to do distributed locking": Redlock has no
 * facility for one), so `token` is 0.
 */
export class Redlock implements Locker {
  private readonly instances: RedisClient[];

  constructor(
    private readonly ctx: NodeContext,
    servers: readonly string[],
    requestTimeout: Micros,
  ) {
    this.instances = servers.map((master, i) => new RedisClient(ctx, { master, sentinels: [], timeout: requestTimeout, reqIdBase: (i + 1) * 1_000_000_000 }));
  }

  acquire(key: string, owner: string, lock: LockOptions, done: (result: LockResult) => void): void {
    const startedAt = this.ctx.monotonic();
    const quorum = Math.floor(this.instances.length / 2) + 1;
    const attempt = (): void => {
      const attemptAt = this.ctx.monotonic();
      let answered = 0;
      let granted = 0;
      for (const instance of this.instances) {
        instance.call({ op: 'lock', key, owner, px: lock.lease }, (reply) => {
          if (reply?.ok) granted++;
          if (++answered < this.instances.length) return;
          const elapsed = this.ctx.monotonic() - attemptAt;
          const drift = Math.floor(lock.lease / 100) + 2_000;
          if (granted >= quorum && lock.lease - elapsed - drift > 0) {
            this.ctx.probe(LOCK_ACQUIRED, key);
            return done({ granted: true, token: 0 });
          }
          for (const i of this.instances) i.release(key, owner, false);
          if (this.ctx.monotonic() - startedAt + lock.retryInterval > lock.waitTimeout) return done({ granted: false, reason: 'lock-timeout' });
          this.ctx.setTimer(lock.retryInterval, 'redlock-retry', attempt);
        });
      }
    };
    attempt();
  }

  release(key: string, owner: string): void {
    this.ctx.probe(LOCK_RELEASED, key);
    for (const instance of this.instances) instance.release(key, owner, false);
  }

  /** Replies and timeouts go to the instance whose request ids they carry (others are not Redlock's). */
  private instanceOf(reqId: number): RedisClient | undefined {
    return this.instances[Math.floor(reqId / 1_000_000_000) - 1];
  }

  handle(from: string, msg: Msg): boolean {
    if (!REPLY_MESSAGES.has(msg)) return false;
    return this.instanceOf(msg.reqId)?.handle(from, msg) ?? false;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'redlock-retry') {
      (data as () => void)();
      return true;
    }
    if (kind !== 'redis-timeout') return false;
    return this.instanceOf(data as number)?.onTimer(kind, data) ?? false;
  }
}
