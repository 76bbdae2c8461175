/**
 * The exchange: the external venue. It records every order it receives, from which node and
 * with which fencing token. When the design uses tokens it rejects any token lower than the
 * highest it has seen (a fencing token in the sense of Kleppmann's lock analysis): the highest
 * of all (`global`: a leader's term) or of the same order id (`order`: a per-order lock's).
 * Outside market hours it rejects everything; nodes can see the session calendar and refuse
 * orders themselves, which is not an outage.
 *
 * It also answers order-status queries (FIX OrderStatusRequest, and OrderMassStatusRequest for
 * a list of ids: `exchange-mass-query` -> `exchange-mass-status` with the ids it does not have),
 * which a new leader can use to reconcile orders whose fate it does not know, and
 * `exchange-fence` raises the token floor (so does a query that carries a `token`).
 */
import { OrderIdNumbers, OrderIdSet } from '../history/order-ids.ts';
import type { Msg } from './actor.ts';
import type { Endpoint } from './network.ts';
import type { World } from './world.ts';

export class Exchange implements Endpoint {
  readonly id = 'exchange';
  private closedCount = 0;
  private highestToken = -Infinity;
  /** With `tokenScope` `order`: the highest token seen per order id (8 bytes per order, no string). */
  private readonly orderFloors = new OrderIdNumbers();
  /** Every order id accepted (a bitset per client: a long run keeps no string per order). */
  private readonly accepted = new OrderIdSet();

  constructor(
    private readonly world: World,
    readonly checksTokens: boolean,
    readonly tokenScope: 'global' | 'order' = 'global',
  ) {}

  get open(): boolean {
    return this.closedCount === 0;
  }

  close(): void {
    this.closedCount++;
  }

  reopen(): void {
    if (this.closedCount > 0) this.closedCount--;
  }

  receive(from: string, msg: Msg, copy = false): void {
    switch (msg.type) {
      case 'exchange-order':
        // a copy of the same message (the `duplicate` fault) carries the same FIX MsgSeqNum,
        // which the session layer discards: a duplicate order here is one a design sent twice
        if (copy) return;
        this.order(from, msg.orderId as string, msg.token as number | null);
        return;
      case 'exchange-fence':
        this.raiseFloor(msg.token as number, msg.orderId as string | undefined);
        return;
      case 'exchange-query': {
        // a query may carry a fencing token: the floor rises before the answer, so an answer
        // proves the fence is in place (a separate `exchange-fence` could be lost on its own)
        const orderId = msg.orderId as string;
        if (typeof msg.token === 'number') this.raiseFloor(msg.token, orderId);
        this.world.network.send(this.id, from, { type: 'exchange-status', orderId, known: this.accepted.has(orderId), requestId: msg.requestId });
        return;
      }
      case 'exchange-mass-query': {
        // FIX OrderMassStatusRequest: which of these orders the exchange does not have; a token
        // raises the (global) floor first, as for a single query
        if (typeof msg.token === 'number') this.raiseFloor(msg.token);
        const unknown = (msg.orderIds as string[]).filter((id) => !this.accepted.has(id));
        this.world.network.send(this.id, from, { type: 'exchange-mass-status', unknown, requestId: msg.requestId });
        return;
      }
      default:
        return;
    }
  }

  private order(node: string, orderId: string, token: number | null): void {
    let reason: string | undefined;
    if (!this.open) reason = 'market-closed';
    else if (this.checksTokens && token !== null && token < this.floorFor(orderId)) reason = 'stale-token';
    else if (this.checksTokens && token === null) reason = 'missing-token';
    const accepted = reason === undefined;
    if (accepted) {
      if (token !== null) this.raiseFloor(token, orderId);
      this.accepted.add(orderId);
    }
    this.world.history.recordExchange(this.world.sim.now, node, orderId, token, accepted, reason);
  }

  private floorFor(orderId: string): number {
    return this.tokenScope === 'order' ? (this.orderFloors.get(orderId) ?? -Infinity) : this.highestToken;
  }

  /** Raises the global floor, or with `tokenScope` `order` the floor of `orderId` (when given). */
  private raiseFloor(token: number, orderId?: string): void {
    if (!this.checksTokens) return;
    if (this.tokenScope === 'order') {
      if (orderId !== undefined && token > (this.orderFloors.get(orderId) ?? -Infinity)) this.orderFloors.set(orderId, token);
      return;
    }
    if (token > this.highestToken) this.highestToken = token;
  }
}
