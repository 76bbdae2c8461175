/**
 * Drawing one run from a random profile: swarm testing (Groce et al., "Swarm Testing", ISSTA
 * 2012). Rather than every run mixing every fault kind at the same rates, each run first draws
 * its own configuration (which kinds are enabled, each with p = 1/2 and at least one, and an
 * intensity that scales their rates), then a schedule from it. Runs that leave a kind out
 * explore what the other kinds do undisturbed, so campaigns reach deeper combinations.
 *
 * Streams (design.md §6): the configuration comes from sub-streams of `swarm`, each kind's
 * faults from `schedule/<kind>`. Every decision has its own stream derived from the seed alone
 * and draws a fixed number of values, so the same seed gives the same configuration whatever
 * the model does; adding a kind or a parameter to a profile moves no other draw; and designs
 * compared under one seed see the same faults wherever their names allow.
 *
 *   seed ─┬─ swarm/kind:<kind> ─ enabled? (p = 1/2)      swarm/fallback ─ the one kind if none
 *         ├─ swarm/intensity ─── rate multiplier          swarm/param:<name> ─ a design parameter
 *         │                                              swarm/workload:<name> ─ a workload setting
 *         └─ schedule/<kind> ─── Poisson arrivals, for, target, fields ─┐
 *                                   merge in time order, keeping maxConcurrentFaults and
 *                                   minHealthyTime ──> an ordinary Schedule (scheduleToYaml)
 */
import { sampler } from '../sim/distributions.ts';
import { InputError } from '../sim/input-error.ts';
import { Rng } from '../sim/rng.ts';
import { MINUTE, MS, type Micros } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';
import type { Design } from '../world/design.ts';
import { parseWorkloadSetting, writeWorkload } from './schedule-workload.ts';
import { parseParam, resolveParams } from '../world/params.ts';
import { staticDesignView, type StaticDesignView } from './design-view.ts';
import { parseFault } from './fault-spec.ts';
import { writeDuration } from './fields.ts';
import { ALL_NODES, isTargetPattern, pickValue, restrictChoice, type ValueChoice } from './profile-values.ts';
import type { ProfileFault, RandomProfile } from './random-profile.ts';
import { faultKind } from './registry.ts';
import type { FaultSpec, Schedule } from './schedule.ts';
import { checkMember, formatTarget, parseTarget, type Place } from './targets.ts';

export interface DrawnRun {
  schedule: Schedule;
  /** Design parameters drawn for this run (`--set name=value`), only those the design declares. */
  params: Record<string, string>;
  swarm: {
    /** The profile's kinds enabled in this run, in profile order. */
    enabledKinds: string[];
    /** The multiplier of every rate in this run. */
    intensity: number;
  };
}

/** A fault drawn before the limits are applied. */
interface Candidate {
  at: Micros;
  for: Micros;
  raw: Record<string, unknown>;
  order: number;
}

/**
 * Draws the schedule and parameters of run `seed` of `profile` against `design`. Pure: the
 * same arguments give the same result.
 *
 * ```ts
 * const { schedule, params } = drawRun(loadProfile('scenarios/random-default.yaml'), design, 7);
 * simulate({ design, seed: 7, schedule, params });
 * ```
 */
