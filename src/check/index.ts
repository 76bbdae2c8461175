/**
 * The invariants by name, and `checkAll` to run a selection of them over a history. The five
 * built in are those of design.md §5. A user's own invariants are composed in, not registered
 * globally, so worker threads see the same set as the caller:
 *
 * - per design: `invariants: [...]` in the design file, checked in every run of that design
 *   (a worker loads the design file, and with it its invariants);
 * - per call: `simulate({ extraInvariants })`, or for campaigns `invariantModules` (files
 *   whose `invariants` export each worker imports);
 * - `registerInvariant` (kept for compatibility) adds one to this thread's registry only.
 *
 * ```ts
 * const noLateAck: Invariant = {
 *   name: 'no-ack-while-closed',
 *   description: 'no order is acked after settle ends',
 *   check: (h) => eventsOf(h, 'ok').filter((e) => e.time > h.settleEndAt)
 *     .map((e) => ({ invariant: 'no-ack-while-closed', time: e.time, detail: `${e.orderId} acked late` })),
 * };
 * checkAll(history, ['no-ack-while-closed', 'single-primary'], [noLateAck]);
 * ```
 */
import { InputError } from '../sim/input-error.ts';
import { convergence } from './convergence.ts';
import type { History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { noDuplicateOrder } from './no-duplicate-order.ts';
import { noLostAck } from './no-lost-ack.ts';
import { recovery } from './recovery.ts';
import { singlePrimary } from './single-primary.ts';

export type { Invariant, Violation } from './invariant.ts';
export { authoritativeNode } from './authority.ts';
export { roleScopes, orderScopes } from './scopes.ts';
export { primaryIntervals, splitBrainIntervals, type PrimaryInterval, type SplitBrainInterval } from './primary-intervals.ts';
export { lostAcks, type LostAck } from './no-lost-ack.ts';
export { duplicateAcceptances, type DuplicateAcceptance } from './no-duplicate-order.ts';
export { noHealthyNodePeriods } from './health.ts';
export { orderRecords, serviceOf, MARKET_CLOSED, type OrderRecord } from './orders.ts';

/** Every known invariant by name, built-in ones first. */
export const INVARIANTS = new Map<string, Invariant>(
  [singlePrimary, noLostAck, noDuplicateOrder, recovery, convergence].map((inv) => [inv.name, inv]),
);

const BUILT_IN = new Set(INVARIANTS.keys());

/**
 * Adds (or replaces) an invariant under its name in this thread's registry, so `checkAll` and
 * the CLI can select it. Worker threads do not see it unless the module that registers it is
 * one they load (a design file or an invariant module).
 */
export function registerInvariant(invariant: Invariant): void {
  INVARIANTS.set(invariant.name, invariant);
}

/**
 * The invariants a run is checked against: the built-in and registered ones, then `extra`
 * (a design's own and the caller's). An extra may not take a built-in's name (a design could
 * otherwise switch `single-primary` off), nor two extras share one.
 */
export function composeInvariants(extra: readonly Invariant[] = []): Map<string, Invariant> {
  if (extra.length === 0) return INVARIANTS;
  const all = new Map(INVARIANTS);
  const seen = new Set<string>();
  for (const invariant of extra) {
    if (BUILT_IN.has(invariant.name) || seen.has(invariant.name)) {
      throw new InputError('invariants', invariant.name, 'a name no other invariant of the run has (built in: ' + [...BUILT_IN].join(', ') + ')');
    }
    seen.add(invariant.name);
    all.set(invariant.name, invariant);
  }
  return all;
}

/**
 * Runs the named invariants (all of them when `names` is omitted) among the built-in,
 * registered and `extra` ones, and returns their violations sorted by time, then invariant
 * name, then detail. An unknown name is the user's mistake (a flag or a file), so it throws an
 * `InputError`.
 */
export function checkAll(history: History, names?: readonly string[], extra: readonly Invariant[] = []): Violation[] {
  const known = composeInvariants(extra);
  const selected = [...new Set(names ?? known.keys())].map((name) => {
    const invariant = known.get(name);
    if (!invariant) throw new InputError('invariants', '', `one of ${[...known.keys()].join(', ')}`, `'${name}'`);
    return invariant;
  });
  return selected
    .flatMap((inv) => inv.check(history))
    .sort((x, y) => x.time - y.time || compare(x.invariant, y.invariant) || compare(x.detail, y.detail));
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
