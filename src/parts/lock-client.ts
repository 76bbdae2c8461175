/**
 * The client side of the Redis-like store (`lock-service.ts`): requests with ids and a socket
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
import type { RedisReply, RedisRequest } from './lock-service.ts';

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

export class RedisClient {
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
  }

  /** Asks the sentinels for the current master (the first answer with the newest epoch wins). */
  discoverMaster(): void {
    for (const s of this.options.sentinels) this.ctx.send(s, { type: 'sentinel-get-master' });
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
  release(key: string, owner: string): void {
    this.ctx.probe(LOCK_RELEASED, key);
    this.call({ op: 'unlock', key, owner }, () => {});
  }

  handle(from: string, msg: Msg): boolean {
    if (msg.type === 'sentinel-master') {
      this.onMaster(msg.master as string, msg.epoch as number);
      return true;
    }
    if (msg.type !== 'redis-reply') return false;
    const reply = msg as RedisReply;
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
