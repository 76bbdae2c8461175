/**
 * An external health checker: a monitor that probes one endpoint's health check (the world's
 * `health-check` message, answered on the target's `threadOf('health-check')` thread) and
 * decides it is down after `failureThreshold` failed checks in a row and up again after
 * `successThreshold` good ones. A check fails when the answer says unhealthy or when none comes
 * within `timeout` (a dead host, a partition, a stuck health thread all look alike).
 *
 * Two loop shapes, because real monitors differ:
 * - `fixed-rate`: a check starts every `interval` whatever the last one did (Route 53's health
 *   checkers, HAProxy);
 * - `sleep-after`: check, wait for its verdict, sleep `interval`, repeat (a shell monitor
 *   `while true; do pg_isready -t T || ...; sleep N; done`).
 *
 *   fixed-rate:   |check|----------|check|----------|check|...   starts every interval
 *   sleep-after:  |check..timeout|--interval--|check..|--interval--|...
 *
 * Like any monitor it sees only what its probe sees: a host alive for the clients but cut off
 * from the monitor is condemned (and nothing stops it serving), and a health endpoint that
 * answers while the order path is stuck is healthy.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import { RiseFall } from '../world/rise-fall.ts';

/** Timer kinds of this part. */
export const HEALTH_PROBE_KINDS: ReadonlySet<string> = new Set(['probe-next', 'probe-timeout']);

export interface HealthProbeOptions {
  /** The endpoint checked. */
  target: string;
  /** Period of the checks (fixed-rate) or sleep between them (sleep-after). */
  intervalUs: Micros;
  /** A check not answered by then has failed. */
  timeoutUs: Micros;
  loop: 'fixed-rate' | 'sleep-after';
  /** Failed checks in a row to declare the target down. */
  failureThreshold: number;
  /** Good checks in a row to declare it up again. */
  successThreshold: number;
  /** When the first check starts (default: one interval from `start`). */
  firstCheckDelayUs?: Micros;
  /** After every check: its verdict and the failures in a row so far. */
  onCheck?(ok: boolean, consecutiveFailures: number): void;
  /** The target went down (`failureThreshold` failures in a row). */
  onDown(): void;
  /** The target is up again (`successThreshold` successes in a row after being down). */
  onUp?(): void;
}

export class HealthProbe {
  private nextCheckId = 1;
  private awaiting: number | undefined;
  private checks: RiseFall;
  private target: string;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: HealthProbeOptions,
  ) {
    this.checks = new RiseFall(options.successThreshold, options.failureThreshold);
    this.target = options.target;
  }

  /** Checks another endpoint from now on (a monitor following the new primary), starting healthy. */
  retarget(target: string): void {
    this.target = target;
    this.awaiting = undefined;
    this.checks = new RiseFall(this.options.successThreshold, this.options.failureThreshold);
  }

  /** The monitor's verdict; targets start healthy. */
  get up(): boolean {
    return this.checks.up;
  }

  start(): void {
    this.ctx.setTimer(this.options.firstCheckDelayUs ?? this.options.intervalUs, 'probe-next');
  }

  /** Handles the target's `health-result`; false for any other message. */
  handle(from: string, msg: Msg): boolean {
    if (msg.type !== 'health-result') return false;
    if (from === this.target && msg.checkId === this.awaiting) this.verdict(msg.healthy === true);
    return true;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'probe-next') {
      if (this.options.loop === 'fixed-rate') this.ctx.setTimer(this.options.intervalUs, 'probe-next');
      if (this.awaiting !== undefined) this.verdict(false); // the previous check never finished
      this.check();
      return true;
    }
    if (kind === 'probe-timeout') {
      if (data === this.awaiting) this.verdict(false);
      return true;
    }
    return false;
  }

  private check(): void {
    const checkId = this.nextCheckId++;
    this.awaiting = checkId;
    this.ctx.send(this.target, { type: 'health-check', checkId });
    this.ctx.setTimer(this.options.timeoutUs, 'probe-timeout', checkId);
  }

  private verdict(ok: boolean): void {
    this.awaiting = undefined;
    const changed = this.checks.record(ok);
    this.options.onCheck?.(ok, this.checks.failures);
    if (changed === false) this.options.onDown();
    else if (changed === true) this.options.onUp?.();
    if (this.options.loop === 'sleep-after') this.ctx.setTimer(this.options.intervalUs, 'probe-next');
  }
}
