/**
 * Random fault profiles (`scenarios/random-*.yaml`): which fault kinds may occur, how often,
 * for how long and to what, from which every run of a campaign draws its own schedule
 * (`drawRun`, in `swarm.ts`). A profile is generic: targets are roles (`primary`, `standby`,
 * `any`) or patterns (`node:*`, `rack:*`), and names a design lacks are left out when drawing.
 *
 * ```yaml
 * name: random-network
 * description: partitions and a degraded network
 * duration: 60s               # length of chaos of every drawn schedule
 * settle: 30s
 * maxConcurrentFaults: 2      # never more faults active at once
 * minHealthyTime: 5s          # once every fault has ended, none begins for this long (nor before it)
 * intensity: { min: 0.5, max: 2 }   # swarm: each run scales every rate by one draw (log-uniform)
 * faults:
 *   - kind: partition
 *     ratePerMinute: 1        # mean arrivals per minute of chaos at intensity 1
 *     for: { uniform: { min: 1s, max: 20s } }
 *     fields:                 # the kind's own fields: a value, { values: [...] } or { min, max }
 *       groups: { values: [[[primary], [others]], [[standby], [others]]] }
 *       oneWay: { values: [null, true] }   # null: leave the (optional) field out
 *   - kind: latency
 *     ratePerMinute: 0.5
 *     for: 10s
 *     targets: [primary, node:*]   # one entry equally likely; node:* then one node id of the design
 *     fields: { delay: { min: 10ms, max: 500ms } }
 *   - kind: pause
 *     ratePerMinute: 0.5
 *     for: 8s
 *     targets: [any]
 *     when: { probes: [lock.acquired, commit.waiting], probability: 0.5, after: { min: 0ms, max: 50ms } }
 * params:                     # design timeouts randomised per run (only where the design has them)
 *   advertInt: { min: 500ms, max: 2s }
 * workload:                   # the clients, drawn per run like params (a schedule's workload: fields)
 *   ordersPerSecond: { values: [200, 10000] }
 *   timeout: { min: 200ms, max: 1s }
 * ```
 *
 * A drawn run's workload becomes its schedule's `workload:` section, so a failure's written
 * schedule replays with it, and workload flags (`--rate`) still win over it.
 *
 * Every mistake is one InputError naming the file and the field (`faults[1].fields.delay.max`).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDurationDistribution, type DistributionSpec } from '../sim/distributions.ts';
import { InputError } from '../sim/input-error.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import { fail, parseDurationField, writeDuration, type At } from './fields.ts';
import type { FaultKind } from './kind.ts';
import { ALL_NODES, TARGET_PATTERNS, isTargetPattern, parseValueChoice, type ValueChoice } from './profile-values.ts';
import { parseWorkloadSetting, WHOLE, WORKLOAD_FIELDS } from './schedule-workload.ts';
import { faultKind, faultKindNames } from './registry.ts';
import { DEFAULT_SETTLE, MAX_RUN_SPAN, parseYaml } from './schedule.ts';
import { parseTarget } from './targets.ts';

export { drawRun, type DrawnRun } from './swarm.ts';
export { ALL_NODES, TARGET_PATTERNS, isTargetPattern, type ValueChoice } from './profile-values.ts';

export interface ProfileFault {
  kind: string;
  /** Mean arrivals per minute of chaos at intensity 1 (a Poisson process). */
  ratePerMinute: number;
  /** How long each fault lasts (µs). */
  for: DistributionSpec;
  /**
   * Allowed targets as written, each equally likely: a role, a node id, `rack:R`..., a pattern
   * (`node:*`, `rack:*`, `dc:*`, `switch:*`, `power:*`: one of the design's), or `all` (no
   * target: every node, for kinds whose target is optional). Empty for kinds without a target.
   */
  targets: string[];
  /** The kind's own fields, by name. */
  fields: Record<string, ValueChoice>;
  /**
   * Draw some of these faults as triggered (`when:` a probe happens, trigger.ts): each drawn
   * fault becomes, with `probability`, one armed at its drawn time that fires at the next
   * emission of one of `probes` (equally likely) on any node, `after` a drawn delay, on the
   * probe's node (its drawn target is dropped).
   */
  when?: { probes: string[]; probability: number; after?: ValueChoice };
}

