/**
 * Field types of fault kinds: how a field of a schedule file is parsed (with an InputError
 * naming the field when it is wrong), written back (so `scheduleToYaml` round-trips exactly),
 * and described in the JSON Schema. A kind declares its fields with these, and the same
 * declaration drives validation, the schema and the writer:
 *
 * ```ts
 * fields: {
 *   delay: required(durationDistribution, 'delay added to every message to or from the target'),
 *   restartAfter: optional(restartDelay, 'supervised restart delay', '5s'),
 * }
 * ```
 */
import { DISTRIBUTION_KINDS, parseDurationDistribution, type DistributionSpec } from '../sim/distributions.ts';
import { InputError, describeValue } from '../sim/input-error.ts';
import { DURATION_EXPECTED, parseDuration, tryParseDuration, DAY, HOUR, MINUTE, SECOND, MS, YEAR, type Micros } from '../sim/time.ts';
import { MEMBER_EXPECTED, MEMBER_REF, formatTarget, parseMember, type MemberSpec } from './targets.ts';

/** Where a value sits: the file and the field path, e.g. `faults[2].delay`. */
export interface At {
  source: string;
  field: string;
}

export type JsonSchema = Record<string, unknown>;

export interface FieldType<T> {
  /** What a value must be, in words. */
  readonly expected: string;
  parse(raw: unknown, at: At): T;
  /** The value as a schedule file spells it: `parse(write(v))` equals `v`. */
  write(value: T): unknown;
  readonly schema: JsonSchema;
  /** Endpoint names inside the value, with their path suffix (checked against a design). */
  members?(value: T): [suffix: string, member: MemberSpec][];
}

export interface FieldSpec<T = unknown, R extends boolean = boolean> {
  type: FieldType<T>;
  required: R;
  /** One line for the JSON Schema and for `hasim list --faults`. */
  doc: string;
  /**
   * The default as a file would spell it. Parsing applies it once, to an absent field, so a
   * kind always sees a value; the writer leaves a field at its default out.
   */
  default?: unknown;
}

export type Fields = Record<string, FieldSpec<any, boolean>>;

/** An optional field with a default: always present once parsed. */
export type DefaultedField<T> = FieldSpec<T, false> & { default: unknown };

/** The parsed values of a kind's fields: required and defaulted ones present, other optional ones maybe undefined. */
export type FieldValues<F extends Fields> = {
  [K in keyof F]: F[K] extends FieldSpec<infer T, true>
    ? T
    : F[K] extends DefaultedField<infer T>
      ? T
      : F[K] extends FieldSpec<infer T, boolean>
        ? T | undefined
        : never;
};

export function required<T>(type: FieldType<T>, doc: string): FieldSpec<T, true> {
  return { type, required: true, doc };
}

/** An optional field; with `defaultValue` (spelled as in a file) parsing fills it in when absent. */
export function optional<T>(type: FieldType<T>, doc: string): FieldSpec<T, false>;
export function optional<T>(type: FieldType<T>, doc: string, defaultValue: string | number | boolean | string[]): DefaultedField<T>;
export function optional<T>(type: FieldType<T>, doc: string, defaultValue?: unknown): FieldSpec<T, false> {
  return defaultValue === undefined ? { type, required: false, doc } : { type, required: false, doc, default: defaultValue };
}

/** The parsed default of a field (undefined when it has none). */
export function defaultOf(spec: FieldSpec, at: At): unknown {
  return spec.default === undefined ? undefined : spec.type.parse(spec.default, at);
}

/** Whether `value` is the field's default (the writer leaves it out, shrinking keeps it). */
export function isDefault(spec: FieldSpec, value: unknown): boolean {
  if (spec.default === undefined || value === undefined) return false;
  const written = JSON.stringify(spec.type.write(value));
  return written === JSON.stringify(spec.type.write(spec.type.parse(spec.default, { source: '<default>', field: '' })));
}

export function fail(at: At, expected: string, raw: unknown): never {
  throw new InputError(at.source, at.field, expected, describeValue(raw));
}

// --- durations ----------------------------------------------------------------------------

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+$';
const SIGNED_DURATION_PATTERN = '^-?(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+$';
/** Durations beyond this are surely typos; the bound keeps every sum of two exact. */
const MAX_DURATION: Micros = 100 * YEAR;
const TOO_LONG = 'a duration of at most 100y';

/** A duration field of a file: `250ms`, `30s`, `1m30s`. Never negative, never unit-less. */
export function parseDurationField(raw: unknown, at: At): Micros {
  const us = parseDuration(raw, at.source, at.field);
  if (us > MAX_DURATION) fail(at, TOO_LONG, raw);
  return us;
}

const EXACT_UNITS: [number, string][] = [[DAY, 'd'], [HOUR, 'h'], [MINUTE, 'm'], [SECOND, 's'], [MS, 'ms']];

