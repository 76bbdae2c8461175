/**
 * `no-duplicate-order`: the exchange accepts each order id at most once. A duplicate is the
 * classic split-brain or retry-without-idempotence damage: the market sees the order twice.
 * One violation per extra acceptance, at the instant of that acceptance, naming the node that
 * sent it and the one whose copy was accepted first. The acceptances are folded as they are
 * recorded (history/fold/exchange-book.ts).
 */
import { formatInstant } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import type { DuplicateAcceptance } from '../history/fold/exchange-book.ts';
import type { Invariant, Violation } from './invariant.ts';

export type { DuplicateAcceptance } from '../history/fold/exchange-book.ts';

/** Every acceptance of an order id after its first, in history order. */
export function duplicateAcceptances(history: History): readonly DuplicateAcceptance[] {
  return digestOf(history).exchange.duplicates;
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
