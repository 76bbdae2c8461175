/**
 * Availability, two ways. Order-based: the fraction of counted orders served, i.e. acked
 * within the client timeout (orders rejected because the market is closed, or unanswered but
 * still within their timeout at the end of the run, are not counted; see `check/orders.ts`).
 * Time-based: the fraction of the measured window [first invoke, `settleEndAt`] not covered by
 * an outage (see `outages.ts`), each outage weighted by the share of orders it affected (a
 * degraded outage with one of three shards down counts a third of its length). Both are 1
 * when there is nothing to measure. Read from the folded traffic (history/fold/order-flow.ts):
 * served orders as counts, the others one by one.
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { serviceOf } from '../history/order-record.ts';
import type { Outage } from '../check/outages.ts';

/** Fraction of counted orders that were acked within the client timeout; of one scope's orders when `scope` is given. */
export function orderAvailability(history: History, scope?: string): number {
  const flow = digestOf(history).orders;
  let served = scope === undefined ? flow.measuredServed : (flow.scopes.get(scope)?.served ?? 0);
  let counted = served;
  for (const order of flow.unserved()) {
    if (scope !== undefined && order.scope !== scope) continue;
    const service = serviceOf(order, history);
    if (service === 'excluded') continue;
    counted++;
    if (service === 'served') served++;
  }
  return counted === 0 ? 1 : served / counted;
}

/** 1 - (outage time, weighted by each outage's share / measured window); of one scope's orders when `scope` is given. */
export function uptimeFraction(history: History, outages: readonly Outage[], scope?: string): number {
  const flow = digestOf(history).orders;
  const firstInvokeAt = scope === undefined ? flow.firstInvokeAt : flow.scopes.get(scope)?.firstInvokeAt;
  if (firstInvokeAt === undefined) return 1;
  const windowStart = Math.max(0, firstInvokeAt); // boot is not measured
  const windowEnd = history.settleEndAt;
  if (windowEnd <= windowStart) return 1;
  let down = 0;
  for (const o of outages) down += o.share * Math.max(0, Math.min(o.end, windowEnd) - Math.max(o.start, windowStart));
  return 1 - down / (windowEnd - windowStart);
}
