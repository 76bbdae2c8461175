/**
 * The DCS leader's TTL keys (etcd v3's lessor, collapsed to one lease per key): each key
 * written with a TTL expires `ttl` after the commit that last wrote it, on the leader's
 * monotonic clock; a new leader restarts every lease at its full TTL plus the election timeout
 * (lessor `Promote(electionTimeout)`); a follower holds none. Expiry itself is a replicated
 * delete the member proposes (dcs-member.ts `next`), so this only says which keys are due and
 * when to look again.
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';
import type { DcsKeys } from './dcs-store.ts';

/** The timer whose firing means some lease may be due. */
export const EXPIRY_TIMER = 'dcs-expiry';

export class DcsLeases {
  /** Monotonic expiry instant of each TTL key. */
  private readonly expiresAt = new Map<string, Micros>();
  private timer: TimerHandle | undefined;

  constructor(private readonly ctx: NodeContext) {}

  /** A new leader: every TTL key of its state restarts at its full TTL plus the election timeout. */
  promote(keys: DcsKeys, electionTimeoutUs: Micros): void {
    const now = this.ctx.monotonic();
    for (const [key, k] of Object.entries(keys)) {
      if (k.ttlUs !== undefined) this.expiresAt.set(key, now + electionTimeoutUs + k.ttlUs);
    }
  }

  /** After a commit: restarts the TTL of every key it wrote, forgets deleted keys, re-arms the timer. */
  track(previous: DcsKeys, keys: DcsKeys): void {
    const now = this.ctx.monotonic();
    for (const key of this.expiresAt.keys()) if (!keys[key]) this.expiresAt.delete(key);
    for (const [key, k] of Object.entries(keys)) {
      if (previous[key]?.modRev === k.modRev) continue;
      if (k.ttlUs === undefined) this.expiresAt.delete(key);
      else this.expiresAt.set(key, now + k.ttlUs);
    }
    this.schedule(true);
  }

  /** The keys whose TTL has run out by now. */
  expired(): string[] {
    const now = this.ctx.monotonic();
    return [...this.expiresAt].filter(([, at]) => at <= now).map(([key]) => key);
  }

  /** Arms the timer for the first expiry (a leader with TTL keys only). */
  schedule(isLeader: boolean): void {
    this.ctx.cancelTimer(this.timer);
    this.timer = undefined;
    if (!isLeader || this.expiresAt.size === 0) return;
    const first = Math.min(...this.expiresAt.values());
    this.timer = this.ctx.setTimer(Math.max(0, first - this.ctx.monotonic()), EXPIRY_TIMER);
  }

  /** The expiry timer fired. */
  fired(): void {
    this.timer = undefined;
  }

  /** A former leader holds no leases. */
  clear(): void {
    this.expiresAt.clear();
    this.ctx.cancelTimer(this.timer);
    this.timer = undefined;
  }
}
