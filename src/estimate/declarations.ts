/**
 * A design's estimate declaration, resolved: the `estimate` field of its model file (see
 * `world/estimate-declaration.ts`) evaluated for the parameters, checked against its nodes, with
 * the default warm-up and settle filled in. A design that declares nothing is an input error
 * naming the field: "any one of N nodes" is right for a hot-standby group and wrong for a
 * quorum, so the design has to say which (`estimate: 'any-one-serving'` says the former).
 *
 * `warmup` is how long a fresh world runs before an incident begins (the design must be
 * settled in its healthy steady state by then); `settle` is how long the protocol gets after
 * each change (a failure or a repair) before quiet time is fast-forwarded; both in µs.
 */
import { InputError } from '../sim/input-error.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import type { Design, ParamValues } from '../world/design.ts';
import { ANY_ONE_SERVING, oneOf, type EstimateDeclaration } from '../world/estimate-declaration.ts';
import { validateStructure, type StructureSpec } from './structure.ts';

export interface ResolvedEstimateSpec extends StructureSpec {
  warmup: Micros;
  settle: Micros;
  /** The design's longest silent reaction (`EstimateDeclaration.silentReaction`), if it declares one: a long gap's settle may end after this much quiet. */
  silentReaction?: Micros;
  /** `declared`, or `any-one-serving` when the design chose that rule instead of a structure. */
  origin: 'declared' | typeof ANY_ONE_SERVING;
  /** The design's account of when it stays down with its structure up (`EstimateDeclaration.staysDown`). */
  staysDown?: string;
  /** The design's account of the acked orders it loses (`EstimateDeclaration.losesAcked`). */
  losesAcked?: string;
}

export const DEFAULT_WARMUP: Micros = 10 * SECOND;
export const DEFAULT_SETTLE: Micros = 30 * SECOND;

const EXPECTED =
  "an estimate declaration in the design file: which nodes must be up for the service to be up, e.g. estimate: { structure: { atLeast: 2, of: ['n1', 'n2', 'n3'] } }, or estimate: 'any-one-serving' when any one serving node suffices";

/** The estimate declaration of a design with resolved parameters. */
export function estimateSpecOf(design: Design, params: ParamValues): ResolvedEstimateSpec {
  const topology = design.topology(params as never);
  const declared = design.estimate;
  if (declared === undefined) throw new InputError(design.name, 'estimate', EXPECTED, 'nothing');
  let spec: EstimateDeclaration;
  if (declared === ANY_ONE_SERVING) {
    spec = oneOf(...topology.nodes.filter((n) => n.serving !== false).map((n) => n.id));
  } else if (typeof declared === 'function') {
    spec = declared(params as never, topology as never);
  } else if (typeof declared === 'object' && declared !== null && 'structure' in declared) {
    spec = declared;
  } else {
    throw new InputError(design.name, 'estimate', EXPECTED, JSON.stringify(declared));
  }
  validateStructure(spec, topology.nodes.map((n) => n.id), design.name);
  return {
    structure: spec.structure,
    standby: spec.standby,
    warmup: spec.warmup ?? DEFAULT_WARMUP,
    settle: spec.settle ?? DEFAULT_SETTLE,
    ...(spec.silentReaction !== undefined ? { silentReaction: silentReactionOf(spec.silentReaction, design.name) } : {}),
    origin: declared === ANY_ONE_SERVING ? ANY_ONE_SERVING : 'declared',
    ...(spec.staysDown ? { staysDown: spec.staysDown } : {}),
    ...(spec.losesAcked ? { losesAcked: spec.losesAcked } : {}),
  };
}

function silentReactionOf(value: Micros, design: string): Micros {
  if (!(value > 0) || !Number.isFinite(value)) throw new InputError(design, 'estimate.silentReaction', 'a positive duration in µs', String(value));
  return value;
}
