/**
 * The client side of the order traffic, folded as it is recorded: what availability, outages,
 * the order counts, ack latency and `recovery` need, without a record per order. An order
 * acked within the client timeout is settled at its ack (an `ok` wins over anything after
 * it): it adds to the served counts and the latency histogram and is dropped. Every other
 * order (still waiting, timed out, refused, market-closed, acked late) keeps its `OrderRecord`
 * until the end, when its service is judged (order-record.ts `serviceOf`): those are the few
 * orders outages are made of. Each also learns the first ack of an order invoked at or after
 * it (ack-frontier.ts), all an outage's end needs from the served orders.
 */
import type { Micros } from '../../sim/time.ts';
import type { EventOf } from '../history.ts';
import { LatencyCounts } from '../latency-counts.ts';
import { OrderIdSet } from '../order-ids.ts';
import { byInvokeThenId, type OrderRecord } from '../order-record.ts';
import { AckFrontier } from './ack-frontier.ts';

/**
 * An order not (yet) served, with the first ack after it in its scope (`firstAck0`) and
 * service-wide (`firstAck1`): two fields, not a pair, which would be an array (64 bytes) per order.
 */
export interface FlowOrder extends OrderRecord {
  firstAck0: FlowOrder | undefined;
  firstAck1: FlowOrder | undefined;
}

/** The first ack after `order` in its scope (slot 0) or service-wide (slot 1). */
export function firstAckOf(order: FlowOrder, slot: 0 | 1): FlowOrder | undefined {
  return slot === 0 ? order.firstAck0 : order.firstAck1;
}

/** What the fold needs to know up front: the frame of the run (history times). */
export interface FlowFrame {
  clientTimeout: Micros;
  healAt: Micros;
  settleEndAt: Micros;
  /** The scope of a client whose invokes name none (History.clientScopes). */
  clientScopes?: Record<string, string>;
}

/** Per scope: the served orders and the first invoke. */
export interface ScopeFlow {
  served: number;
  firstInvokeAt: Micros;
}

export class OrderFlow {
  private readonly invoked = new OrderIdSet();
  /** Orders invoked and not served: waiting, or ended without an ack in time. */
  private readonly open = new Map<string, FlowOrder>();
  private readonly frontiers = new Map<string, AckFrontier>();
  private readonly everyOrder = new AckFrontier(1);
  /** `unserved()`, until the next event changes it. */
  private sorted: FlowOrder[] | undefined;
  /** Orders invoked at or after 0 (boot orders are not measured). */
  measuredOrders = 0;
  /** Measured orders acked within the timeout. */
  measuredServed = 0;
  /** Ack latencies of measured orders acked within the timeout: latency -> count. */
  readonly servedLatency = new LatencyCounts();
  readonly scopes = new Map<string, ScopeFlow>();
  /** The first invoke of the run, boot included. */
  firstInvokeAt: Micros | undefined;
  /** Orders invoked at or after healAt and settled at their ack; whether one was acked by settle end. */
  settledAfterHeal = 0;
  settledAfterHealBySettle = false;

  constructor(private readonly frame: FlowFrame) {}

  /** `client` invoked `orderId` (in `scope`, if the event named one) at `time`. */
  invoke(client: string, orderId: string, eventScope: string | undefined, time: Micros): void {
    if (!this.invoked.add(orderId)) return;
    this.sorted = undefined;
    const scope = eventScope ?? this.frame.clientScopes?.[client] ?? '';
    // every field an outcome sets is there from the start: one object shape, and no property
    // store allocated when the ack comes (most orders are acked)
    const order: FlowOrder = { orderId, client, scope, invokeAt: time, outcome: 'pending', outcomeAt: undefined, latency: undefined, ackNode: undefined, reason: undefined, firstAck0: undefined, firstAck1: undefined };
    this.open.set(orderId, order);
    this.firstInvokeAt ??= time;
    let own = this.scopes.get(scope);
    if (!own) this.scopes.set(scope, (own = { served: 0, firstInvokeAt: time }));
    if (time >= 0) this.measuredOrders++;
    this.frontierOf(scope).invoked(order);
    this.everyOrder.invoked(order);
  }

  /** A client got an ack of `orderId` from `node` at `time`, `latency` after its invoke. */
  ok(orderId: string, node: string, latency: Micros, time: Micros): void {
    const order = this.open.get(orderId);
    if (!order || order.outcome === 'ok') return;
    this.sorted = undefined;
    order.outcome = 'ok';
    order.outcomeAt = time;
    order.latency = latency;
    order.ackNode = node;
    order.reason = undefined;
    this.frontierOf(order.scope).acked(order, time);
    this.everyOrder.acked(order, time);
    const boot = order.invokeAt < 0;
    if (!boot && latency > this.frame.clientTimeout) return;
    // served (or a boot order, never counted): nothing after this changes it, so only counts remain of it
    this.open.delete(orderId);
    if (order.invokeAt >= this.frame.healAt) {
      this.settledAfterHeal++;
      if (time <= this.frame.settleEndAt) this.settledAfterHealBySettle = true;
    }
    if (boot) return;
    this.measuredServed++;
    this.servedLatency.add(latency);
    this.scopes.get(order.scope)!.served++;
  }

  ended(e: EventOf<'fail'> | EventOf<'info'>, time: Micros): void {
    const order = this.open.get(e.orderId);
    if (!order || order.outcome !== 'pending') return;
    this.sorted = undefined;
    order.outcome = e.type;
    order.outcomeAt = time;
    order.reason = e.reason;
  }

  /** The orders not served, in invoke order (invoke time, then id). Callers must not change it. */
  unserved(): FlowOrder[] {
    return (this.sorted ??= [...this.open.values()].sort(byInvokeThenId));
  }

  private frontierOf(scope: string): AckFrontier {
    let frontier = this.frontiers.get(scope);
    if (!frontier) this.frontiers.set(scope, (frontier = new AckFrontier(0)));
    return frontier;
  }
}
