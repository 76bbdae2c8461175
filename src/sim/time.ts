/**
 * Virtual time. Every instant and duration in the simulation is an integer count of
 * microseconds (`Micros`); files and flags spell durations with units (`250ms`, `30s`, `4h`,
 * `2y`, or compound `1m30s`). A year is 365 days.
 */
import { InputError, describeValue } from './input-error.ts';

/** Integer microseconds of virtual time. */
export type Micros = number;

export const US = 1;
export const MS = 1_000;
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;

const UNIT_MICROS: Record<string, number> = { us: US, ms: MS, s: SECOND, m: MINUTE, h: HOUR, d: DAY, y: YEAR };
const PART = /(\d+(?:\.\d+)?)(us|ms|s|m|h|d|y)/y;

/**
 * The longest duration hasim accepts anywhere: 200 years, well inside the integers a double
 * holds exactly in microseconds (2^53 µs is about 285 years), and longer than any MTTF.
 */
export const MAX_DURATION: Micros = 200 * YEAR;

export const DURATION_EXPECTED = 'a non-negative duration with a unit, such as 250ms, 30s, 1m30s, 4h or 2y (at most 200y)';

/** Parses `250ms`, `1.5s`, `1m30s`... into microseconds, or returns undefined. */
export function tryParseDuration(text: string): Micros | undefined {
  const s = text.trim();
  if (s.length === 0) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== at) return undefined;
    total += Number(m[1]) * UNIT_MICROS[m[2]];
  }
  return total <= MAX_DURATION ? Math.round(total) : undefined;
}

/** Parses a duration field of a user's file; throws an InputError naming the field. */
export function parseDuration(value: unknown, source: string, field: string): Micros {
  if (typeof value === 'string') {
    const parsed = tryParseDuration(value);
    if (parsed !== undefined) return parsed;
  }
  throw new InputError(source, field, DURATION_EXPECTED, describeValue(value));
}

/** Formats microseconds for people: `1.25s`, `250ms`, `3m20s`, `17us`. */
export function formatDuration(us: Micros): string {
  if (us < 0) return '-' + formatDuration(-us);
  if (us < MS) return `${us}us`;
  if (us < SECOND) return `${trim(us / MS)}ms`;
  if (us < MINUTE) return `${trim(us / SECOND)}s`;
  if (us < HOUR) {
    const m = Math.floor(us / MINUTE);
    const s = Math.round((us - m * MINUTE) / SECOND);
    return s ? `${m}m${s}s` : `${m}m`;
  }
  if (us < DAY) return `${trim(us / HOUR)}h`;
  if (us < YEAR) return `${trim(us / DAY)}d`;
  return `${trim(us / YEAR)}y`;
}

/** Formats a virtual instant as seconds with millisecond precision: `t=12.345s`. */
export function formatInstant(us: Micros): string {
  return `${(us / SECOND).toFixed(3)}s`;
}

function trim(x: number): string {
  return String(Number(x.toFixed(3)));
}

export const toMs = (us: Micros): number => us / MS;
