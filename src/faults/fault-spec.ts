/**
 * One fault of a schedule: parsed from a file's mapping by its kind's field declarations,
 * written back the same way, and checked against a design. The common fields are `kind`,
 * `at`, `when` (a probe trigger, trigger.ts), `for` (absent: until chaos ends) and `target`;
 * the rest belong to the kind.
 *
 * ```yaml
 * - { at: 30s, kind: latency, target: primary, delay: 100ms, for: 20s }
 * ```
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import type { Micros } from '../sim/time.ts';
import { defaultOf, fail, isDefault, writeDuration, type At } from './fields.ts';
import { parseTimeRange, writeTimeRange } from './fault-times.ts';
import type { DesignParamsView, FaultKind } from './kind.ts';
import { faultKind, faultKindNames } from './registry.ts';
import type { FaultSpec } from './schedule.ts';
import { checkTriggerProbe, parseTrigger, writeTrigger } from './trigger.ts';
import { checkMember, formatTarget, parseTarget, type DesignView } from './targets.ts';

/** The fields a fault of `kind` may have, in the order a file lists them. */
export function fieldNamesOf(kind: FaultKind): string[] {
  return ['at', 'when', 'kind', ...(kind.target === 'none' ? [] : ['target']), ...Object.keys(kind.fields), 'for'];
}

/** Parses `faults[index]`; `duration` is the schedule's end of chaos (`at` must come before it). */
export function parseFault(raw: unknown, index: number, duration: Micros, source: string): FaultSpec {
  const path = `faults[${index}]`;
  const at = (name: string): At => ({ source, field: `${path}.${name}` });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail({ source, field: path }, 'a mapping with at, kind and the fields of the kind', raw);
  const fields = raw as Record<string, unknown>;

  if (typeof fields.kind !== 'string' || !faultKind(fields.kind)) {
    fail(at('kind'), `a fault kind (${faultKindNames().join(', ')})`, fields.kind);
  }
  const kind = faultKind(fields.kind)!;
  const allowed = fieldNamesOf(kind);
  for (const name of Object.keys(fields)) {
    if (!allowed.includes(name)) throw new InputError(source, `${path}.${name}`, `a field of ${kind.kind} (${allowed.join(', ')})`);
  }

  if (fields.at === undefined && fields.when === undefined) fail(at('at'), 'a start time such as 30s (or a trigger in when)', undefined);
  const start = fields.at === undefined ? { min: 0 } : parseTimeRange(fields.at, at('at'));
  const fault: FaultSpec = { id: index, at: start.min, kind: kind.kind };
  if (start.max !== undefined) fault.atMax = start.max;
  if ((start.max ?? start.min) >= duration) fail(at('at'), `a start before the end of chaos (duration ${writeDuration(duration)})`, fields.at);
  if (fields.when !== undefined) fault.when = parseTrigger(fields.when, at('when'));
  if (fields.for !== undefined) {
    const length = parseTimeRange(fields.for, at('for'));
    if (length.min <= 0) fail(at('for'), 'a positive duration (leave for out to last until chaos ends)', fields.for);
    // a triggered fault starts when its trigger fires: the injector heals it when chaos ends
    const latestStart = fault.atMax ?? fault.at;
    const longest = length.max ?? length.min;
    if (fault.when === undefined && latestStart + longest > duration) {
      fail(at('for'), `a duration ending by the end of chaos: at most ${writeDuration(duration - latestStart)} from at ${writeDuration(latestStart)} (duration ${writeDuration(duration)}; leave for out to last until chaos ends)`, fields.for);
    }
    fault.for = length.min;
    if (length.max !== undefined) fault.forMax = length.max;
  }

  if (fields.target !== undefined) fault.target = parseTarget(fields.target, at('target'));
  else if (kind.target === 'required' && fault.when === undefined) fail(at('target'), `a target for ${kind.kind}: a node id or primary, standby, any, rack:R, dc:D, switch:S, power:P`, undefined);

  for (const [name, spec] of Object.entries(kind.fields)) {
    const value = fields[name];
    if (value !== undefined) fault[name] = spec.type.parse(value, at(name));
    else if (spec.default !== undefined) fault[name] = defaultOf(spec, at(name));
    else if (spec.required) throw new InputError(source, `${path}.${name}`, `${spec.type.expected} (${kind.kind} requires ${name})`, 'nothing');
  }
  kind.check?.(fault as never, { source, field: path });
  return fault;
}

/** The fault as a file spells it (a plain object for the YAML writer). */
export function writeFault(fault: FaultSpec): Record<string, unknown> {
  const kind = faultKind(fault.kind);
  if (!kind) throw new Error(`unknown fault kind ${fault.kind}`);
  const out: Record<string, unknown> = {};
  if (!fault.when || fault.at !== 0 || fault.atMax !== undefined) out.at = writeTimeRange(fault.at, fault.atMax);
  if (fault.when) out.when = writeTrigger(fault.when);
  out.kind = fault.kind;
  if (fault.target) out.target = formatTarget(fault.target);
  for (const [name, spec] of Object.entries(kind.fields)) {
    if (fault[name] !== undefined && !isDefault(spec, fault[name])) out[name] = spec.type.write(fault[name]);
  }
  if (fault.for !== undefined) out.for = writeTimeRange(fault.for, fault.forMax);
  return out;
}

/** Checks the names a fault uses (target, groups, link ends, parameters) against a design. */
export function checkFaultAgainst(fault: FaultSpec, index: number, design: DesignView & { design?: DesignParamsView }, source: string): void {
  const path = `faults[${index}]`;
  const kind = faultKind(fault.kind);
  if (!kind) throw new InputError(source, `${path}.kind`, `a fault kind (${faultKindNames().join(', ')})`, describeValue(fault.kind));
  if (fault.target) checkMember(fault.target, design, { source, field: `${path}.target` }, false);
  if (fault.when) {
    checkTriggerProbe(fault.when, { source, field: `${path}.when` });
    if (fault.when.node) checkMember(fault.when.node, design, { source, field: `${path}.when.node` }, false);
  }
  for (const [name, spec] of Object.entries(kind.fields)) {
    if (fault[name] === undefined || !spec.type.members) continue;
    for (const [suffix, member] of spec.type.members(fault[name])) checkMember(member, design, { source, field: `${path}.${name}${suffix}` }, true);
  }
  kind.checkDesign?.(fault as never, design, { source, field: path });
}
