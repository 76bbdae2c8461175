/**
 * What a design declares about itself for `hasim estimate`: its *structure* (which of its
 * nodes must be up for the service to be up when failover is instantaneous and perfect,
 * reliability engineering's structure function), which nodes idle as standbys, and how long
 * an incident's world warms up and settles. It sits in the design file next to the topology,
 * because only the design knows that three etcd nodes need a majority and three Redis servers
 * need one:
 *
 * ```ts
 * // a hot-standby pair: either node serves; `b` idles as a standby while `a` is up
 * estimate: oneOf('a', 'b'),
 * // Raft: a majority of the nodes, every node works all the time
 * estimate: (_params, topology) => ({ structure: majorityOf(topology.nodes.map((n) => n.id)) }),
 * // primary pair plus witness: one data node, and two of the three votes
 * estimate: { structure: { all: [{ atLeast: 1, of: ['a', 'b'] }, { atLeast: 2, of: ['a', 'b', 'w'] }] }, standby: { need: 1, of: ['a', 'b'] } },
 * // the explicit choice of "any one serving node suffices, the others are standbys"
 * estimate: 'any-one-serving',
 * ```
 *
 * A structure is a node id (that node must be up), `all`, `any`, `atLeast k of [...]`, or
 * `scopes k of [...]` for a design that serves in k scopes (shards): each up part serves one
 * scope, any part any scope (perfect failover), so the service is up for a share
 * min(k, parts up) / k of its orders. N+1 is `{ scopes: N, of: [a1..aN, s] }`: one lost active
 * is covered by the spare, a second lost node leaves one shard in N down (a *degraded* service,
 * weighted by its share: check/outages.ts), not the whole service. Inside `all` a share is the
 * least of its parts', inside `any` the greatest, and `atLeast` counts parts fully up.
 * `standby` names the nodes of which only the first `need` up ones (in the listed order) serve;
 * the others are idle standbys, which age as the reliability file's `standby` says. Monitors
 * that only trigger failover (a DNS health checker, Sentinels) are not part of a structure:
 * perfect failover needs no monitor; quorums that keep the data safe (a witness, a DCS, Raft's
 * majority) are. A design that declares nothing cannot be estimated: guessing "any one of N"
 * for a quorum design would overstate its availability.
 */
import type { Micros } from '../sim/time.ts';

export type Structure = string | { all: Structure[] } | { any: Structure[] } | { atLeast: number; of: Structure[] } | { scopes: number; of: Structure[] };

export interface StructureSpec {
  structure: Structure;
  standby?: { need: number; of: string[] };
}

export interface EstimateDeclaration extends StructureSpec {
  /** How long a fresh world runs before an incident begins (default 10 s): the design must be settled by then. */
  warmup?: Micros;
  /** How long the protocol gets after each change before quiet time is fast-forwarded (default 30 s). */
  settle?: Micros;
  /**
   * The longest the design's protocol can go silent on its way to a reaction: from a recorded
   * control event (a fault, a role, a fence, a route, a note) to the next one it causes, through
   * timers that record nothing (a leader key's TTL and the loop that notices it expired, a
   * monitor's down-after), while the clients see the service up. Cite the timers. When declared,
   * a long gap's settle (the next change more than `settle` away) ends once this long has passed
   * with no control event, the service up and every up node running: no reaction can be pending
   * then, and the rest is the steady state the fast-forward skips anyway. Undeclared: every gap
   * is simulated for its whole `settle`.
   */
  silentReaction?: Micros;
  /**
   * When the real system stays down although every node of the structure is up, and why: the
   * structure counts nodes, not what they know (a stale standby that must not be promoted, a
   * lone monitor that is down). The estimate report prints it beside the incidents it flags as
   * still down through a fast-forward (`downThroughFastForward`), so a reader can tell the
   * design's real behaviour from a model gap.
   */
  staysDown?: string;
  /**
   * Why the real system loses acknowledged orders (asynchronous replication, a promotion
   * without quorum whose log then wins): printed beside the classes that lose them, so a reader
   * can tell the design's real behaviour from a model gap.
   */
  losesAcked?: string;
}

/** The explicit choice: one serving node suffices; serving nodes beyond the first are standbys in declaration order. */
export const ANY_ONE_SERVING = 'any-one-serving';

/** A design's `estimate` field: a declaration, one computed from the parameters and topology, or `any-one-serving`. */
export type DesignEstimate<P = never, T = never> = EstimateDeclaration | typeof ANY_ONE_SERVING | EstimateFunction<P, T>;

/** Declared as a method so a design with its own parameter types is still a `Design` (methods are bivariant). */
type EstimateFunction<P, T> = { declare(params: P, topology: T): EstimateDeclaration }['declare'];

/** A majority of `ids`: Raft, etcd, a DCS. */
export function majorityOf(ids: readonly string[]): Structure {
  return { atLeast: Math.floor(ids.length / 2) + 1, of: [...ids] };
}

/** Any one of `ids` serves; the others are idle standbys in this order (a hot-standby group). */
export function oneOf(...ids: string[]): EstimateDeclaration {
  return ids.length === 1 ? { structure: ids[0] } : { structure: { atLeast: 1, of: ids }, standby: { need: 1, of: ids } };
}
