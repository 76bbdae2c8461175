/**
 * Where a design's estimate declaration comes from, in order:
 *
 * 1. the design itself: an optional `estimate` field on the object `defineDesign` returns,
 *    `estimate: (params) => ({ structure, standby?, warmup?, settle? })` (or the object);
 * 2. this file's table for the bundled designs (so the models need not change);
 * 3. derived from the topology: one serving node suffices, serving nodes beyond the first
 *    are standbys in declaration order, non-serving nodes (monitors) are not needed.
 *
 * `warmup` is how long a fresh world runs before an incident begins (the design must be
 * settled in its healthy steady state by then); `settle` is how long the protocol gets after
 * each change (a failure or a repair) before quiet time is fast-forwarded; both in µs.
 */
import { SECOND, type Micros } from '../sim/time.ts';
import type { Design, ParamValues, Topology } from '../world/design.ts';
import { validateStructure, type StructureSpec } from './structure.ts';

export interface EstimateSpec extends StructureSpec {
  warmup?: Micros;
  settle?: Micros;
}

export interface ResolvedEstimateSpec extends StructureSpec {
  warmup: Micros;
  settle: Micros;
  /** Where the declaration came from: `design`, `bundled` or `derived`. */
  origin: 'design' | 'bundled' | 'derived';
}

/** What a design file may add to declare its structure (read structurally, see above). */
export interface DesignWithEstimate {
  estimate?: EstimateSpec | ((params: ParamValues) => EstimateSpec);
}

export const DEFAULT_WARMUP: Micros = 10 * SECOND;
export const DEFAULT_SETTLE: Micros = 30 * SECOND;

const pair = (a: string, b: string): EstimateSpec => ({ structure: { atLeast: 1, of: [a, b] }, standby: { need: 1, of: [a, b] } });

/** The bundled designs. */
const BUNDLED: Record<string, (p: ParamValues, t: Topology) => EstimateSpec> = {
  single: () => ({ structure: 'a' }),
  'hot-standby-naive': () => pair('a', 'b'),
  'hot-standby-sync': () => pair('a', 'b'),
  'hot-standby-stonith': () => pair('a', 'b'),
  'keepalived-vrrp': () => pair('a', 'b'),
  'hot-standby-witness': () => ({
    structure: { all: [{ atLeast: 1, of: ['a', 'b'] }, { atLeast: 2, of: ['a', 'b', 'w'] }] },
    standby: { need: 1, of: ['a', 'b'] },
  }),
  // the health checker and the trigger-file monitor only trigger failover: not structural
  'dns-failover': (_p, t) => pair(t.nodes[0].id, t.nodes[1].id),
  'postgres-trigger-file': (_p, t) => pair(t.nodes[0].id, t.nodes[1].id),
  raft: (_p, t) => ({ structure: majorityOf(t.nodes.map((n) => n.id)) }),
  // each active serves its shard, the spare stands in for any one
  'n-plus-1': (_p, t) => {
    const ids = t.nodes.map((n) => n.id);
    return { structure: { atLeast: ids.length - 1, of: ids }, standby: { need: ids.length - 1, of: ids } };
  },
  // a PostgreSQL node, and the DCS majority that holds the leader key
  'postgres-patroni': (_p, t) => {
    const pg = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    const dcs = t.nodes.filter((n) => n.serving === false).map((n) => n.id);
    return { structure: { all: [{ atLeast: 1, of: pg }, majorityOf(dcs)] }, standby: { need: 1, of: pg }, warmup: 40 * SECOND, settle: 60 * SECOND };
  },
  // a Redis server serves; Sentinels only fail over
  'redis-sentinel': (_p, t) => {
    const redis = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    return { structure: { atLeast: 1, of: redis }, standby: { need: 1, of: redis }, settle: 60 * SECOND };
  },
  // an instance, and the Redis master (or its replica when Sentinel can promote it)
  'active-active-lock': (_p, t) => {
    const ids = t.nodes.map((n) => n.id);
    const instances = ids.filter((id) => id.startsWith('i'));
    const redis = ids.filter((id) => id.startsWith('redis'));
    return { structure: { all: [{ atLeast: 1, of: instances }, { atLeast: 1, of: redis }] }, ...(redis.length > 1 ? { standby: { need: 1, of: redis } } : {}) };
  },
  // any data node of either site can serve; the observer is a monitor
  'dr-site': (_p, t) => {
    const data = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    return { structure: { atLeast: 1, of: data }, standby: { need: 1, of: data }, settle: 60 * SECOND };
  },
};

function majorityOf(ids: string[]): StructureSpec['structure'] {
  return { atLeast: Math.floor(ids.length / 2) + 1, of: ids };
}

/** The estimate declaration of a design with resolved parameters. */
export function estimateSpecOf(design: Design, params: ParamValues): ResolvedEstimateSpec {
  const topology = design.topology(params as never);
  const own = (design as Design & DesignWithEstimate).estimate;
  let spec: EstimateSpec;
  let origin: ResolvedEstimateSpec['origin'];
  if (own !== undefined) {
    spec = typeof own === 'function' ? own(params) : own;
    origin = 'design';
  } else if (BUNDLED[design.name]) {
    spec = BUNDLED[design.name](params, topology);
    origin = 'bundled';
  } else {
    const serving = topology.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    spec = serving.length === 1 ? { structure: serving[0] } : pair(serving[0], serving[1]);
    if (serving.length > 2) spec = { structure: { atLeast: 1, of: serving }, standby: { need: 1, of: serving } };
    origin = 'derived';
  }
  validateStructure(spec, topology.nodes.map((n) => n.id), design.name);
  return { structure: spec.structure, standby: spec.standby, warmup: spec.warmup ?? DEFAULT_WARMUP, settle: spec.settle ?? DEFAULT_SETTLE, origin };
}
