/**
 * Plain counts of a run: how orders ended on the client side, what the exchange accepted and
 * rejected, and fencing actions. Order outcomes partition the invoked orders (boot's are not
 * measured): `orders = acked + failed + indeterminate + marketClosed`, where `failed` excludes
 * market-closed rejections and `indeterminate` includes orders with no answer at all by the
 * end of the run. Read from the folded traffic (history/fold/history-fold.ts).
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { isMarketClosed } from '../history/order-record.ts';
import { controlEvents } from '../history/traffic.ts';

export interface RunCounts {
  /** Orders invoked after boot. */
  orders: number;
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

export function runCounts(history: History): RunCounts {
  const digest = digestOf(history);
  const flow = digest.orders;
  const counts: RunCounts = {
    orders: flow.measuredOrders, acked: flow.measuredServed, failed: 0, indeterminate: 0, marketClosed: 0,
    exchangeAccepted: digest.exchange.accepted, exchangeRejected: digest.exchange.rejected, duplicates: digest.exchange.duplicates.length,
    fencings: 0, fencingsOk: 0,
  };
  for (const o of flow.unserved()) {
    if (o.invokeAt < 0) continue;
    if (o.outcome === 'ok') counts.acked++;
    else if (isMarketClosed(o)) counts.marketClosed++;
    else if (o.outcome === 'fail') counts.failed++;
    else counts.indeterminate++;
  }
  for (const e of controlEvents(history)) {
    if (e.type === 'fence') {
      counts.fencings++;
      if (e.ok) counts.fencingsOk++;
    }
  }
  return counts;
}
