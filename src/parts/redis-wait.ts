/**
 * Redis's WAIT numreplicas timeout, as the application sends it after each write on the master
 * (redis.io/commands/wait; replication.c waitCommand / processClientsWaitingReplicas): the
 * client blocks until `numreplicas` replicas acked its offset (the master asks with REPLCONF
 * GETACK) or the timeout passes, then gets the count reached either way. The application acks
 * the order regardless, so WAIT is best effort, not a guarantee.
 *
 * Waiters are released in write order; one timer is armed, always for the oldest waiter's
 * deadline (timer kind `redis-wait`).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';

interface Waiter {
  offset: number;
  done: (ok: boolean, replicas?: number) => void;
  deadlineUs: Micros;
}

export const WAIT_TIMER = 'redis-wait';

export class RedisWait {
  private waiters: Waiter[] = [];
  /** One timer, always for the oldest waiter's deadline. */
  private waitTimer: TimerHandle | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: {
      /** WAIT's numreplicas and timeout. */
      waitReplicas: number;
      waitTimeoutUs: Micros;
      /** How many replicas acked at least `offset`. */
      ackedAtLeast(offset: number): number;
    },
  ) {}

  get pending(): boolean {
    return this.waiters.length > 0;
  }

  /** A client's WAIT for the write ending at `offset`; the caller then asks for acks and `check`s. */
  add(offset: number, done: (ok: boolean, replicas?: number) => void): void {
    this.waiters.push({ offset, done, deadlineUs: this.ctx.monotonic() + this.options.waitTimeoutUs });
    this.arm();
  }

  /** Releases, oldest first, the waiters with enough acks or past their deadline. */
  check(): void {
    const now = this.ctx.monotonic();
    let i = 0;
    for (; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      const acked = this.options.ackedAtLeast(w.offset);
      // WAIT returns the count reached when enough acked or on timeout: the ack happens either way
      if (acked < this.options.waitReplicas && now < w.deadlineUs) break;
      w.done(true, acked);
    }
    if (i > 0) this.waiters = this.waiters.slice(i);
  }

  /** The oldest waiter's deadline passed. */
  onTimer(): void {
    this.waitTimer = undefined;
    this.check();
    this.arm();
  }

  /** Ends every blocked WAIT now (the master was demoted). */
  release(ok: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.done(ok);
  }

  private arm(): void {
    if (this.waitTimer || this.waiters.length === 0) return;
    this.waitTimer = this.ctx.setTimer(Math.max(0, this.waiters[0].deadlineUs - this.ctx.monotonic()), WAIT_TIMER);
  }
}