export function drawRun(profile: RandomProfile, design: Design, seed: number): DrawnRun {
  const draw = (name: string) => Rng.stream(seed, `swarm/${name}`).float();
  const flagged = profile.faults.map((f) => draw(`kind:${f.kind}`) < 0.5);
  const fallback = draw('fallback');
  const intensityDraw = draw('intensity');
  const params = drawParams(profile, design, (name) => draw(`param:${name}`));
  const workload = drawWorkload(profile, (name) => draw(`workload:${name}`));

  const view = staticDesignView(design, resolveParams(design, params, profile.source));
  const applicable = profile.faults.map((f) => applicableTo(f, view, profile.source));
  const candidates = profile.faults.flatMap((_, i) => (applicable[i] && flagged[i] ? [i] : []));
  const usable = profile.faults.flatMap((_, i) => (applicable[i] ? [i] : []));
  const enabled = candidates.length || usable.length === 0 ? candidates : [usable[Math.floor(fallback * usable.length)]];

  const { min, max } = profile.intensity;
  const intensity = Number((min * Math.pow(max / min, intensityDraw)).toFixed(3));
  const drawn = enabled.flatMap((i) => drawArrivals(profile, applicable[i]!, intensity, seed, i));
  const kept = applyLimits(drawn, profile);
  const source = `${profile.source}#seed=${seed}`;
  const faults: FaultSpec[] = kept.map((c, id) => {
    const raw = { ...c.raw, at: writeDuration(c.at), for: writeDuration(c.for) };
    try {
      return parseFault(raw, id, profile.duration, source);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(profile.source, `faults[${c.order}]`, 'settings that give valid faults', error.message);
    }
  });
  const enabledKinds = enabled.map((i) => profile.faults[i].kind);
  const paramText = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');
  const workloadText = workload ? Object.entries(writeWorkload(workload)).map(([k, v]) => `${k}=${String(v)}`).join(', ') : '';
  return {
    schedule: {
      name: `${profile.name}-${seed}`,
      description: `drawn from ${profile.name} with seed ${seed}: ${enabledKinds.join(', ') || 'no kinds'} at intensity ${intensity}${paramText ? `; params ${paramText}` : ''}${workloadText ? `; workload ${workloadText}` : ''}`,
      duration: profile.duration,
      settle: profile.settle,
      ...(workload ? { workload } : {}),
      faults,
      source,
    },
    params,
    swarm: { enabledKinds, intensity },
  };
}

/** The profile's workload settings, each drawn from its own stream (`swarm/workload:<name>`); undefined when it has none. */
function drawWorkload(profile: RandomProfile, draw: (name: string) => number): Partial<Workload> | undefined {
  if (!profile.workload) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, choice] of Object.entries(profile.workload)) {
    out[name] = parseWorkloadSetting(name, pickValue(choice, draw(name)), { source: profile.source, field: `workload.${name}` });
  }
  return out as Partial<Workload>;
}

/** The profile's parameters that the design declares, each drawn from its own stream. */
function drawParams(profile: RandomProfile, design: Design, draw: (name: string) => number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, choice] of Object.entries(profile.params ?? {})) {
    if (!Object.hasOwn(design.params, name)) continue;
    const spec = design.params[name];
    const u = draw(name);
    const field = `params.${name}`;
    const check = (raw: unknown, suffix: string) => parseParam(spec, raw, profile.source, field + suffix);
    if ('values' in choice) choice.values.forEach((v, i) => check(v, `.values[${i}]`));
    else if ('value' in choice) check(choice.value, '');
    else {
      if ((spec.kind === 'duration') !== (choice.unit === 'duration')) {
        throw new InputError(profile.source, field, `a range of ${spec.kind === 'duration' ? 'durations' : 'numbers'} (${design.name}.${name} is a ${spec.kind})`);
      }
      const show = (v: number) => (choice.unit === 'duration' ? writeDuration(v) : v);
      check(show(choice.min), '.min');
      check(show(choice.max), '.max');
    }
    const integer = (spec.kind === 'integer' || spec.kind === 'integer-list') && 'unit' in choice ? { ...choice, unit: 'integer' as const } : choice;
    out[name] = String(pickValue(integer, u));
  }
  return out;
}

/** How a profile fault applies to a design: its targets and field choices restricted to names the design has. */
interface Applicable {
  targets: string[][];
  fields: [string, ValueChoice][];
}