export interface RandomProfile {
  name: string;
  description: string;
  /** The file it came from, or `<inline>`. */
  source: string;
  /** Length of chaos of every drawn schedule. */
  duration: Micros;
  /** Time to recover after chaos. */
  settle: Micros;
  /** At most this many faults are active at any instant. */
  maxConcurrentFaults: number;
  /** Once every fault has ended (and from the start of the run), no fault begins for this long. */
  minHealthyTime: Micros;
  /** Each run scales every rate by one draw from this range, log-uniformly (swarm testing). */
  intensity: { min: number; max: number };
  faults: ProfileFault[];
  /** Design parameters drawn per run, applied only when the design declares them. */
  params?: Record<string, ValueChoice>;
  /** Workload settings drawn per run (a schedule's `workload:` field names), each from its own stream. */
  workload?: Record<string, ValueChoice>;
}

const TOP_LEVEL = ['name', 'description', 'duration', 'settle', 'maxConcurrentFaults', 'minHealthyTime', 'intensity', 'faults', 'params', 'workload'];
const FAULT_FIELDS = ['kind', 'ratePerMinute', 'for', 'targets', 'fields', 'when'];
const WHEN_FIELDS = ['probes', 'probability', 'after'];
const PROBE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const DEFAULTS = { maxConcurrentFaults: 2, minHealthyTime: 5 * SECOND, intensity: { min: 0.5, max: 2 } };

/** Parses and validates a profile; every problem is an InputError naming `source` and the field. */
export function parseProfile(text: string, source: string): RandomProfile {
  const doc = mapping(parseYaml(text, source), { source, field: '' }, 'a mapping with duration and faults');
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) throw new InputError(source, key, `one of the fields ${TOP_LEVEL.join(', ')}`);
  }
  const at = (field: string): At => ({ source, field });
  if (doc.duration === undefined) fail(at('duration'), 'the length of chaos of each drawn schedule, such as 60s', undefined);
  const duration = parseDurationField(doc.duration, at('duration'));
  if (duration <= 0 || duration > MAX_RUN_SPAN) fail(at('duration'), `a positive duration up to ${writeDuration(MAX_RUN_SPAN)}, such as 60s`, doc.duration);
  const settle = doc.settle === undefined ? DEFAULT_SETTLE : parseDurationField(doc.settle, at('settle'));
  if (settle > MAX_RUN_SPAN) fail(at('settle'), `a duration up to ${writeDuration(MAX_RUN_SPAN)}, such as 30s`, doc.settle);
  const name = doc.name ?? (basename(source, extname(source)) || 'profile');
  if (typeof name !== 'string' || name.trim() === '') fail(at('name'), 'a non-empty name', doc.name);
  const description = doc.description ?? '';
  if (typeof description !== 'string') fail(at('description'), 'a line of text', doc.description);
  const maxConcurrentFaults = doc.maxConcurrentFaults ?? DEFAULTS.maxConcurrentFaults;
  if (typeof maxConcurrentFaults !== 'number' || !Number.isInteger(maxConcurrentFaults) || maxConcurrentFaults < 1) {
    fail(at('maxConcurrentFaults'), 'a whole number >= 1', doc.maxConcurrentFaults);
  }
  if (!Array.isArray(doc.faults) || doc.faults.length === 0) fail(at('faults'), 'a non-empty list of fault kinds with their rates', doc.faults);
  const faults = doc.faults.map((raw, i) => parseProfileFault(raw, at(`faults[${i}]`)));
  faults.forEach((f, i) => {
    if (faults.findIndex((g) => g.kind === f.kind) !== i) fail(at(`faults[${i}].kind`), `each kind once (${f.kind} is listed twice)`, f.kind);
  });
  return {
    name,
    description,
    source,
    duration,
    settle,
    maxConcurrentFaults,
    minHealthyTime: doc.minHealthyTime === undefined ? DEFAULTS.minHealthyTime : parseDurationField(doc.minHealthyTime, at('minHealthyTime')),
    intensity: doc.intensity === undefined ? { ...DEFAULTS.intensity } : parseIntensity(doc.intensity, at('intensity')),
    faults,
    ...(doc.params === undefined ? {} : { params: parseParamRanges(doc.params, at('params')) }),
    ...(doc.workload === undefined ? {} : { workload: parseWorkloadChoices(doc.workload, at('workload')) }),
  };
}

