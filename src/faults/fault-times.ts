/**
 * Seeded random fault times and durations. A fault at exactly 20 s meets a periodic protocol
 * (Patroni's 10 s HA loop, Sentinel's INFO period, a corosync token, a DNS TTL) at nearly the
 * same phase in every seed, so a distribution of failover times comes out far too narrow. A
 * schedule may instead give a range, drawn per seed:
 *
 * ```yaml
 * - { at: 20s..30s, kind: process-crash, target: primary, for: 5s..15s }
 * ```
 *
 * Each is uniform over the closed range, in whole microseconds, drawn from the fault's own
 * stream `fault-time:<id>` of the run's seed, so adding a fault or a fault kind does not move
 * another fault's draw, and a schedule with fixed times draws nothing (its runs stay the same).
 * A fault's `at` is the range's start and `atMax` its end; `for` and `forMax` likewise.
 */
import { Rng } from '../sim/rng.ts';
import { DURATION_EXPECTED, type Micros } from '../sim/time.ts';
import { fail, parseDurationField, writeDuration, type At } from './fields.ts';
import type { FaultSpec, Schedule } from './schedule.ts';

/** A fixed time (`max` undefined) or a range to draw from. */
export interface TimeRange {
  min: Micros;
  max?: Micros;
}

const RANGE_SEPARATOR = '..';
export const TIME_RANGE_EXPECTED = `${DURATION_EXPECTED}, or a range such as 20s..30s (drawn per seed)`;
/** JSON Schema pattern of a duration or a range of two. */
export const TIME_RANGE_PATTERN = '^(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+(\\.\\.(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+)?$';

/** Parses `30s` or `20s..30s` (the end strictly after the start). */
export function parseTimeRange(raw: unknown, at: At): TimeRange {
  if (typeof raw !== 'string' || !raw.includes(RANGE_SEPARATOR)) return { min: parseDurationField(raw, at) };
  const [low, high, ...rest] = raw.split(RANGE_SEPARATOR);
  if (rest.length > 0) fail(at, TIME_RANGE_EXPECTED, raw);
  const min = parseDurationField(low.trim(), at);
  const max = parseDurationField(high.trim(), at);
  if (max <= min) fail(at, `a range whose end is after its start, such as 20s..30s`, raw);
  return { min, max };
}

export function writeTimeRange(min: Micros, max: Micros | undefined): string {
  return max === undefined ? writeDuration(min) : `${writeDuration(min)}${RANGE_SEPARATOR}${writeDuration(max)}`;
}

/** Whether a fault's start or length is drawn per seed. */
export function hasRandomTimes(fault: FaultSpec): boolean {
  return fault.atMax !== undefined || fault.forMax !== undefined;
}

/**
 * The fault as it runs under `seed`: its start and length drawn from their ranges (a fault
 * with fixed times is returned as it is).
 */
export function drawFaultTimes(fault: FaultSpec, seed: number): FaultSpec {
  if (!hasRandomTimes(fault)) return fault;
  const rng = Rng.stream(seed, `fault-time:${fault.id}`);
  const { atMax, forMax, ...fixed } = fault;
  const drawn: FaultSpec = { ...fixed };
  if (atMax !== undefined) drawn.at = fault.at + Math.floor(rng.float() * (atMax - fault.at + 1));
  if (forMax !== undefined && fault.for !== undefined) drawn.for = fault.for + Math.floor(rng.float() * (forMax - fault.for + 1));
  return drawn;
}

/** The schedule with every random time replaced by what `seed` draws: the same run, written down. */
export function pinFaultTimes(schedule: Schedule, seed: number): Schedule {
  if (!schedule.faults.some(hasRandomTimes)) return schedule;
  return { ...schedule, faults: schedule.faults.map((f) => drawFaultTimes(f, seed)) };
}
