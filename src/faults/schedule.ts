/**
 * Failure schedules: a YAML file naming which faults happen when, for how long and to what.
 * After `duration` every fault heals (the heal phase) and the system gets `settle` to recover;
 * liveness and convergence are judged at the end of settle.
 *
 * ```yaml
 * name: partition-primary
 * description: the primary is cut off from its peers but not from clients for 20 s
 * duration: 120s          # then every fault heals and the system gets `settle` to recover
 * settle: 60s             # default 60s
 * faults:
 *   - { at: 30s, kind: partition, groups: [[primary], [others]], for: 20s }
 *   - { at: 70s, kind: process-crash, target: primary, restartAfter: 10s }
 * ```
 *
 * Every mistake a user can make is one InputError naming the file and the field
 * (`faults[1].for`); the kinds and their fields are in `registry.ts`, the JSON Schema editors
 * use is generated from them (`json-schema.ts`).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import YAML from 'yaml';
import { InputError, describeValue } from '../sim/input-error.ts';
import { DAY, SECOND, type Micros } from '../sim/time.ts';
import { checkFaultAgainst, parseFault, writeFault } from './fault-spec.ts';
import { fail, parseDurationField, writeDuration } from './fields.ts';
import type { DesignParamsView } from './kind.ts';
import type { DesignView, TargetSpec } from './targets.ts';
import type { TriggerSpec } from './trigger.ts';
import type { Workload } from '../world/client.ts';
import { parseWorkload, writeWorkload } from './schedule-workload.ts';

export type { TargetSpec } from './targets.ts';

export interface FaultSpec {
  /** The fault's index in the schedule; history events carry it as `faultId`. */
  id: number;
  /** When it begins; with `when`, when its trigger is armed. */
  /** When it begins; with `atMax`, the start of a range drawn per seed (fault-times.ts). */
  at: Micros;
  /** The end of the range `at` is drawn from, per seed (`at: 20s..30s`). */
  atMax?: Micros;
  /** Fire when a probe happens instead of at `at` (see trigger.ts). */
  when?: TriggerSpec;
  /** How long it lasts; undefined: until the end of chaos (the heal phase). */
  for?: Micros;
  /** The end of the range `for` is drawn from, per seed (`for: 5s..15s`). */
  forMax?: Micros;
  kind: string;
  target?: TargetSpec;
  /** Kind-specific fields, already parsed (durations in µs). */
  [field: string]: unknown;
}

export interface Schedule {
  name: string;
  description: string;
  /** End of chaos: every fault heals at this instant. */
  duration: Micros;
  /** Time to recover after chaos, before liveness is judged. */
  settle: Micros;
  faults: FaultSpec[];
  /** How the clients behave in this scenario (`workload:`), when the file says. */
  workload?: Partial<Workload>;
  /** The file it came from, or `<inline>`. */
  source: string;
}

const TOP_LEVEL = ['name', 'description', 'duration', 'settle', 'workload', 'faults'];
export const DEFAULT_SETTLE: Micros = 60 * SECOND;
/**
 * The longest chaos phase (and settle) a schedule may ask for: a day. A run simulates every
 * message, so a day of a busy design already takes minutes of wall time; a longer span is
 * almost always a typo (`100y`), and years of operation are what `hasim estimate` is for.
 */
export const MAX_RUN_SPAN: Micros = DAY;

/** Parses and validates a schedule; every problem is an InputError naming `source` and the field. */
export function parseSchedule(text: string, source: string): Schedule {
  const root = parseYaml(text, source);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    fail({ source, field: '' }, 'a mapping with duration and faults (and optionally name, description, settle)', root);
  }
  const doc = root as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) throw new InputError(source, key, `one of the fields ${TOP_LEVEL.join(', ')}`);
  }
  if (doc.duration === undefined) fail({ source, field: 'duration' }, 'the length of chaos, such as 120s', undefined);
  const duration = parseDurationField(doc.duration, { source, field: 'duration' });
  if (duration <= 0 || duration > MAX_RUN_SPAN) fail({ source, field: 'duration' }, `a positive duration up to ${writeDuration(MAX_RUN_SPAN)}, such as 120s (a run simulates every event; years are for hasim estimate)`, doc.duration);
  const settle = doc.settle === undefined ? DEFAULT_SETTLE : parseDurationField(doc.settle, { source, field: 'settle' });
  if (settle > MAX_RUN_SPAN) fail({ source, field: 'settle' }, `a duration up to ${writeDuration(MAX_RUN_SPAN)}, such as 60s`, doc.settle);
  const name = doc.name === undefined ? stemOf(source) : doc.name;
  if (typeof name !== 'string' || name.trim() === '') fail({ source, field: 'name' }, 'a non-empty name', doc.name);
  const description = doc.description ?? '';
  if (typeof description !== 'string') fail({ source, field: 'description' }, 'a line of text', doc.description);
  const rawFaults = doc.faults ?? [];
  if (!Array.isArray(rawFaults)) fail({ source, field: 'faults' }, 'a list of faults', doc.faults);
  const faults = rawFaults.map((raw, i) => parseFault(raw, i, duration, source));
  if (doc.workload === undefined) return { name, description, duration, settle, faults, source };
  return { name, description, duration, settle, faults, workload: parseWorkload(doc.workload, { source, field: 'workload' }), source };
}

/** Reads and parses a schedule file. */
export function loadSchedule(path: string): Schedule {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, '', 'a readable schedule file', code === 'ENOENT' ? 'no such file' : (code ?? String(error)));
  }
  return parseSchedule(text, path);
}

/** Writes a schedule as YAML, one flow mapping per fault: `parseSchedule(scheduleToYaml(s))` equals `s`. */
export function scheduleToYaml(s: Schedule): string {
  const doc = new YAML.Document({
    name: s.name,
    description: s.description,
    duration: writeDuration(s.duration),
    settle: writeDuration(s.settle),
    ...(s.workload ? { workload: writeWorkload(s.workload) } : {}),
    faults: s.faults.map(writeFault),
  });
  const faults = doc.get('faults') as YAML.YAMLSeq;
  for (const item of faults.items) (item as YAML.YAMLMap).flow = true;
  return doc.toString({ lineWidth: 0 });
}

/**
 * Checks the names a schedule uses against a design: node ids, `rack:`/`dc:`/`switch:`/`power:`
 * names, partition members, and (when the design is given) parameter names of config errors.
 * Roles (`primary`, `standby`, `any`) always pass: they resolve when the fault fires.
 */
export function validateTargets(s: Schedule, world: DesignView & { design?: DesignParamsView }): void {
  s.faults.forEach((fault, i) => checkFaultAgainst(fault, i, world, s.source));
}

/** Parses YAML text of a user's file; a syntax error is an InputError naming the line. */
export function parseYaml(text: string, source: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(source, line === undefined ? '' : `line ${line}`, 'valid YAML', message);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // unresolved or excessive aliases
    throw new InputError(source, '', 'valid YAML', error instanceof Error ? error.message : describeValue(error));
  }
}

function stemOf(source: string): string {
  if (source.startsWith('<')) return source.replace(/[<>]/g, '') || 'schedule';
  return basename(source, extname(source)) || 'schedule';
}
