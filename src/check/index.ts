/**
 * The invariants by name, and `checkAll` to run a selection of them over a history. The five
 * built in are those of design.md §5; `registerInvariant` adds a user's own:
 *
 * ```ts
 * registerInvariant({
 *   name: 'no-ack-while-closed',
 *   description: 'no order is acked after settle ends',
 *   check: (h) => eventsOf(h, 'ok').filter((e) => e.time > h.settleEndAt)
 *     .map((e) => ({ invariant: 'no-ack-while-closed', time: e.time, detail: `${e.orderId} acked late` })),
 * });
 * checkAll(history, ['no-ack-while-closed', 'single-primary']);
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

/** Adds (or replaces) an invariant under its name, so `checkAll` and the CLI can select it. */
export function registerInvariant(invariant: Invariant): void {
  INVARIANTS.set(invariant.name, invariant);
}

/**
 * Runs the named invariants (all registered ones when `names` is omitted) and returns their
 * violations sorted by time, then invariant name, then detail. An unknown name is the user's
 * mistake (a flag or a file), so it throws an `InputError`.
 */
export function checkAll(history: History, names?: readonly string[]): Violation[] {
  const selected = [...new Set(names ?? INVARIANTS.keys())].map((name) => {
    const invariant = INVARIANTS.get(name);
    if (!invariant) throw new InputError('invariants', '', `one of ${[...INVARIANTS.keys()].join(', ')}`, `'${name}'`);
    return invariant;
  });
  return selected
    .flatMap((inv) => inv.check(history))
    .sort((x, y) => x.time - y.time || compare(x.invariant, y.invariant) || compare(x.detail, y.detail));
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
