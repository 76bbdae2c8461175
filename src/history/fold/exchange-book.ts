/**
 * The exchange's side of the order traffic, folded: acceptance and rejection counts, and each
 * order id's first acceptance (instant and node: 5 bytes an order), so an acceptance of an id
 * already accepted is a duplicate (check/no-duplicate-order.ts) named with its first one.
 */
import type { Micros } from '../../sim/time.ts';
import { OrderTags, OrderTimes } from '../order-columns.ts';
import { NameTags } from './name-tags.ts';

export interface DuplicateAcceptance {
  orderId: string;
  /** The first acceptance of this order id. */
  first: { node: string; time: Micros };
  /** A later acceptance of the same order id. */
  again: { node: string; time: Micros };
}

export class ExchangeBook {
  accepted = 0;
  rejected = 0;
  /** Rejections for a stale fencing token. */
  staleTokenRejections = 0;
  /** Every acceptance of an order id after its first, in recording order. */
  readonly duplicates: DuplicateAcceptance[] = [];
  private readonly firstAt = new OrderTimes();
  private readonly firstNode = new OrderTags();
  private readonly nodes = new NameTags();
  /** First-accepting nodes that did not fit a tag (over 255 names). */
  private readonly overflow = new Map<string, string>();

  /** The exchange received `orderId` from `node` at `time`, and accepted it or not (`reason`). */
  add(node: string, orderId: string, accepted: boolean, reason: string | undefined, time: Micros): void {
    if (!accepted) {
      this.rejected++;
      if (reason === 'stale-token') this.staleTokenRejections++;
      return;
    }
    this.accepted++;
    if (this.firstAt.setFirst(orderId, time)) {
      const tag = this.nodes.tagOf(node);
      if (tag === 0) this.overflow.set(orderId, node);
      else this.firstNode.setFirst(orderId, tag);
      return;
    }
    const first = { node: this.nodes.nameOf(this.firstNode.get(orderId)) ?? this.overflow.get(orderId)!, time: this.firstAt.get(orderId)! };
    this.duplicates.push({ orderId, first, again: { node, time } });
  }
}
