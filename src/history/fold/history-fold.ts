/**
 * The folded history: everything the checks and metrics need from the order traffic, kept as
 * compact accumulators updated as each event is recorded, so a run's memory does not grow by
 * the few objects and strings each order's events would cost (issue #15: 10,000 orders/s for
 * an hour is 36 M orders). The control events (traffic.ts) stay in the history's `events`;
 * positions among them are what the per-segment facts refer to.
 *
 *   invoke/ok/fail/info ──> order-flow.ts   served counts, latency, the unserved orders and
 *                                           the first ack after each (outages, availability)
 *   ok, read, probe     ──> acks.ts         first ack per order (lost acks, RPO, stale reads)
 *   ack-sent, ok, exch. ──> order-scopes.ts each order's scope (shards)
 *   ack-sent, exchange  ──> effects.ts      per node and control segment (split brain)
 *   exchange            ──> exchange-book.ts counts and duplicate acceptances
 *
 * A full history (every event kept) is folded the same way on demand (`digestOf`), so the
 * checks have one implementation and a run gives identical results either way.
 */
import type { Micros } from '../../sim/time.ts';
import type { History, HistoryEvent } from '../history.ts';
import { AckBook } from './acks.ts';
import { EffectSegments } from './effects.ts';
import { ExchangeBook } from './exchange-book.ts';
import { OrderFlow, type FlowFrame } from './order-flow.ts';
import { OrderScopes } from './order-scopes.ts';

export type { FlowFrame } from './order-flow.ts';

export class HistoryFold {
  readonly orders: OrderFlow;
  readonly scopes = new OrderScopes();
  readonly acks = new AckBook(this.scopes);
  readonly exchange = new ExchangeBook();
  readonly effects = new EffectSegments();
  /** Control events folded so far: the segment the next order event falls in. */
  controlCount = 0;
  private lastControlAt: Micros | undefined;

  constructor(frame: FlowFrame) {
    this.orders = new OrderFlow(frame);
  }

  /**
   * Folds one event at history time `time` (its recorded time less `origin`, the end of boot);
   * true when it is order traffic (which need not be kept).
   */
  add(e: HistoryEvent, time: Micros, origin: Micros = 0): boolean {
    switch (e.type) {
      case 'invoke':
        this.invoke(e.client, e.orderId, e.scope, time);
        return true;
      case 'ok':
        this.ok(e.orderId, e.node, e.latency, time);
        return true;
      case 'fail':
      case 'info':
        this.orders.ended(e, time);
        return true;
      case 'read':
        this.acks.read(e, e.invokedAt - origin);
        return true;
      case 'ack-sent':
        this.ackSent(e.node, e.orderId, time);
        return true;
      case 'exchange':
        this.exchangeOrder(e.node, e.orderId, e.accepted, e.reason, time);
        return true;
      default:
        this.scopes.control(e);
        this.acks.control(e);
        this.controlCount++;
        this.lastControlAt = time;
        return false;
    }
  }

  /*
   * The order traffic's events one by one, by their fields: what `add` does with each, and what
   * the recorder calls without building the event (history.ts `recordInvoke` etc.: four objects
   * an order fewer at 10,000 orders/s).
   */

  /** A client invoked `orderId` (an `invoke` event). */
  invoke(client: string, orderId: string, scope: string | undefined, time: Micros): void {
    this.orders.invoke(client, orderId, scope, time);
  }

  /** A client got an ack of `orderId` from `node` (an `ok` event). */
  ok(orderId: string, node: string, latency: Micros, time: Micros): void {
    this.scopes.effect(node, orderId);
    this.orders.ok(orderId, node, latency, time);
    this.acks.ok(orderId, node, latency, time, this.controlCount, this.lastControlAt);
  }

  /** `node` sent an ack of `orderId` (an `ack-sent` event). */
  ackSent(node: string, orderId: string, time: Micros): void {
    this.scopes.effect(node, orderId);
    this.effects.add(node, time, this.controlCount);
  }

  /** The exchange received `orderId` from `node` (an `exchange` event). */
  exchangeOrder(node: string, orderId: string, accepted: boolean, reason: string | undefined, time: Micros): void {
    if (accepted) {
      this.scopes.effect(node, orderId);
      this.effects.add(node, time, this.controlCount);
    }
    this.exchange.add(node, orderId, accepted, reason, time);
  }
}

const replayed = new WeakMap<History, HistoryFold>();

/** The history's fold: its own when it was folded as recorded, else its events folded now (once). */
export function digestOf(history: History): HistoryFold {
  if (history.digest) return history.digest;
  let fold = replayed.get(history);
  if (!fold) {
    fold = new HistoryFold({ clientTimeout: history.clientTimeout, healAt: history.healAt, settleEndAt: history.settleEndAt, clientScopes: history.clientScopes });
    for (const e of history.events) fold.add(e, e.time);
    replayed.set(history, fold);
  }
  return fold;
}
