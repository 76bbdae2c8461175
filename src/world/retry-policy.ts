/**
 * How a client retries an order, and whether it stops sending for a while: the retry policy
 * of the workload (`--retry`, or `retry:` in a schedule's workload section).
 *
 * - `fixed` (the default, hasim's behaviour before policies existed): a timed-out attempt is
 *   retried at once, a refused one after the workload's `retryBackoff`.
 * - `exponential[:<base>,<cap>]`: every retry (after a timeout or a refusal) waits
 *   `d = min(cap, base * 2^(r-1))` for retry r, with "equal jitter": half of d plus a uniform
 *   draw over the other half (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture
 *   Blog, 2015). The HA document's best practices ask for exponential backoff (§8); the jitter
 *   spreads the retries of many clients that timed out together, and the half kept fixed makes
 *   the spacing grow with every retry. Defaults: base 50 ms, cap 2 s.
 * - `breaker[:<failures>,<cooldown>]`: fixed retries behind a circuit breaker (the document's
 *   "Implement circuit breakers", §8; the closed/open/half-open machine of M. Nygard,
 *   "Release It!", ch. 5). After `failures` consecutive failed attempts (timed out or refused)
 *   the breaker opens for `cooldown`: every order the client would send, new or retried, is
 *   refused at once and ends `fail` (reason `circuit-open`), so it counts against availability
 *   like any refused order. After the cool-down one trial order goes through (half-open): an ack
 *   closes the breaker, a failure opens it again. Defaults: 5 failures, 10 s.
 *
 * The jitter draws from the client's own stream `retry:<client>`, so the same seed gives the
 * same retries, and a policy's draws never shift the arrival times of the orders.
 */
import { InputError } from '../sim/input-error.ts';
import { parseDuration, type Micros } from '../sim/time.ts';

export type RetryPolicy =
  | { kind: 'fixed' }
  | { kind: 'exponential'; base: Micros; cap: Micros }
  | { kind: 'breaker'; failures: number; coolDown: Micros };

export const RETRY_KINDS = ['fixed', 'exponential', 'breaker'] as const;

export const RETRY_EXPECTED = 'fixed, exponential[:<base>,<cap>] (e.g. exponential:50ms,2s) or breaker[:<failures>,<cooldown>] (e.g. breaker:5,10s)';

const DEFAULT_EXPONENTIAL = { base: 50_000, cap: 2_000_000 };
const DEFAULT_BREAKER = { failures: 5, coolDown: 10_000_000 };

/** Parses a policy as a flag or a file spells it; `source`/`field` name it in the error. */
export function parseRetryPolicy(raw: unknown, source: string, field: string): RetryPolicy {
  const bad = (): never => {
    throw new InputError(source, field, RETRY_EXPECTED, JSON.stringify(raw));
  };
  if (typeof raw !== 'string') return bad();
  const text = raw.trim();
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const args = colon < 0 ? [] : text.slice(colon + 1).split(',').map((a) => a.trim());
  if (colon >= 0 && args.length !== 2) return bad();
  const durationOf = (a: string): Micros => {
    const us = parseDuration(a, source, field);
    if (us <= 0) bad();
    return us;
  };
  switch (kind) {
    case 'fixed':
      return colon < 0 ? { kind: 'fixed' } : bad();
    case 'exponential': {
      if (colon < 0) return { kind: 'exponential', ...DEFAULT_EXPONENTIAL };
      const base = durationOf(args[0]);
      const cap = durationOf(args[1]);
      return cap >= base ? { kind: 'exponential', base, cap } : bad();
    }
    case 'breaker': {
      if (colon < 0) return { kind: 'breaker', ...DEFAULT_BREAKER };
      if (!/^\d+$/.test(args[0]) || Number(args[0]) < 1) return bad();
      return { kind: 'breaker', failures: Number(args[0]), coolDown: durationOf(args[1]) };
    }
    default:
      return bad();
  }
}

/** The policy as `--retry` spells it (`parseRetryPolicy` reads it back). */
export function retryPolicyText(p: RetryPolicy): string {
  switch (p.kind) {
    case 'fixed':
      return 'fixed';
    case 'exponential':
      return `exponential:${us(p.base)},${us(p.cap)}`;
    case 'breaker':
      return `breaker:${p.failures},${us(p.coolDown)}`;
  }
}

/** Microseconds in the largest unit that keeps them whole. */
export function us(micros: Micros): string {
  for (const [unit, name] of [[3_600_000_000, 'h'], [60_000_000, 'm'], [1_000_000, 's'], [1_000, 'ms']] as const) {
    if (micros > 0 && micros % unit === 0) return `${micros / unit}${name}`;
  }
  return `${micros}us`;
}

/**
 * The wait before retry `retry` (1 for the second attempt) under an exponential policy:
 * half of the capped exponential step plus a uniform share of the other half.
 */
export function exponentialDelay(p: { base: Micros; cap: Micros }, retry: number, uniform: number): Micros {
  const step = Math.min(p.cap, p.base * 2 ** (retry - 1));
  return Math.round(step / 2 + uniform * (step / 2));
}

/**
 * The circuit breaker's state machine, on its own so it is tested without a world: `allow`
 * asks whether an order may go out now, `failed`/`succeeded` report an attempt's fate.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil: Micros = -1;
  /** Half-open: the one trial order is out. */
  private trialOut = false;
  /** How many times the breaker opened (for tests and reports). */
  opened = 0;

  constructor(private readonly policy: { failures: number; coolDown: Micros }) {}

  state(now: Micros): 'closed' | 'open' | 'half-open' {
    if (this.openUntil < 0) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether an attempt may be sent at `now` (in half-open, only the one trial). */
  allow(now: Micros): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.trialOut) return false;
    this.trialOut = true;
    return true;
  }

  failed(now: Micros): void {
    this.consecutiveFailures++;
    const halfOpen = this.openUntil >= 0 && now >= this.openUntil;
    if (halfOpen || (this.openUntil < 0 && this.consecutiveFailures >= this.policy.failures)) {
      this.openUntil = now + this.policy.coolDown;
      this.trialOut = false;
      this.opened++;
    }
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.openUntil = -1;
    this.trialOut = false;
  }
}
