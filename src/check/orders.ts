/**
 * Every order's record (history/order-record.ts), built from a full history: for reports that
 * draw each order (the HTML report's series) and for tests. The checks and metrics do not use
 * it: they read the folded traffic (history/fold/order-flow.ts), which keeps records only for
 * the orders not served in time, so they work on folded histories too.
 */
import type { History } from '../history/history.ts';
import { byInvokeThenId, type OrderRecord } from '../history/order-record.ts';
import { memoPerHistory } from './memo.ts';

export { MARKET_CLOSED, serviceOf, isMarketClosed, type OrderOutcome, type OrderRecord, type Service } from '../history/order-record.ts';

/**
 * Every invoked order, sorted by invoke time then order id. Outcomes for order ids that were
 * never invoked are ignored. Needs the full event list: a folded history has no per-order records.
 */
export const orderRecords = memoPerHistory(function orderRecords(history: History): OrderRecord[] {
  if (history.digest) throw new Error('orderRecords needs every event of the run: record its history unfolded');
  const byId = new Map<string, OrderRecord>();
  for (const e of history.events) {
    if (e.type === 'invoke') {
      if (!byId.has(e.orderId)) byId.set(e.orderId, { orderId: e.orderId, client: e.client, scope: e.scope ?? history.clientScopes?.[e.client] ?? '', invokeAt: e.time, outcome: 'pending' });
      continue;
    }
    if (e.type !== 'ok' && e.type !== 'fail' && e.type !== 'info') continue;
    const order = byId.get(e.orderId);
    if (!order || order.outcome === 'ok') continue;
    if (e.type === 'ok') {
      order.outcome = 'ok';
      order.outcomeAt = e.time;
      order.latency = e.latency;
      order.ackNode = e.node;
      order.reason = undefined;
    } else if (order.outcome === 'pending') {
      order.outcome = e.type;
      order.outcomeAt = e.time;
      order.reason = e.reason;
    }
  }
  return [...byId.values()].sort(byInvokeThenId);
});
