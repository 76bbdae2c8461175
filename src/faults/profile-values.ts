/**
 * How a random profile gives a value that each drawn run picks: a fixed value, a choice among
 * values, or a range. Values are kept as a schedule file spells them (`100ms`, `[[primary],
 * [others]]`), so a drawn fault is parsed by the same code as a written one.
 *
 * ```yaml
 * delay: 100ms                              # always this
 * delay: { values: [10ms, 100ms, 1s] }      # one of these, equally likely
 * delay: { min: 10ms, max: 500ms }          # uniform in the range (whole ms when both ends are)
 * probability: { min: 0.01, max: 0.3 }      # numbers: uniform, rounded to 3 decimals
 * restartAfter: { values: [null, 5s] }     # null: leave an optional field out
 * ```
 *
 * A mapping with exactly the keys `min` and `max` is a range and one with exactly `values` a
 * choice; to give a literal mapping with those keys, wrap it in `values: [...]`. Targets are
 * chosen the same way, with patterns (`node:*`) for names that depend on the design.
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import { MS, type Micros } from '../sim/time.ts';
import { signedDuration, writeDuration, type At } from './fields.ts';
import type { Place } from './targets.ts';

/** Target patterns of a profile: `node:*` is one of the design's node ids, `rack:*` one of its racks... */
export const TARGET_PATTERNS: readonly ('node' | Place)[] = ['node', 'rack', 'dc', 'switch', 'power'];
/** The target word of a profile meaning "no target: every node" (kinds whose target is optional). */
export const ALL_NODES = 'all';

export function isTargetPattern(text: string): boolean {
  return text.endsWith(':*') && (TARGET_PATTERNS as readonly string[]).includes(text.slice(0, -2));
}

export type ValueChoice =
  /** Always this value (as a file spells it). */
  | { value: unknown }
  /** One of these, equally likely. */
  | { values: unknown[] }
  /** Uniform between min and max inclusive: durations in µs (possibly negative), or numbers. */
  | { min: number; max: number; unit: 'duration' | 'number' | 'integer' };

/** Checks one value as a file would spell it; throws an InputError naming `at`. */
export type ValueCheck = (raw: unknown, at: At) => void;

export const RANGE_EXPECTED = '{ min, max } with two durations (10ms, -5s) or two numbers, min <= max';

/**
 * Parses how a profile gives a value; `check` validates every value the choice can produce
 * (both ends of a range stand for the values between them). `integer` draws whole numbers.
 */
export function parseValueChoice(raw: unknown, at: At, check: ValueCheck, integer = false): ValueChoice {
  if (isMapping(raw) && sameKeys(raw, ['min', 'max'])) return parseRange(raw, at, check, integer);
  if (isMapping(raw) && sameKeys(raw, ['values'])) {
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0) throw new InputError(at.source, `${at.field}.values`, 'a non-empty list of values', describeValue(values));
    values.forEach((v, i) => check(v, { ...at, field: `${at.field}.values[${i}]` }));
    return { values };
  }
  check(raw, at);
  return { value: raw };
}

function parseRange(raw: Record<string, unknown>, at: At, check: ValueCheck, integer: boolean): ValueChoice {
  const { min, max } = raw;
  const end = (name: 'min' | 'max'): At => ({ ...at, field: `${at.field}.${name}` });
  let range: ValueChoice & { min: number; max: number };
  if (typeof min === 'string' && typeof max === 'string') {
    range = { min: signedDuration.parse(min, end('min')), max: signedDuration.parse(max, end('max')), unit: 'duration' };
  } else if (typeof min === 'number' && typeof max === 'number' && Number.isFinite(min) && Number.isFinite(max)) {
    if (integer && !(Number.isInteger(min) && Number.isInteger(max))) throw new InputError(at.source, at.field, 'a range of whole numbers', `${min}..${max}`);
    range = { min, max, unit: integer ? 'integer' : 'number' };
  } else {
    throw new InputError(at.source, at.field, RANGE_EXPECTED, `${describeValue(min)}..${describeValue(max)}`);
  }
  if (range.max < range.min) throw new InputError(at.source, `${at.field}.max`, 'a value >= min', describeValue(max));
  check(min, end('min'));
  check(max, end('max'));
  return range;
}

/** The same choice restricted to values `ok` accepts (e.g. names the design has); undefined if none. */
export function restrictChoice(choice: ValueChoice, ok: (raw: unknown) => boolean): ValueChoice | undefined {
  if ('value' in choice) return ok(choice.value) ? choice : undefined;
  if ('values' in choice) {
    const values = choice.values.filter(ok);
    return values.length ? { values } : undefined;
  }
  return choice;
}

/** The value a uniform draw `u` in [0, 1) picks, as a file spells it. */
export function pickValue(choice: ValueChoice, u: number): unknown {
  if ('value' in choice) return choice.value;
  if ('values' in choice) return choice.values[Math.floor(u * choice.values.length)];
  const { min, max } = choice;
  if (choice.unit === 'duration') {
    // whole milliseconds when both ends are, so drawn files read 1234ms rather than 1234567us
    const step: Micros = min % MS === 0 && max % MS === 0 ? MS : 1;
    const steps = Math.round((max - min) / step);
    return writeDuration(min + Math.floor(u * (steps + 1)) * step);
  }
  if (choice.unit === 'integer') return min + Math.floor(u * (max - min + 1));
  return Math.min(max, Math.max(min, Number((min + u * (max - min)).toFixed(3))));
}

/** The choice as a profile spells it (for error messages and docs). */
export function describeChoice(choice: ValueChoice): string {
  if ('value' in choice) return JSON.stringify(choice.value);
  if ('values' in choice) return `one of ${JSON.stringify(choice.values)}`;
  const show = (v: number) => (choice.unit === 'duration' ? writeDuration(v) : String(v));
  return `${show(choice.min)}..${show(choice.max)}`;
}

function isMapping(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

function sameKeys(raw: Record<string, unknown>, keys: string[]): boolean {
  const own = Object.keys(raw);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}
