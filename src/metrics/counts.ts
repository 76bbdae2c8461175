/**
 * Plain counts of a run: how orders ended on the client side, what the exchange accepted and
 * rejected, and fencing actions. Order outcomes partition the invoked orders:
 * `orders = acked + failed + indeterminate + marketClosed`, where `failed` excludes market-closed
 * rejections and `indeterminate` includes orders with no answer at all by the end of the run.
 */
import type { History } from '../history/history.ts';
import { duplicateAcceptances } from '../check/no-duplicate-order.ts';
import { isMarketClosed, type OrderRecord } from '../check/orders.ts';

export interface RunCounts {
  acked: number;
  failed: number;
  indeterminate: number;
  marketClosed: number;
  exchangeAccepted: number;
  exchangeRejected: number;
  /** Extra acceptances of an order id the exchange had already accepted. */
  duplicates: number;
  fencings: number;
  fencingsOk: number;
}

export function runCounts(history: History, records: readonly OrderRecord[]): RunCounts {
  const counts: RunCounts = {
    acked: 0, failed: 0, indeterminate: 0, marketClosed: 0,
    exchangeAccepted: 0, exchangeRejected: 0, duplicates: duplicateAcceptances(history).length,
    fencings: 0, fencingsOk: 0,
  };
  for (const o of records) {
    if (o.outcome === 'ok') counts.acked++;
    else if (isMarketClosed(o)) counts.marketClosed++;
    else if (o.outcome === 'fail') counts.failed++;
    else counts.indeterminate++;
  }
  for (const e of history.events) {
    if (e.type === 'exchange') {
      if (e.accepted) counts.exchangeAccepted++;
      else counts.exchangeRejected++;
    } else if (e.type === 'fence') {
      counts.fencings++;
      if (e.ok) counts.fencingsOk++;
    }
  }
  return counts;
}
