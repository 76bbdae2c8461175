/**
 * `no-duplicate-order`: the exchange accepts each order id at most once. A duplicate is the
 * classic split-brain or retry-without-idempotence damage: the market sees the order twice.
 * One violation per extra acceptance, at the instant of that acceptance, naming the node that
 * sent it and the one whose copy was accepted first.
 */
import type { Micros } from '../sim/time.ts';
import { formatInstant } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { memoPerHistory } from './memo.ts';

export interface DuplicateAcceptance {
  orderId: string;
  /** The first acceptance of this order id. */
  first: { node: string; time: Micros };
  /** A later acceptance of the same order id. */
  again: { node: string; time: Micros };
}

/** Every acceptance of an order id after its first, in history order. */
export const duplicateAcceptances = memoPerHistory(function duplicateAcceptances(history: History): DuplicateAcceptance[] {
  // the index of each order's first acceptance: no object per order on the common path
  const firstAccepted = new Map<string, number>();
  const duplicates: DuplicateAcceptance[] = [];
  const events = history.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type !== 'exchange' || !e.accepted) continue;
    const first = firstAccepted.get(e.orderId);
    if (first === undefined) {
      firstAccepted.set(e.orderId, i);
      continue;
    }
    const f = events[first] as typeof e;
    duplicates.push({ orderId: e.orderId, first: { node: f.node, time: f.time }, again: { node: e.node, time: e.time } });
  }
  return duplicates;
});

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
