/**
 * The two tools the shrinker is made of: a budgeted, memoised predicate (every schedule is
 * simulated at most once, and never beyond the run budget), and searches for the smallest (or
 * largest) duration that still fails which prefer round values, so a shrunk schedule says
 * `for: 5s` rather than `for: 4.987s` when both fail.
 */
import { DAY, HOUR, MINUTE, MS, SECOND, type Micros } from '../sim/time.ts';
import type { Schedule } from './schedule.ts';

/** Stop a search when the failing value is known to within this fraction of itself. */
export const RELATIVE_PRECISION = 0.02;

/** Round steps, smallest first: 1ms 2ms 5ms 10ms ... 5d. */
const NICE_STEPS: Micros[] = [MS, SECOND, MINUTE, HOUR].flatMap((unit) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((k) => k * unit)).concat([DAY, 2 * DAY, 5 * DAY]);

/** The caller's predicate behind a cache and a budget. */
export class Attempts {
  /** Predicate calls made (cache hits are free). */
  runs = 0;
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly stillFails: (candidate: Schedule) => boolean,
    private readonly maxRuns: number,
  ) {}

  /** Records an outcome known without a run (the schedule the caller says fails). */
  remember(schedule: Schedule, fails: boolean): void {
    this.known.set(keyOf(schedule), fails);
  }

  /** Whether `candidate` still fails; false, without a run, once the budget is spent. */
  fails(candidate: Schedule): boolean {
    const key = keyOf(candidate);
    const known = this.known.get(key);
    if (known !== undefined) return known;
    if (this.exhausted) return false;
    this.runs++;
    const fails = this.stillFails(candidate);
    this.known.set(key, fails);
    return fails;
  }

  get exhausted(): boolean {
    return this.runs >= this.maxRuns;
  }
}

/** What makes two schedules the same run (names and descriptions do not). */
function keyOf(s: Schedule): string {
  return JSON.stringify([s.duration, s.settle, s.faults]);
}

/**
 * The smallest value in [floor, failing] that still fails, found by trying `floor` first (a
 * fault whose length does not matter shrinks in one run), then bisecting between a passing
 * and a failing value, each probe the roundest number near the middle. `failing` must fail.
 */
export function smallestFailing(floor: Micros, failing: Micros, fails: (value: Micros) => boolean): Micros {
  if (floor >= failing) return failing;
  if (fails(floor)) return floor;
  let passing = floor;
  while (failing - passing > Math.max(MS, failing * RELATIVE_PRECISION)) {
    const probe = roundBetween(passing, failing);
    if (fails(probe)) failing = probe;
    else passing = probe;
  }
  return failing;
}

/**
 * The largest value in [failing, ceiling] that still fails: `ceiling` first, then bisecting
 * between a failing and a passing value at round numbers, as `smallestFailing` does downwards.
 * `failing` must fail.
 */
export function largestFailing(failing: Micros, ceiling: Micros, fails: (value: Micros) => boolean): Micros {
  ceiling = roundDown(ceiling);
  if (ceiling <= failing) return failing;
  if (fails(ceiling)) return ceiling;
  let passing = ceiling;
  while (passing - failing > Math.max(MS, passing * RELATIVE_PRECISION)) {
    const probe = roundBetween(failing, passing);
    if (fails(probe)) failing = probe;
    else passing = probe;
  }
  return failing;
}

/** `x` rounded down to a multiple of the largest round step up to a tenth of it (75.999 s -> 75 s, 1.234 s -> 1.2 s). */
export function roundDown(x: Micros): Micros {
  let step = NICE_STEPS[0];
  for (const s of NICE_STEPS) if (s <= x / 10) step = s;
  return Math.floor(x / step) * step;
}

/** The multiple of the largest round step <= half the gap that lies nearest the middle: strictly inside (lo, hi). */
export function roundBetween(lo: Micros, hi: Micros): Micros {
  const half = (hi - lo) / 2;
  let step = NICE_STEPS[0];
  for (const s of NICE_STEPS) if (s <= half) step = s;
  const probe = Math.ceil((lo + half) / step - 0.5) * step; // ties go to the smaller value
  return Math.min(hi - 1, Math.max(lo + 1, probe));
}