function applicableTo(fault: ProfileFault, view: StaticDesignView, source: string): Applicable | undefined {
  const kind = faultKind(fault.kind)!;
  const at = { source, field: 'targets' };
  const exists = (text: string): boolean => {
    try {
      checkMember(parseTarget(text, at), view, at, false);
      return true;
    } catch {
      return false;
    }
  };
  const targets = fault.targets
    .map((t) => (t === ALL_NODES ? [t] : isTargetPattern(t) ? expandPattern(t, view) : exists(t) ? [t] : []))
    .filter((options) => options.length > 0);
  if (kind.target !== 'none' && targets.length === 0) return undefined;

  const fields: [string, ValueChoice][] = [];
  for (const [name, choice] of Object.entries(fault.fields)) {
    const type = kind.fields[name].type;
    const ok = (raw: unknown): boolean => {
      if (!type.members || raw === null) return true;
      try {
        for (const [, member] of type.members(type.parse(raw, at))) checkMember(member, view, at, true);
        return true;
      } catch {
        return false;
      }
    };
    const restricted = restrictChoice(choice, ok);
    if (!restricted) return undefined;
    fields.push([name, restricted]);
  }
  return { targets, fields };
}

function expandPattern(pattern: string, view: StaticDesignView): string[] {
  const place = pattern.slice(0, -2) as 'node' | Place;
  return place === 'node' ? [...view.nodeIds] : view.valuesOf(place).map((name) => formatTarget({ type: place, name }));
}

/**
 * The arrivals of one kind over chaos: a Poisson process at `ratePerMinute x intensity`, each
 * with its `for`, target and fields. Every arrival draws the same number of values, so a
 * design with fewer names shifts no later draw.
 */
function drawArrivals(profile: RandomProfile, applicable: Applicable, intensity: number, seed: number, order: number): Candidate[] {
  const entry = profile.faults[order];
  const rng = Rng.stream(seed, `schedule/${entry.kind}`);
  const meanGap = MINUTE / (entry.ratePerMinute * intensity);
  const lasting = sampler(entry.for);
  const out: Candidate[] = [];
  // triggers draw from their own stream: adding `when` leaves the other draws as they were
  const whenRng = entry.when ? Rng.stream(seed, `schedule/${entry.kind}/when`) : undefined;
  for (let t = -meanGap * Math.log(1 - rng.float()); t < profile.duration; t += -meanGap * Math.log(1 - rng.float())) {
    const at = Math.floor(t / MS) * MS;
    const forUs = Math.max(MS, Math.round(lasting(rng) / MS) * MS);
    const entryDraw = rng.float();
    const withinDraw = rng.float();
    const raw: Record<string, unknown> = { kind: entry.kind };
    if (applicable.targets.length) {
      const options = applicable.targets[Math.floor(entryDraw * applicable.targets.length)];
      const target = options[Math.floor(withinDraw * options.length)];
      if (target !== ALL_NODES) raw.target = target;
    }
    for (const [name, choice] of applicable.fields) {
      const value = pickValue(choice, rng.float());
      if (value !== null) raw[name] = value;
    }
    if (entry.when && whenRng) {
      const triggered = whenRng.float() < entry.when.probability;
      const probe = entry.when.probes[Math.floor(whenRng.float() * entry.when.probes.length)];
      const after = entry.when.after ? pickValue(entry.when.after, whenRng.float()) : undefined;
      if (triggered) {
        raw.when = after === undefined ? { probe } : { probe, after };
        delete raw.target; // acts on the node the probe fired on
      }
    }
    out.push({ at, for: Math.min(forUs, profile.duration - at), raw, order });
  }
  return out;
}

/**
 * Keeps arrivals in time order (ties: profile order) while at most `maxConcurrentFaults` are
 * active, and none begins within `minHealthyTime` of the last all-clear (the start of the run
 * counts as one): a system gets time to recover before it is hit from a healthy state again.
 */
function applyLimits(drawn: Candidate[], profile: RandomProfile): Candidate[] {
  const sorted = [...drawn].sort((a, b) => a.at - b.at || a.order - b.order);
  const kept: Candidate[] = [];
  for (const c of sorted) {
    const active = kept.filter((k) => k.at <= c.at && c.at < k.at + k.for).length;
    if (active >= profile.maxConcurrentFaults) continue;
    const allClear = kept.reduce((latest, k) => Math.max(latest, k.at + k.for), 0);
    if (active === 0 && c.at < allClear + profile.minHealthyTime) continue;
    kept.push(c);
  }
  return kept;
}