/** Writes microseconds exactly, in the largest unit that divides them: `90s`, `2m`, `1500us`. */
export function writeDuration(us: Micros): string {
  if (us < 0) return '-' + writeDuration(-us);
  if (us === 0) return '0s';
  for (const [unit, name] of EXACT_UNITS) if (us % unit === 0) return `${us / unit}${name}`;
  return `${us}us`;
}

export const duration: FieldType<Micros> = {
  expected: DURATION_EXPECTED,
  parse: parseDurationField,
  write: writeDuration,
  schema: { type: 'string', pattern: DURATION_PATTERN },
};

/** A duration that may be negative (a clock stepped back): `-10s`. */
export const signedDuration: FieldType<Micros> = {
  expected: 'a duration with a unit, optionally negative, such as 500ms or -10s',
  parse(raw, at) {
    const text = typeof raw === 'string' ? raw.trim() : '';
    const negative = text.startsWith('-');
    const magnitude = negative ? text.slice(1) : text;
    const us = /^\d/.test(magnitude) ? tryParseDuration(magnitude) : undefined;
    if (us === undefined) return fail(at, signedDuration.expected, raw);
    if (us > MAX_DURATION) return fail(at, TOO_LONG, raw);
    return negative && us !== 0 ? -us : us;
  },
  write: writeDuration,
  schema: { type: 'string', pattern: SIGNED_DURATION_PATTERN },
};

/** A duration or a distribution of durations (`{ uniform: { min: 50ms, max: 150ms } }`). */
export const durationDistribution: FieldType<DistributionSpec> = {
  expected: `a duration or a distribution (${DISTRIBUTION_KINDS.join(', ')})`,
  parse(raw, at) {
    const spec = parseDurationDistribution(raw, at.source, at.field);
    if (!allFinite(spec)) fail(at, 'finite durations', raw);
    return spec;
  },
  write: writeDistribution,
  schema: {
    oneOf: [
      { type: 'string', pattern: DURATION_PATTERN },
      ...DISTRIBUTION_KINDS.map((k) => ({ type: 'object', required: [k], additionalProperties: false, properties: { [k]: {} } })),
    ],
  },
};

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_DURATION;
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

function writeDistribution(spec: DistributionSpec): unknown {
  if ('constant' in spec) return writeDuration(spec.constant);
  if ('uniform' in spec) return { uniform: { min: writeDuration(spec.uniform.min), max: writeDuration(spec.uniform.max) } };
  if ('exponential' in spec) return { exponential: { mean: writeDuration(spec.exponential.mean) } };
  if ('normal' in spec) return { normal: { mean: writeDuration(spec.normal.mean), stddev: writeDuration(spec.normal.stddev) } };
  if ('lognormal' in spec) return { lognormal: { median: writeDuration(spec.lognormal.median), sigma: spec.lognormal.sigma } };
  if ('weibull' in spec) return { weibull: { shape: spec.weibull.shape, scale: writeDuration(spec.weibull.scale) } };
  if ('pareto' in spec) return { pareto: { scale: writeDuration(spec.pareto.scale), shape: spec.pareto.shape } };
  return { empirical: spec.empirical.map(writeDuration) };
}

/** How a killed process comes back: after a duration, or when the design's own supervisor says. */
export type RestartDelay = Micros | 'supervisor';

export const restartDelay: FieldType<RestartDelay> = {
  expected: `${DURATION_EXPECTED}, or supervisor (the design's own supervised restart)`,
  parse(raw, at) {
    if (raw === 'supervisor') return 'supervisor';
    const us = typeof raw === 'string' ? tryParseDuration(raw) : undefined;
    if (us === undefined) return fail(at, restartDelay.expected, raw);
    return us > MAX_DURATION ? fail(at, TOO_LONG, raw) : us;
  },
  write: (value) => (value === 'supervisor' ? value : writeDuration(value)),
  schema: { oneOf: [{ type: 'string', pattern: DURATION_PATTERN }, { const: 'supervisor' }] },
};

// --- numbers, flags, lists ------------------------------------------------------------------

/** A finite number within bounds (`exclusiveMin`: strictly greater). */
export function number(bounds: { min?: number; max?: number; exclusiveMin?: number } = {}): FieldType<number> {
  const words = [
    bounds.exclusiveMin !== undefined ? `> ${bounds.exclusiveMin}` : '',
    bounds.min !== undefined ? `>= ${bounds.min}` : '',
    bounds.max !== undefined ? `<= ${bounds.max}` : '',
  ].filter(Boolean);
  const expected = `a number${words.length ? ' ' + words.join(' and ') : ''}`;
  const schema: JsonSchema = { type: 'number' };
  if (bounds.min !== undefined) schema.minimum = bounds.min;
  if (bounds.max !== undefined) schema.maximum = bounds.max;
  if (bounds.exclusiveMin !== undefined) schema.exclusiveMinimum = bounds.exclusiveMin;
  return {
    expected,
    parse(raw, at) {
      const ok =
        typeof raw === 'number' &&
        Number.isFinite(raw) &&
        (bounds.min === undefined || raw >= bounds.min) &&
        (bounds.max === undefined || raw <= bounds.max) &&
        (bounds.exclusiveMin === undefined || raw > bounds.exclusiveMin);
      return ok ? (raw as number) : fail(at, expected, raw);
    },
    write: (value) => value,
    schema,
  };
}

