/**
 * Design parameters: defaults from the design file, overrides from `--set name=value` or from
 * a config-error fault, each validated against its spec. Durations resolve to microseconds.
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import { DURATION_EXPECTED, formatDuration, tryParseDuration } from '../sim/time.ts';
import type { Design, ParamSpec, ParamSpecs, ParamValues } from './design.ts';

/** What a spec expects, in words, for error messages and `hasim list --params`. */
export function describeParam(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'duration':
      return spec.positive ? DURATION_EXPECTED.replace('non-negative', 'positive') : DURATION_EXPECTED;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'duration-list':
      return `one ${DURATION_EXPECTED.replace(/^an? /, '')} per node, comma-separated (one value: every node)`;
    case 'integer-list': {
      const range = [spec.min !== undefined ? `>= ${spec.min}` : '', spec.max !== undefined ? `<= ${spec.max}` : ''].filter(Boolean).join(' and ');
      return `one integer${range ? ' ' + range : ''} per node, comma-separated (one value: every node)`;
    }
    default: {
      if (spec.kind === 'integer' && spec.oneOf) return `an integer: ${orList(spec.oneOf.map(String))}`;
      const range = [spec.min !== undefined ? `>= ${spec.min}` : '', spec.max !== undefined ? `<= ${spec.max}` : ''].filter(Boolean).join(' and ');
      return `${spec.kind === 'integer' ? 'an integer' : 'a number'}${range ? ' ' + range : ''}`;
    }
  }
}

/** Parses one value (a string from the command line, or a YAML scalar) against its spec. */
export function parseParam(spec: ParamSpec, raw: unknown, source: string, field: string): number | boolean | string {
  const fail = (): never => {
    throw new InputError(source, field, describeParam(spec), describeValue(raw));
  };
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (spec.kind) {
    case 'duration': {
      if (typeof text !== 'string') return fail();
      const us = tryParseDuration(text);
      return us === undefined || (spec.positive && us === 0) ? fail() : us;
    }
    case 'boolean':
      if (text === true || text === 'true' || text === 'on' || text === 'yes') return true;
      if (text === false || text === 'false' || text === 'off' || text === 'no') return false;
      return fail();
    case 'enum':
      return typeof text === 'string' && spec.values.includes(text) ? text : fail();
    case 'duration-list': {
      const items = typeof text === 'string' ? text.split(',').map((t) => t.trim()) : [];
      const values = items.map((t) => tryParseDuration(t));
      return items.length === 0 || values.some((us) => us === undefined) ? fail() : values.join(',');
    }
    case 'integer-list': {
      const items = typeof text === 'number' ? [String(text)] : typeof text === 'string' ? text.split(',').map((t) => t.trim()) : [];
      if (items.length === 0) return fail();
      const values = items.map((t) => (t === '' ? NaN : Number(t)));
      const bad = values.some((n) => !Number.isInteger(n) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max));
      return bad ? fail() : values.join(',');
    }
    default: {
      const n = typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : NaN;
      if (!Number.isFinite(n)) return fail();
      if (spec.kind === 'integer' && !Number.isInteger(n)) return fail();
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return fail();
      if (spec.kind === 'integer' && spec.oneOf && !spec.oneOf.includes(n)) return fail();
      return n;
    }
  }
}

/**
 * The per-node values of an `integer-list` parameter: one value applies to every node; else
 * the list must name exactly `count` values.
 *
 * ```ts
 * perNode('100,50', 2, 'priority') // [100, 50]
 * perNode('100', 3, 'priority')    // [100, 100, 100]
 * ```
 */
export function perNode(value: string | number | boolean, count: number, name: string): number[] {
  const values = String(value).split(',').map(Number);
  if (values.length === 1) return new Array<number>(count).fill(values[0]);
  if (values.length !== count) throw new InputError('--set', name, `one value, or ${count} comma-separated values (one per node)`, String(value));
  return values;
}

/** The default values of a design's parameters (`source`: the design, for a bad default). */
export function defaultParams(specs: ParamSpecs, source = 'design'): ParamValues {
  const values: ParamValues = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = parseParam(spec, spec.default, source, `params.${name}.default`);
  return values;
}

/** Every parameter kind (a Record, so the compiler asks for a new kind to be added here). */
const KIND_NAMES: Record<ParamSpec['kind'], true> = { duration: true, number: true, integer: true, 'integer-list': true, 'duration-list': true, boolean: true, enum: true };
const KINDS = Object.keys(KIND_NAMES);

/** Checks one parameter declaration of a user's design file (the default is checked by `defaultParams`). */
export function checkParamSpec(spec: unknown, source: string, field: string): void {
  if (spec === null || typeof spec !== 'object') throw new InputError(source, field, "a parameter declaration such as { kind: 'duration', default: '1s', doc, source }", describeValue(spec));
  const s = spec as Record<string, unknown>;
  if (!KINDS.includes(s.kind as string)) throw new InputError(source, `${field}.kind`, `one of ${KINDS.join(', ')}`, describeValue(s.kind));
  if (s.kind === 'enum' && (!Array.isArray(s.values) || s.values.length === 0 || s.values.some((v) => typeof v !== 'string'))) {
    throw new InputError(source, `${field}.values`, 'a non-empty list of strings', describeValue(s.values));
  }
  for (const bound of ['min', 'max'] as const) {
    if (s[bound] !== undefined && !Number.isFinite(s[bound])) throw new InputError(source, `${field}.${bound}`, 'a finite number', describeValue(s[bound]));
  }
  if (s.oneOf !== undefined && (!Array.isArray(s.oneOf) || s.oneOf.length === 0 || s.oneOf.some((v) => !Number.isFinite(v)))) {
    throw new InputError(source, `${field}.oneOf`, 'a non-empty list of numbers', describeValue(s.oneOf));
  }
}

const orList = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/** Defaults overridden by `overrides` (raw values), each checked; unknown names are errors. */
export function resolveParams(design: Design, overrides: Record<string, unknown>, source = '--set'): ParamValues {
  const values = defaultParams(design.params, design.name);
  for (const [name, raw] of Object.entries(overrides)) {
    const spec = design.params[name];
    if (!spec) {
      const known = Object.keys(design.params);
      throw new InputError(source, name, `a parameter of ${design.name}${known.length ? ` (${known.join(', ')})` : ' (it has none)'}`);
    }
    values[name] = parseParam(spec, raw, source, name);
  }
  return values;
}

/** Parses `name=value` pairs from the command line. */
export function parseSetFlags(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError('--set', pair, 'name=value');
    const name = pair.slice(0, eq).trim();
    if (name in out) throw new InputError('--set', name, 'each parameter set once', `${name}=${out[name]} and ${pair}`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/** Parameter values for people and JSON: durations written with units (`1s`), the rest as is. */
export function displayParams(specs: ParamSpecs, values: ParamValues): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(values)) {
    const kind = specs[name]?.kind;
    if (kind === 'duration') out[name] = formatDuration(value as number);
    else if (kind === 'duration-list') out[name] = String(value).split(',').map((us) => formatDuration(Number(us))).join(',');
    else out[name] = value;
  }
  return out;
}
