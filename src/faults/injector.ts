/**
 * Puts a schedule's faults into a run. Each fault begins at `at` and ends at `at + for`, or
 * when chaos ends (`schedule.duration`) if it is permanent or would outlast it: then every
 * fault heals, whatever its kind.
 *
 * A fault resolves its target when it fires (who is primary *now*), records `fault-begin`
 * with the endpoints it acts on before applying its effects, and `fault-end` when it heals;
 * a fault whose target names nothing at that moment (no primary) records `fault-skipped` and
 * does nothing. A fault with a trigger (`when:`, trigger.ts) is armed at `at` and fires each
 * time its probe matches, on the probe's node unless it names a target. All go into the
 * trace hash:
 *
 *   fault-begin, fault-end, fault-skipped (fault id, kind, targets; codes in sim/trace-codes.ts)
 */
import type { Micros } from '../sim/time.ts';
import type { World } from '../world/world.ts';
import type { At } from './fields.ts';
import type { Effect, FaultKind } from './kind.ts';
import { faultKind } from './registry.ts';
import { validateTargets, type FaultSpec, type Schedule } from './schedule.ts';
import { formatTarget, resolveTarget } from './targets.ts';
import { armTrigger } from './trigger.ts';
import { TRACE_FAULT_BEGIN, TRACE_FAULT_END, TRACE_FAULT_SKIPPED } from '../sim/trace-codes.ts';
import { drawFaultTimes } from './fault-times.ts';

/**
 * Schedules every fault of `schedule` on the world's simulator (call before running). Schedule
 * times count from the end of boot, `world.origin`.
 */
export function installFaults(world: World, schedule: Schedule): void {
  validateTargets(schedule, world);
  const origin = world.origin;
  const chaosEnd = origin + schedule.duration;
  schedule.faults.forEach((given, index) => {
    // a fault with a random start or length runs at what this run's seed draws
    const fault = drawFaultTimes(given, world.sim.seed);
    const kind = faultKind(fault.kind);
    if (!kind) throw new Error(`unknown fault kind ${fault.kind}`);
    const where = { source: schedule.source, field: `faults[${index}]` };
    const endOf = (start: Micros) => (fault.for === undefined ? chaosEnd : Math.min(start + fault.for, chaosEnd));
    const trigger = fault.when;
    if (trigger === undefined) {
      world.sim.at(origin + fault.at, () => fire(world, kind, fault, endOf(origin + fault.at), where));
      return;
    }
    // armed at `at`; each firing acts on the probe's node unless the fault names a target
    world.sim.at(origin + fault.at, () =>
      armTrigger(world, trigger, chaosEnd, (node) => {
        const endsAt = endOf(world.sim.now);
        fire(world, kind, fault, endsAt, where, kind.target === 'none' || fault.target ? undefined : node);
        return endsAt;
      }),
    );
  });
}

function fire(world: World, kind: FaultKind, fault: FaultSpec, endsAt: Micros, where: At, probeNode?: string): void {
  const end = beginFault(world, kind, fault, endsAt, where, probeNode);
  if (end) world.sim.at(endsAt, end);
}

/**
 * Begins one fault now: resolves its target (or acts on `probeNode`, a trigger's), plans it,
 * records `fault-begin` and applies it. Returns what heals it (records `fault-end`, then the
 * kind's `end`), for the caller to run once, at `endsAt`; or undefined when the fault was
 * skipped. The schedule's faults and the estimate's component failures both come through
 * here, so a fault reaches the world one way.
 */
export function beginFault(world: World, kind: FaultKind, fault: FaultSpec, endsAt: Micros, where: At, probeNode?: string): (() => void) | undefined {
  const nodes = probeNode === undefined ? targetNodes(world, kind, fault) : [probeNode];
  if (nodes.length === 0 && kind.target !== 'none') {
    skip(world, fault, `target ${formatTarget(fault.target!)} names no node now`);
    return undefined;
  }
  const planned = kind.plan({ world, fault, nodes, endsAt, where });
  if ('skip' in planned) {
    skip(world, fault, planned.skip);
    return undefined;
  }
  const effect: Effect = planned;
  const targets = effect.targets ?? nodes;
  record(world, TRACE_FAULT_BEGIN, fault, targets);
  world.history.record({ type: 'fault-begin', time: world.sim.now, faultId: fault.id, kind: fault.kind, targets, detail: effect.detail });
  effect.begin();
  return () => {
    record(world, TRACE_FAULT_END, fault, targets);
    world.history.record({ type: 'fault-end', time: world.sim.now, faultId: fault.id, kind: fault.kind, targets });
    effect.end?.();
  };
}

function targetNodes(world: World, kind: FaultKind, fault: FaultSpec): string[] {
  if (fault.target) return resolveTarget(world, fault.target);
  return kind.target === 'optional' ? [...world.nodeIds] : [];
}

function skip(world: World, fault: FaultSpec, reason: string): void {
  record(world, TRACE_FAULT_SKIPPED, fault, []);
  world.history.record({ type: 'fault-skipped', time: world.sim.now, faultId: fault.id, kind: fault.kind, reason });
}

function record(world: World, code: number, fault: FaultSpec, targets: string[]): void {
  const { sim } = world;
  sim.trace.add(sim.now, code, fault.id, sim.trace.id(fault.kind), sim.trace.id(targets.join(',')));
  if (sim.trace.recording) sim.trace.line(sim.now, `fault ${code === TRACE_FAULT_BEGIN ? 'begin' : code === TRACE_FAULT_END ? 'end' : 'skipped'} #${fault.id} ${fault.kind} ${targets.join(',')}`);
}
