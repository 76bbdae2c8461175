/**
 * The client's view of a fault, read from a run's history the way the calibration harness reads
 * it from its real client: when a request first failed after the fault, and when a request was
 * first served again by a node other than the one the fault hit.
 *
 * hasim's history records orders, not attempts, so a failed attempt is inferred: an order whose
 * first attempt was not acked within the client timeout failed at invoke + timeout, or when it
 * ended `fail` if that came sooner (a refused attempt that was retried at once and then served
 * leaves no trace, and is not counted).
 */
import type { History } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';

/** The time of the first failed request at or after `faultAt` (of one `client`, if given), or undefined. */
export function firstFailedAfter(history: History, faultAt: Micros, client?: string): Micros | undefined {
  const invoked = new Map<string, Micros>();
  let first: Micros | undefined;
  const consider = (t: Micros) => {
    if (t >= faultAt && (first === undefined || t < first)) first = t;
  };
  for (const e of history.events) {
    if (client !== undefined && 'client' in e && e.client !== client) continue;
    if (e.type === 'invoke') invoked.set(e.orderId, e.time);
    else if (e.type === 'ok' && (e.attempt > 1 || e.latency > history.clientTimeout)) consider((invoked.get(e.orderId) ?? e.time) + history.clientTimeout);
    else if (e.type === 'fail' || e.type === 'info') consider(Math.min(e.time, (invoked.get(e.orderId) ?? e.time) + history.clientTimeout));
  }
  return first;
}

/** The first ack a client (`client`, if given) received after `after` from a node other than `except`. */
export function firstServedAfter(history: History, after: Micros, except?: string, client?: string): Micros | undefined {
  for (const e of history.events) {
    if (e.type === 'ok' && e.time > after && e.node !== except && (client === undefined || e.client === client)) return e.time;
  }
  return undefined;
}

/** The last ack `client` received from `node` in [from, to), or undefined. */
export function lastServedBy(history: History, client: string, node: string, from: Micros, to: Micros): Micros | undefined {
  let last: Micros | undefined;
  for (const e of history.events) {
    if (e.type === 'ok' && e.client === client && e.node === node && e.time >= from && e.time < to) last = e.time;
  }
  return last;
}
