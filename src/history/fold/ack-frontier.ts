/**
 * For each order, the first ack a client received for an order invoked at or after it: the
 * instant an outage that starts at that order ends (check/outages.ts). In a list of every order
 * that is a backward scan; recorded live it is a frontier: acks arrive in time order, so the
 * first ack for an order at position p (invoke order: invoke time, then id) is the first ack
 * of every still-unanswered order up to p. The orders waiting for one are therefore always
 * the tail of the invoke order after the latest acked position, a queue popped from its head.
 *
 * Ties: among acks at the same instant the one of the latest position wins (a scan from the
 * last order back keeps the ack it found first unless a later one is strictly earlier), so
 * every order answered at one instant has the same first ack: the latest-position ack of that
 * instant, even one recorded after it was answered. An order invoked at that instant after an
 * ack of a later position (same invoke time, larger id) is answered on arrival.
 */
import type { Micros } from '../../sim/time.ts';
import { byInvokeThenId } from '../order-record.ts';
import type { FlowOrder } from './order-flow.ts';

/** Which of an order's two frontiers: its own scope's orders, or every order. */
export type FrontierSlot = 0 | 1;

export class AckFrontier {
  private queue: FlowOrder[] = [];
  private head = 0;
  /** The instant of the latest ack, its latest-position ack, and the orders answered at it. */
  private now: Micros = -Infinity;
  private bestNow: FlowOrder | undefined;
  /**
   * The orders answered at `now` are the first `answeredCount` of `answeredNow`, an array reused
   * from one instant to the next: a new array per ack instant (two per ack) was most of what the
   * fold allocated. (Emptying it by `length = 0` would free its storage and allocate it again.)
   */
  private readonly answeredNow: FlowOrder[] = [];
  private answeredCount = 0;

  constructor(private readonly slot: FrontierSlot) {}

  /** A new order, invoked at the latest instant recorded. */
  invoked(order: FlowOrder): void {
    const best = this.bestNow;
    if (order.invokeAt === this.now && best && byInvokeThenId(order, best) <= 0) {
      // an ack at this instant of an order at or after this one's position already answers it
      setFirstAck(order, this.slot, best);
      this.answer(order);
      return;
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
    const slot = this.slot;
    if (time !== this.now) {
      this.now = time;
      this.bestNow = order;
      this.answeredCount = 0;
    } else if (byInvokeThenId(order, this.bestNow!) > 0) {
      this.bestNow = order;
      for (let i = 0; i < this.answeredCount; i++) setFirstAck(this.answeredNow[i], slot, order);
    }
    const best = this.bestNow!;
    const queue = this.queue;
    while (this.head < queue.length && byInvokeThenId(queue[this.head], order) <= 0) {
      const answered = queue[this.head++];
      setFirstAck(answered, slot, best);
      this.answer(answered);
    }
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Notes that `order` was answered at `now`. */
  private answer(order: FlowOrder): void {
    if (this.answeredCount < this.answeredNow.length) this.answeredNow[this.answeredCount] = order;
    else this.answeredNow.push(order);
    this.answeredCount++;
  }
}

function setFirstAck(order: FlowOrder, slot: FrontierSlot, ack: FlowOrder): void {
  if (slot === 0) order.firstAck0 = ack;
  else order.firstAck1 = ack;
}
