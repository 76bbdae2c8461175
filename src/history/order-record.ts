/**
 * The client's view of one order: when it was invoked and how it ended (`ok`, `fail`, `info`,
 * or nothing yet), and whether it counts as served. Availability, outages and the `recovery`
 * invariant all start from this view; the folded history (fold/order-flow.ts) keeps it only for
 * the orders not served in time, and check/orders.ts builds it for every order of a full history.
 *
 * An order is *served* when it was acked within the client timeout. Orders rejected with
 * `fail` reason `market-closed` are neither served nor unserved (excluded), and so is an order
 * still unanswered at the end of the run whose timeout had not yet expired by then, and an
 * order invoked during boot (before time 0: the service had not served yet).
 */
import type { Micros } from '../sim/time.ts';

/** The reason a client gives for an order refused because the market is closed. */
export const MARKET_CLOSED = 'market-closed';

/** `pending`: no ok, fail or info by the end of the run. */
export type OrderOutcome = 'ok' | 'fail' | 'info' | 'pending';

export interface OrderRecord {
  orderId: string;
  client: string;
  /** The part of the service the order went to (`''`: the whole service; see History.clientScopes). */
  scope: string;
  invokeAt: Micros;
  /** An `ok` wins over a `fail`/`info` (the client was acked); otherwise the first of those. */
  outcome: OrderOutcome;
  /** When the outcome arrived (undefined while pending). */
  outcomeAt?: Micros;
  /** For `ok`: the latency from invoke to ack, as the client measured it. */
  latency?: Micros;
  /** For `ok`: the node whose ack the client received. */
  ackNode?: string;
  /** For `fail` and `info`: the client's reason. */
  reason?: string;
}

export type Service = 'served' | 'unserved' | 'excluded';

/** Whether an order was served within the client timeout, not served, or does not count. */
export function serviceOf(order: OrderRecord, frame: { clientTimeout: Micros; endAt: Micros }): Service {
  if (order.invokeAt < 0) return 'excluded';
  switch (order.outcome) {
    case 'ok':
      return order.latency! <= frame.clientTimeout ? 'served' : 'unserved';
    case 'fail':
      return order.reason === MARKET_CLOSED ? 'excluded' : 'unserved';
    case 'info':
      return 'unserved';
    case 'pending':
      // Unanswered, but its timeout ran out inside the run: it was not served in time.
      return order.invokeAt + frame.clientTimeout <= frame.endAt ? 'unserved' : 'excluded';
  }
}

export function isMarketClosed(order: OrderRecord): boolean {
  return order.outcome === 'fail' && order.reason === MARKET_CLOSED;
}

/** Invoke order: by invoke time, then order id. */
export function byInvokeThenId(x: OrderRecord, y: OrderRecord): number {
  if (x.invokeAt !== y.invokeAt) return x.invokeAt - y.invokeAt;
  return x.orderId < y.orderId ? -1 : x.orderId > y.orderId ? 1 : 0;
}
