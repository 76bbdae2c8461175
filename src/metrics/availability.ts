/**
 * Availability, two ways. Order-based: the fraction of counted orders served, i.e. acked
 * within the client timeout (orders rejected because the market is closed, or unanswered but
 * still within their timeout at the end of the run, are not counted; see `check/orders.ts`).
 * Time-based: the fraction of the measured window [first invoke, `settleEndAt`] not covered by
 * an outage (see `outages.ts`), each outage weighted by the share of orders it affected (a
 * degraded outage with one of three shards down counts a third of its length). Both are 1
 * when there is nothing to measure.
 */
import type { History } from '../history/history.ts';
import { serviceOf, type OrderRecord } from '../check/orders.ts';
import type { Outage } from '../check/outages.ts';

/** Fraction of counted orders that were acked within the client timeout. */
export function orderAvailability(history: History, records: readonly OrderRecord[]): number {
  let counted = 0;
  let served = 0;
  for (const order of records) {
    const service = serviceOf(order, history);
    if (service === 'excluded') continue;
    counted++;
    if (service === 'served') served++;
  }
  return counted === 0 ? 1 : served / counted;
}

/** 1 - (outage time, weighted by each outage's share / measured window); `records` sorted by invoke time. */
export function uptimeFraction(history: History, records: readonly OrderRecord[], outages: readonly Outage[]): number {
  if (records.length === 0) return 1;
  const windowStart = Math.max(0, records[0].invokeAt); // boot is not measured
  const windowEnd = history.settleEndAt;
  if (windowEnd <= windowStart) return 1;
  let down = 0;
  for (const o of outages) down += o.share * Math.max(0, Math.min(o.end, windowEnd) - Math.max(o.start, windowStart));
  return 1 - down / (windowEnd - windowStart);
}
