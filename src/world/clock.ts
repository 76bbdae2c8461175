/**
 * A node's local clock: virtual time plus an offset, a drift rate (ppm) and jumps (an NTP step,
 * a VM resumed with a stale clock). Lease-based designs compare local timestamps and are hurt
 * by it; timers are monotonic (they measure elapsed local time, so drift stretches them but a
 * jump does not fire them early).
 */
import type { Micros } from '../sim/time.ts';

export class LocalClock {
  /** Local reading at `anchorReal`. */
  private anchorLocal: Micros = 0;
  private anchorReal: Micros = 0;
  private driftPpm = 0;
  /** Sum of every jump so far; the monotonic reading leaves them out. */
  private jumpedTotal: Micros = 0;

  /** The local reading at virtual time `real`. */
  read(real: Micros): Micros {
    return Math.round(this.anchorLocal + (real - this.anchorReal) * (1 + this.driftPpm / 1e6));
  }

  /**
   * The monotonic reading at virtual time `real` (CLOCK_MONOTONIC): the local reading without
   * its jumps. It runs at the drifting local rate, like the timers, but never steps.
   */
  monotonic(real: Micros): Micros {
    return this.read(real) - this.jumpedTotal;
  }

  /** Steps the clock by `delta` (positive: forward). */
  jump(real: Micros, delta: Micros): void {
    this.reanchor(real);
    this.anchorLocal += delta;
    this.jumpedTotal += delta;
  }

  /** The clock is `offset` off (a bad NTP source) until `unskew(offset)` steps it back. */
  skew(real: Micros, offset: Micros): void {
    this.jump(real, offset);
  }

  unskew(real: Micros, offset: Micros): void {
    this.jump(real, -offset);
  }

  /** The clock runs `ppm` faster (negative: slower) until `undrift(ppm)`; overlapping drifts add. */
  drift(real: Micros, ppm: number): void {
    this.setDrift(real, this.driftPpm + ppm);
  }

  undrift(real: Micros, ppm: number): void {
    this.setDrift(real, this.driftPpm - ppm);
  }

  /** Sets the drift rate in parts per million (positive: runs fast). */
  setDrift(real: Micros, ppm: number): void {
    this.reanchor(real);
    this.driftPpm = ppm;
  }

  get driftRate(): number {
    return this.driftPpm;
  }

  /** Virtual time that elapses while this clock measures `localDelay`. */
  realDelay(localDelay: Micros): Micros {
    return this.driftPpm === 0 ? localDelay : localDelay / (1 + this.driftPpm / 1e6);
  }

  private reanchor(real: Micros): void {
    this.anchorLocal = this.read(real);
    this.anchorReal = real;
  }
}
