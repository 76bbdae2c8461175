/**
 * `no-duplicate-order`: the exchange accepts each order id at most once. A duplicate is the
 * classic split-brain or retry-without-idempotence damage: the market sees the order twice.
 * One violation per extra acceptance, at the instant of that acceptance, naming the node that
 * sent it and the one whose copy was accepted first.
 */
import type { Micros } from '../sim/time.ts';
import { formatInstant } from '../sim/time.ts';
import type { History } from './history.ts';
import type { Invariant, Violation } from './invariant.ts';

export interface DuplicateAcceptance {
  orderId: string;
  /** The first acceptance of this order id. */
  first: { node: string; time: Micros };
  /** A later acceptance of the same order id. */
  again: { node: string; time: Micros };
}

/** Every acceptance of an order id after its first, in history order. */
export function duplicateAcceptances(history: History): DuplicateAcceptance[] {
  const firstAccepted = new Map<string, { node: string; time: Micros }>();
  const duplicates: DuplicateAcceptance[] = [];
  for (const e of history.events) {
    if (e.type !== 'exchange' || !e.accepted) continue;
    const first = firstAccepted.get(e.orderId);
    if (first) duplicates.push({ orderId: e.orderId, first, again: { node: e.node, time: e.time } });
    else firstAccepted.set(e.orderId, { node: e.node, time: e.time });
  }
  return duplicates;
}

export const noDuplicateOrder: Invariant = {
  name: 'no-duplicate-order',
  description: 'the exchange accepts each order id at most once',
  check(history: History): Violation[] {
    return duplicateAcceptances(history).map((d) => ({
      invariant: 'no-duplicate-order',
      time: d.again.time,
      detail: `order ${d.orderId} accepted again from ${d.again.node}, first accepted from ${d.first.node} at ${formatInstant(d.first.time)}`,
    }));
  },
};
