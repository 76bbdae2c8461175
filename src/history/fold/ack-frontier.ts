/**
 * For each order, the first ack a client received for an order invoked at or after it: the
 * instant an outage that starts at that order ends (check/outages.ts). In a list of every order
 * that is a backward scan; recorded live it is a frontier: acks arrive in time order, so the
 * first ack for an order at position p (invoke order: invoke time, then id) is the first ack
 * of every still-unanswered order up to p. The orders waiting for one are therefore always
 * the tail of the invoke order after the latest acked position, a queue popped from its head.
 *
 * Ties: among acks at the same instant the one of the earliest position wins (as the scan's
 * strict `<` does), so an ack recorded later at the same instant may take back orders assigned
 * earlier in it, and an order invoked at that instant after an ack of a later position
 * (same invoke time, larger id) is assigned on arrival.
 */
import type { Micros } from '../../sim/time.ts';
import { byInvokeThenId } from '../order-record.ts';
import type { FlowOrder } from './order-flow.ts';

/** Which of an order's two frontiers: its own scope's orders, or every order. */
export type FrontierSlot = 0 | 1;

export class AckFrontier {
  private queue: FlowOrder[] = [];
  private head = 0;
  /** The instant of the acks in `acksNow` and assignments in `assignedNow`. */
  private now: Micros = -Infinity;
  private acksNow: FlowOrder[] = [];
  private assignedNow: FlowOrder[] = [];

  constructor(private readonly slot: FrontierSlot) {}

  /** A new order, invoked at the latest instant recorded. */
  invoked(order: FlowOrder): void {
    if (order.invokeAt === this.now) {
      // an ack at this instant of an order at or after this one's position already answers it
      let best: FlowOrder | undefined;
      for (const ack of this.acksNow) if (byInvokeThenId(order, ack) <= 0 && (!best || byInvokeThenId(ack, best) < 0)) best = ack;
      if (best) {
        order.firstAck[this.slot] = best;
        this.assignedNow.push(order);
        return;
      }
    }
    const queue = this.queue;
    let i = queue.length;
    // keep invoke order among orders invoked at the same instant
    while (i > this.head && queue[i - 1].invokeAt === order.invokeAt && queue[i - 1].orderId > order.orderId) i--;
    if (i === queue.length) queue.push(order);
    else queue.splice(i, 0, order);
  }

  /** `order` got its first ack, at `time`. */
  acked(order: FlowOrder, time: Micros): void {
    if (time !== this.now) {
      this.now = time;
      this.acksNow = [];
      this.assignedNow = [];
    }
    this.acksNow.push(order);
    const slot = this.slot;
    for (const earlier of this.assignedNow) {
      if (byInvokeThenId(earlier, order) <= 0 && byInvokeThenId(earlier.firstAck[slot]!, order) > 0) earlier.firstAck[slot] = order;
    }
    const queue = this.queue;
    while (this.head < queue.length && byInvokeThenId(queue[this.head], order) <= 0) {
      const answered = queue[this.head++];
      answered.firstAck[slot] = order;
      this.assignedNow.push(answered);
    }
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }
}
