/**
 * Outages, from the client's side: stretches of time in which orders were not served.
 *
 * Orders are taken in invoke order (ties by order id), skipping excluded ones (market closed,
 * or still within their timeout when the run ended; see `check/orders.ts`). A run of
 * consecutive unserved orders is one outage: it starts at the invoke of the first unserved
 * order and ends at the invoke of the next served one. An outage with no served order after
 * it ends at `settleEndAt` and is `open`. Its duration is the RTO the clients saw.
 *
 * A closed stretch shorter than `MIN_OUTAGE` (100 ms) is a blip, not an outage: one order lost
 * to packet loss between two served ones says nothing about recovery. Blips still count
 * against order availability; they are left out of the outage list, RTO and uptime. 100 ms is
 * below the fastest failure detection of any real design (the Raft paper's shortest election
 * timeout is 150 ms), so no failover is ever mistaken for a blip.
 *
 * Within an outage, `detectedAt` is the first `role` event of any node (something reacted) and
 * `failoverAt` the first `primary` declaration, both at or after the start and no later than
 * the end; null when there is none.
 */
import type { Micros } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import { orderRecords, serviceOf, type OrderRecord } from './orders.ts';
import { lowerBound } from './primary-intervals.ts';

export interface Outage {
  start: Micros;
  end: Micros;
  /** Still going at `settleEndAt`: the service never came back. */
  open: boolean;
  /** How many unserved orders it holds. */
  unservedOrders: number;
  /** The first role change of any node within the outage. */
  detectedAt: Micros | null;
  /** The first primary declaration within the outage. */
  failoverAt: Micros | null;
}

/** Unserved stretches shorter than this are blips, not outages. */
export const MIN_OUTAGE: Micros = 100_000;

/** Every outage of the run, in time order. */
export function findOutages(history: History, records: OrderRecord[] = orderRecords(history)): Outage[] {
  const roleAt: Micros[] = [];
  const primaryAt: Micros[] = [];
  for (const e of history.events) {
    if (e.type !== 'role') continue;
    roleAt.push(e.time);
    if (e.role === 'primary') primaryAt.push(e.time);
  }
  roleAt.sort((x, y) => x - y);
  primaryAt.sort((x, y) => x - y);
  const firstWithin = (times: Micros[], start: Micros, end: Micros): Micros | null => {
    const i = lowerBound(times, start);
    return i < times.length && times[i] <= end ? times[i] : null;
  };
  const outages: Outage[] = [];
  const close = (start: Micros, end: Micros, open: boolean, unservedOrders: number): void => {
    if (!open && end - start < MIN_OUTAGE) return;
    outages.push({ start, end, open, unservedOrders, detectedAt: firstWithin(roleAt, start, end), failoverAt: firstWithin(primaryAt, start, end) });
  };

  let start: Micros | null = null;
  let unserved = 0;
  for (const order of records) {
    const service = serviceOf(order, history);
    if (service === 'excluded') continue;
    if (service === 'unserved') {
      if (start === null) start = order.invokeAt;
      unserved++;
    } else if (start !== null) {
      close(start, order.invokeAt, false, unserved);
      start = null;
      unserved = 0;
    }
  }
  if (start !== null) close(start, Math.max(start, history.settleEndAt), true, unserved);
  return outages;
}
