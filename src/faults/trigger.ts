/**
 * Triggers: a fault that fires `when:` a probe happens instead of at a fixed time, so it lands
 * at the moment that breaks a design (a GC pause just after the lock holder got its lock, a
 * crash while a commit waits for its standby) rather than in 1 seed of 40.
 *
 * ```yaml
 * - { when: { probe: lock.acquired, node: i1 }, kind: pause, for: 12s }
 * - { at: 20s, when: { probe: commit.waiting, node: primary, nth: 3, after: 5ms, times: 2 }, kind: crash }
 * ```
 *
 * - `probe` (required): the probe's name (`hasim list --probes <design>`);
 * - `node`: only emissions on this node, or on the node holding a role (`primary`, `standby`,
 *   resolved when the probe fires) or a place (`rack:R`); default any node;
 * - `nth`: the first firing is at the Nth matching emission (default 1);
 * - `after`: the fault begins this long after the emission (default 0: right after the
 *   handler that emitted it, in the same instant);
 * - `times`: it fires at most this many times (default 1), at the Nth matching emission and
 *   the following ones; never while its previous firing still lasts.
 *
 * `at` is when the trigger is armed (default 0): emissions before it are not counted. A
 * triggered fault without a `target` acts on the node the probe fired on. A firing that would
 * begin at or after the end of chaos does not happen. Deterministic: emissions arrive in the
 * simulator's event order.
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import type { Micros } from '../sim/time.ts';
import { probeNamed, allProbes } from '../world/probes.ts';
import type { World } from '../world/world.ts';
import { fail, parseDurationField, writeDuration, type At, type JsonSchema } from './fields.ts';
import { formatTarget, parseTarget, resolveTarget, TARGET_REF, type TargetSpec } from './targets.ts';

export interface TriggerSpec {
  probe: string;
  node?: TargetSpec;
  nth: number;
  after: Micros;
  times: number;
}

const FIELDS = ['probe', 'node', 'nth', 'after', 'times'];
const PROBE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
export const TRIGGER_EXPECTED = 'a mapping with probe (a probe name such as lock.acquired) and optionally node, nth, after, times';

export function parseTrigger(raw: unknown, at: At): TriggerSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(at, TRIGGER_EXPECTED, raw);
  const fields = raw as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!FIELDS.includes(name)) throw new InputError(at.source, `${at.field}.${name}`, `a field of when (${FIELDS.join(', ')})`);
  }
  const sub = (name: string): At => ({ source: at.source, field: `${at.field}.${name}` });
  if (typeof fields.probe !== 'string' || !PROBE_NAME.test(fields.probe)) fail(sub('probe'), 'a probe name such as lock.acquired', fields.probe);
  const trigger: TriggerSpec = { probe: fields.probe, nth: 1, after: 0, times: 1 };
  if (fields.node !== undefined) {
    trigger.node = parseTarget(fields.node, sub('node'));
    if (trigger.node.type === 'any') fail(sub('node'), 'a node id, primary, standby or a place (any names no node in particular)', fields.node);
  }
  if (fields.nth !== undefined) trigger.nth = positiveInteger(fields.nth, sub('nth'));
  if (fields.after !== undefined) trigger.after = parseDurationField(fields.after, sub('after'));
  if (fields.times !== undefined) trigger.times = positiveInteger(fields.times, sub('times'));
  return trigger;
}

function positiveInteger(raw: unknown, at: At): number {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 1_000_000 ? raw : fail(at, 'a whole number from 1', raw);
}

/** The trigger as a file spells it, defaults left out. */
export function writeTrigger(t: TriggerSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { probe: t.probe };
  if (t.node) out.node = formatTarget(t.node);
  if (t.nth !== 1) out.nth = t.nth;
  if (t.after !== 0) out.after = writeDuration(t.after);
  if (t.times !== 1) out.times = t.times;
  return out;
}

export const TRIGGER_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'fire when a probe happens instead of at a fixed time (at: then arms the trigger)',
  additionalProperties: false,
  required: ['probe'],
  properties: {
    probe: { type: 'string', pattern: PROBE_NAME.source, description: 'the probe (hasim list --probes <design>)' },
    node: { ...TARGET_REF, description: 'only emissions on this node, or on the node holding this role (default: any node)' },
    nth: { type: 'integer', minimum: 1, default: 1, description: 'first fire at the Nth matching emission' },
    after: { type: 'string', pattern: '^(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+$', default: '0s', description: 'delay from the emission to the fault' },
    times: { type: 'integer', minimum: 1, default: 1, description: 'fire at most this many times' },
  },
};

/** Checks the probe name against the probes the loaded parts declare. */
export function checkTriggerProbe(trigger: TriggerSpec, at: At): void {
  if (probeNamed(trigger.probe)) return;
  const known = allProbes().map((p) => p.name);
  throw new InputError(at.source, `${at.field}.probe`, `a probe (${known.join(', ') || 'none declared'})`, describeValue(trigger.probe));
}

/**
 * Arms a trigger at the current instant: `fire(node)` runs (as its own event, `after` the
 * emission) on each firing, with the node the probe fired on, and returns until when that
 * firing lasts (no new firing before); `lastStart` bounds the firings (the end of chaos).
 */
export function armTrigger(world: World, trigger: TriggerSpec, lastStart: Micros, fire: (node: string) => Micros): void {
  const probe = probeNamed(trigger.probe);
  if (!probe) return;
  let matched = 0;
  let fired = 0;
  let busyUntil = -1;
  const stop = world.probes.listen(probe, (node) => {
    if (trigger.node && !resolveTarget(world, trigger.node).includes(node)) return;
    if (++matched < trigger.nth) return;
    const startAt = world.sim.now + trigger.after;
    if (startAt >= lastStart || startAt <= busyUntil) return;
    fired++;
    busyUntil = Infinity; // until the firing runs and says how long it lasts
    if (fired >= trigger.times) stop();
    world.sim.at(startAt, () => {
      busyUntil = fire(node);
    });
  });
}
