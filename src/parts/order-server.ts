/**
 * The order path every design shares: a primary takes an order from a client, makes it durable
 * per its replication policy, acks the client and sends it to the exchange. A node that is not
 * primary refuses with `not-primary` (and a leader hint when it knows one); outside market
 * hours orders are refused with `market-closed`, and without market data with
 * `no-market-data`. A retried order id that is already in the log is acked again but not sent
 * to the exchange twice; a retry of an order still in flight waits for it.
 *
 * The replication policy is the design's: `replicate(entry, done)` calls `done(true)` when the
 * entry is safe enough to ack (async: at once; sync: when the standby has it), `done(false)`
 * when it cannot be (the order is refused).
 */
import type { NodeContext, Msg, OrderRequest } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';

export interface OrderServerOptions {
  /** Replication before the ack; default: none (local durability only). */
  replicate?: (entry: DiskEntry, done: (ok: boolean) => void) => void;
  /** Fencing token sent with exchange orders (undefined: none). */
  token?: () => number | undefined;
  /** Who the primary is, for refusals. */
  leaderHint?: () => string | undefined;
  /** Whether the order path is fsynced before the ack (default true). */
  fsyncBeforeAck?: boolean;
}

export class OrderServer {
  /** Whether this node currently acts as primary. */
  primary = false;
  epoch = 0;
  /** Order ids in the local log (durable or in flight). */
  private readonly known = new Set<string>();
  /** Requests waiting for an order in flight, by order id. */
  private readonly waiting = new Map<string, OrderRequest[]>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: OrderServerOptions = {},
  ) {
    for (const entry of ctx.disk.entries) this.known.add(entry.orderId);
  }

  becomePrimary(epoch: number): void {
    this.primary = true;
    this.epoch = epoch;
    this.ctx.declareRole('primary', epoch);
  }

  becomeStandby(epoch: number): void {
    this.primary = false;
    this.epoch = epoch;
    this.ctx.declareRole('standby', epoch);
  }

  /** Records an entry that arrived by replication, so a later retry is recognised. */
  learn(orderId: string): void {
    this.known.add(orderId);
  }

  /** Handles `order` messages; returns false for any other message. */
  handle(msg: Msg): boolean {
    if (msg.type !== 'order') return false;
    this.onOrder(msg as OrderRequest);
    return true;
  }

  private onOrder(order: OrderRequest): void {
    const ctx = this.ctx;
    if (!this.primary) return ctx.rejectOrder(order, 'not-primary', this.options.leaderHint?.());
    if (!ctx.marketOpen()) return ctx.rejectOrder(order, 'market-closed');
    if (!ctx.feedUp()) return ctx.rejectOrder(order, 'no-market-data');
    const inFlight = this.waiting.get(order.orderId);
    if (inFlight) {
      inFlight.push(order);
      return;
    }
    if (this.known.has(order.orderId)) return ctx.ackOrder(order);
    this.known.add(order.orderId);
    this.waiting.set(order.orderId, [order]);
    const entry: DiskEntry = { orderId: order.orderId, term: this.epoch };
    let local = this.options.fsyncBeforeAck === false;
    let replicated = !this.options.replicate;
    let refused = false;
    const maybeFinish = () => {
      if (refused || !local || !replicated) return;
      this.finish(order.orderId, true);
    };
    ctx.disk.append(entry, (ok) => {
      if (!ok) {
        refused = true;
        return this.finish(order.orderId, false);
      }
      local = true;
      maybeFinish();
    });
    this.options.replicate?.(entry, (ok) => {
      if (!ok) {
        if (!refused) this.finish(order.orderId, false);
        refused = true;
        return;
      }
      replicated = true;
      maybeFinish();
    });
  }

  private finish(orderId: string, ok: boolean): void {
    const requests = this.waiting.get(orderId);
    if (!requests) return;
    this.waiting.delete(orderId);
    if (!ok) {
      this.known.delete(orderId);
      for (const r of requests) this.ctx.rejectOrder(r, 'not-durable');
      return;
    }
    this.ctx.sendToExchange(orderId, this.options.token?.());
    for (const r of requests) this.ctx.ackOrder(r);
  }
}