/** Reads and parses a profile file. */
export function loadProfile(path: string): RandomProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, '', 'a readable profile file', code === 'ENOENT' ? 'no such file' : (code ?? String(error)));
  }
  return parseProfile(text, path);
}

function parseProfileFault(raw: unknown, at: At): ProfileFault {
  const fields = mapping(raw, at, 'a mapping with kind, ratePerMinute, for (and targets, fields)');
  const sub = (name: string): At => ({ ...at, field: `${at.field}.${name}` });
  for (const key of Object.keys(fields)) {
    if (!FAULT_FIELDS.includes(key)) throw new InputError(at.source, `${at.field}.${key}`, `one of ${FAULT_FIELDS.join(', ')}`);
  }
  const kind = typeof fields.kind === 'string' ? faultKind(fields.kind) : undefined;
  if (!kind) return fail(sub('kind'), `a fault kind (${faultKindNames().join(', ')})`, fields.kind);
  const rate = fields.ratePerMinute;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) fail(sub('ratePerMinute'), 'a positive number of faults per minute, such as 0.5', rate);
  if (fields.for === undefined) fail(sub('for'), 'how long each fault lasts: a duration or a distribution', undefined);
  return {
    kind: kind.kind,
    ratePerMinute: rate as number,
    for: parseDurationDistribution(fields.for, at.source, sub('for').field),
    targets: parseTargets(fields.targets, kind, sub('targets')),
    fields: parseKindFields(fields.fields, kind, sub('fields')),
    ...(fields.when === undefined ? {} : { when: parseWhen(fields.when, sub('when')) }),
  };
}

function parseWhen(raw: unknown, at: At): NonNullable<ProfileFault['when']> {
  const m = mapping(raw, at, 'a mapping with probes (a list of probe names), probability and optionally after');
  const sub = (name: string): At => ({ ...at, field: `${at.field}.${name}` });
  for (const key of Object.keys(m)) if (!WHEN_FIELDS.includes(key)) throw new InputError(at.source, `${at.field}.${key}`, `one of ${WHEN_FIELDS.join(', ')}`);
  if (!Array.isArray(m.probes) || m.probes.length === 0) fail(sub('probes'), 'a non-empty list of probe names, such as [lock.acquired]', m.probes);
  const probes = m.probes.map((p, i) => (typeof p === 'string' && PROBE_NAME.test(p) ? p : fail({ ...at, field: `${at.field}.probes[${i}]` }, 'a probe name such as lock.acquired', p)));
  const probability = m.probability ?? 1;
  if (typeof probability !== 'number' || !(probability > 0 && probability <= 1)) fail(sub('probability'), 'a probability above 0 and at most 1', m.probability);
  const out: NonNullable<ProfileFault['when']> = { probes, probability };
  if (m.after !== undefined) out.after = parseValueChoice(m.after, sub('after'), (v, vat) => void parseDurationField(v, vat));
  return out;
}