export const probability: FieldType<number> = {
  expected: 'a probability between 0 and 1',
  parse: (raw, at) => (typeof raw === 'number' && raw >= 0 && raw <= 1 ? raw : fail(at, 'a probability between 0 and 1', raw)),
  write: (value) => value,
  schema: { type: 'number', minimum: 0, maximum: 1 },
};

export const boolean: FieldType<boolean> = {
  expected: 'true or false',
  parse: (raw, at) => (typeof raw === 'boolean' ? raw : fail(at, 'true or false', raw)),
  write: (value) => value,
  schema: { type: 'boolean' },
};

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** One name, e.g. the process of a host a `process-crash` kills (`component: keepalived`). */
export const name: FieldType<string> = {
  expected: 'a name, such as keepalived',
  parse: (raw, at) => (typeof raw === 'string' && NAME.test(raw) ? raw : fail(at, 'a name, such as keepalived', raw)),
  write: (value) => value,
  schema: { type: 'string', pattern: NAME.source },
};

/** A list of names, e.g. the threads that keep running under a deadlock. */
export const nameList: FieldType<string[]> = {
  expected: 'a list of names, such as [heartbeat]',
  parse(raw, at) {
    if (!Array.isArray(raw)) fail(at, nameList.expected, raw);
    return raw.map((item, i) => (typeof item === 'string' && NAME.test(item) ? item : fail({ ...at, field: `${at.field}[${i}]` }, 'a name', item)));
  },
  write: (value) => [...value],
  schema: { type: 'array', items: { type: 'string', pattern: NAME.source } },
};

// --- endpoints ------------------------------------------------------------------------------

/** Groups of a partition: `[[primary], [others]]`, at least two groups, none empty. */
export const groups: FieldType<MemberSpec[][]> = {
  expected: `a list of at least two groups, each a non-empty list of ${MEMBER_EXPECTED}`,
  parse(raw, at) {
    if (!Array.isArray(raw) || raw.length < 2) fail(at, groups.expected, raw);
    return raw.map((group, g) => {
      const gat = { ...at, field: `${at.field}[${g}]` };
      if (!Array.isArray(group) || group.length === 0) fail(gat, `a non-empty list of ${MEMBER_EXPECTED}`, group);
      return group.map((name, i) => parseMember(name, { ...gat, field: `${gat.field}[${i}]` }));
    });
  },
  write: (value) => value.map((group) => group.map(formatTarget)),
  schema: { type: 'array', minItems: 2, items: { type: 'array', minItems: 1, items: MEMBER_REF } },
  members: (value) => value.flatMap((group, g) => group.map((m, i): [string, MemberSpec] => [`[${g}][${i}]`, m])),
};

/** The two ends of a link: `[primary, standby]`, `[a, exchange]`. */
export const endpointPair: FieldType<[MemberSpec, MemberSpec]> = {
  expected: `a list of two endpoints, each ${MEMBER_EXPECTED}`,
  parse(raw, at) {
    if (!Array.isArray(raw) || raw.length !== 2) fail(at, endpointPair.expected, raw);
    return [parseMember(raw[0], { ...at, field: `${at.field}[0]` }), parseMember(raw[1], { ...at, field: `${at.field}[1]` })];
  },
  write: (value) => value.map(formatTarget),
  schema: { type: 'array', minItems: 2, maxItems: 2, items: MEMBER_REF },
  members: (value) => value.map((m, i): [string, MemberSpec] => [`[${i}]`, m]),
};

// --- design parameters ----------------------------------------------------------------------

export type ParamOverrides = Record<string, string | number | boolean>;

/** Design parameter overrides, `{ priority: 150 }`: names and values are checked per design. */
export const paramOverrides: FieldType<ParamOverrides> = {
  expected: 'a mapping of design parameters to values, such as { heartbeatTimeout: 10s }',
  parse(raw, at) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) fail(at, paramOverrides.expected, raw);
    const out: ParamOverrides = {};
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      out[name] = ok ? (value as string | number | boolean) : fail({ ...at, field: `${at.field}.${name}` }, 'a number, a string or true/false', value);
    }
    return out;
  },
  write: (value) => ({ ...value }),
  schema: { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'number', 'boolean'] } },
};
