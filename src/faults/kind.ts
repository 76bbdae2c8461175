/**
 * What a fault kind is: a small self-contained injector registered by name (FoundationDB's
 * style). A kind declares its fields (which drive parsing, the JSON Schema and the writer) and
 * how its `target` is used, and `plan`s a fault when it fires:
 *
 * ```ts
 * export default defineKind({
 *   kind: 'pause',
 *   description: 'the process stalls (GC, VM freeze): timers and messages wait, then run',
 *   example: '{ at: 30s, kind: pause, target: primary, for: 8s }',
 *   target: 'required',
 *   fields: {},
 *   plan: ({ world, nodes }) => ({
 *     detail: 'process paused',
 *     begin: () => nodes.forEach((id) => world.node(id).pause()),
 *     end: () => nodes.forEach((id) => world.node(id).resume()),
 *   }),
 * });
 * ```
 *
 * `plan` runs when the fault fires, with its target already resolved to node ids; it returns
 * what the fault will do (recorded as `fault-begin` before `begin` runs, so a timeline shows
 * the cause before its effects), or `{ skip: reason }`. `end` runs at `at + for`, or when
 * chaos ends, whichever is first; world controls are counters, so overlapping faults each
 * heal their own part.
 */
import { InputError } from '../sim/input-error.ts';
import type { Micros } from '../sim/time.ts';
import type { ParamSpecs } from '../world/design.ts';
import type { World } from '../world/world.ts';
import type { At, Fields, FieldValues } from './fields.ts';
import type { FaultSpec } from './schedule.ts';
import type { DesignView } from './targets.ts';

/**
 * How a kind uses `target`: `required`; `optional` (absent: every node of the design); `none`
 * (the kind names its endpoints otherwise, e.g. partition groups, or acts on the exchange).
 */
export type TargetUse = 'required' | 'optional' | 'none';

export interface FaultStart<F extends Fields = Fields> {
  world: World;
  fault: FaultSpec & FieldValues<F>;
  /** The resolved target nodes (every node for an absent optional target; empty for `none`). */
  nodes: string[];
  /** When the fault will end (its `end` runs then). */
  endsAt: Micros;
  /** The schedule file and this fault's path (`faults[2]`), for errors found at fire time. */
  where: At;
}

export interface Effect {
  /** The endpoints the fault acts on, for the history (default: the target nodes). */
  targets?: string[];
  /** A few words for timelines: `power off`, `+100ms on every message`. */
  detail: string;
  begin(): void;
  end?(): void;
}

export interface Skip {
  skip: string;
}

export interface KindDefinition<F extends Fields> {
  /** The name used in schedule files: `process-crash`. */
  kind: string;
  /** One line: what fails, in the terms of the HA requirements. */
  description: string;
  /** A fault of this kind as a schedule line (checked by the tests, shown in docs). */
  example: string;
  target: TargetUse;
  fields: F;
  /** Checks between fields, after each parsed. */
  check?(fault: FaultSpec & FieldValues<F>, at: At): void;
  /** Checks against a design beyond target names (e.g. parameter names). */
  checkDesign?(fault: FaultSpec & FieldValues<F>, design: DesignView & { design?: DesignParamsView }, at: At): void;
  plan(start: FaultStart<F>): Effect | Skip;
}

/** The part of a design a static check may read. */
export interface DesignParamsView {
  name: string;
  params: ParamSpecs;
}

/** A registered kind (its field types erased). */
export type FaultKind = KindDefinition<Fields>;

/** Types a kind module; the registry lists it. */
export function defineKind<F extends Fields>(definition: KindDefinition<F>): FaultKind {
  return definition as unknown as FaultKind;
}

/** Every ordered pair (a, b) with a in `from` and b in `to`, a and b distinct: the links to cut. */
export function pairsFrom(from: readonly string[], to: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const a of from) for (const b of to) if (a !== b) pairs.push([a, b]);
  return pairs;
}

/** A `component` field must name a process the design's hosts declare (NodeSpec.processes). */
export function checkComponent(component: string | undefined, view: DesignView, at: At): void {
  const known = view.processNames ?? [];
  if (component === undefined || known.includes(component)) return;
  const what = known.length ? `a process of the design's hosts (${known.join(', ')})` : 'no component: the design runs one process per host';
  throw new InputError(at.source, `${at.field}.component`, what, component);
}

/** Runs `fn` on each resolved node (the common shape of node faults). */
export function eachNode(world: World, nodes: readonly string[], fn: (node: ReturnType<World['node']>) => void): void {
  for (const id of nodes) fn(world.node(id));
}