function parseTargets(raw: unknown, kind: FaultKind, at: At): string[] {
  if (kind.target === 'none') {
    if (raw !== undefined && !(Array.isArray(raw) && raw.length === 0)) fail(at, `nothing: ${kind.kind} takes no target (its fields say what fails)`, raw);
    return [];
  }
  if (raw === undefined && kind.target === 'optional') return [ALL_NODES];
  const expected = `a non-empty list of targets: roles (primary, standby, any), node ids, rack:R..., patterns (${TARGET_PATTERNS.map((p) => `${p}:*`).join(', ')})${kind.target === 'optional' ? `, or ${ALL_NODES}` : ''}`;
  if (!Array.isArray(raw) || raw.length === 0) fail(at, expected, raw);
  return raw.map((item, i) => {
    const itemAt = { ...at, field: `${at.field}[${i}]` };
    if (typeof item !== 'string') fail(itemAt, expected, item);
    if (item === ALL_NODES) return kind.target === 'optional' ? item : fail(itemAt, `a target: ${kind.kind} acts on one target, ${ALL_NODES} (every node) is for kinds whose target is optional`, item);
    if (isTargetPattern(item)) return item;
    parseTarget(item, itemAt);
    return item;
  });
}

function parseKindFields(raw: unknown, kind: FaultKind, at: At): Record<string, ValueChoice> {
  const given = raw === undefined ? {} : mapping(raw, at, `a mapping of ${kind.kind}'s fields to values, { values: [...] } or { min, max }`);
  const out: Record<string, ValueChoice> = {};
  for (const [name, value] of Object.entries(given)) {
    const spec = kind.fields[name];
    if (!spec) {
      const names = Object.keys(kind.fields);
      throw new InputError(at.source, `${at.field}.${name}`, names.length ? `a field of ${kind.kind} (${names.join(', ')})` : `nothing: ${kind.kind} has no fields of its own`);
    }
    const integer = spec.type.schema.type === 'integer';
    // null in a choice leaves an optional field out (its default applies)
    const check = (v: unknown, vat: At) => (v === null && !spec.required ? undefined : void spec.type.parse(v, vat));
    out[name] = parseValueChoice(value, { ...at, field: `${at.field}.${name}` }, check, integer);
  }
  for (const [name, spec] of Object.entries(kind.fields)) {
    if (spec.required && out[name] === undefined) throw new InputError(at.source, `${at.field}.${name}`, `${spec.type.expected} (${kind.kind} requires ${name})`, 'nothing');
  }
  return out;
}

function parseIntensity(raw: unknown, at: At): { min: number; max: number } {
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (positive(raw)) return { min: raw, max: raw };
  const m = mapping(raw, at, 'a positive number or { min, max } of positive numbers');
  if (!positive(m.min)) fail({ ...at, field: `${at.field}.min` }, 'a positive number', m.min);
  if (!positive(m.max) || m.max < m.min) fail({ ...at, field: `${at.field}.max` }, 'a positive number >= min', m.max);
  return { min: m.min, max: m.max };
}

function parseParamRanges(raw: unknown, at: At): Record<string, ValueChoice> {
  const given = mapping(raw, at, 'a mapping of design parameters to { min, max }, { values: [...] } or a value');
  const scalar = (v: unknown, vat: At) => {
    if (!(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) fail(vat, 'a duration, a number, a word or true/false', v);
  };
  const out: Record<string, ValueChoice> = {};
  for (const [name, value] of Object.entries(given)) out[name] = parseValueChoice(value, { ...at, field: `${at.field}.${name}` }, scalar);
  return out;
}

function parseWorkloadChoices(raw: unknown, at: At): Record<string, ValueChoice> {
  const given = mapping(raw, at, `a mapping of workload settings (${WORKLOAD_FIELDS.join(', ')}) to a value, { values: [...] } or { min, max }`);
  const out: Record<string, ValueChoice> = {};
  for (const [name, value] of Object.entries(given)) {
    const field = { ...at, field: `${at.field}.${name}` };
    if (!WORKLOAD_FIELDS.includes(name)) throw new InputError(at.source, field.field, `a workload setting (${WORKLOAD_FIELDS.join(', ')})`);
    out[name] = parseValueChoice(value, field, (v, vat) => void parseWorkloadSetting(name, v, vat), WHOLE.has(name));
  }
  return out;
}

function mapping(raw: unknown, at: At, expected: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(at, expected, raw);
  return raw as Record<string, unknown>;
}
