/**
 * The order path every design shares: a primary takes an order from a client, makes it durable
 * per its replication policy, acks the client and sends it to the exchange. A node that is not
 * primary refuses with `not-primary` (and a leader hint when it knows one); outside market
 * hours orders are refused with `market-closed`, and without market data with
 * `no-market-data`. A retried order id that is already in the log is acked again but not sent
 * to the exchange twice; a retry of an order still in flight waits for it.
 *
 * The replication policy is the design's: `replicate(entry, done, index)` calls `done(true)`
 * when the entry is safe enough to ack (async: at once; sync: when the standby has it),
 * `done(false)` when it cannot be (the order is refused). `index` is the entry's position in
 * the local log, which log-shipping replication sends along. By default replication starts
 * together with the local write (DRBD protocol C, SQL Server mirroring); with
 * `replicateAfterLocal` it starts once the entry is durable locally (PostgreSQL's walsender
 * ships flushed WAL; the HA document's `processOrder` replicates after `doProcessOrder`).
 *
 * `mayAct` is asked at the moment of every ack and exchange send, not when the order arrived:
 * a lease can run out while an order waits for its replication, and an order finished after
 * that must be refused (the classic lease bug is checking validity too early).
 */
import { OrderIdSet } from '../history/order-ids.ts';
import { OrdersById } from '../history/orders-by-id.ts';
import type { NodeContext, Msg, OrderRequest } from '../world/actor.ts';
import type { DiskEntry, WriteDone } from '../world/disk.ts';
import { ORDER_MESSAGES } from '../world/messages.ts';

/** `replicas`: what the ack tells the client about replication (Redis WAIT's count), if anything. */
export type ReplicateFn = (entry: DiskEntry, done: (ok: boolean, replicas?: number) => void, index: number) => void;

/**
 * An order being written (locally, and replicated when the design replicates before the ack),
 * with the requests waiting for it: one object per order, found by id in a window of its
 * client's order numbers (`OrdersById`), and the argument of its disk write's completion, so
 * an order allocates no Map entry, array or closure here (but for the replication policy's
 * callback, whose signature is the designs').
 */
interface PendingWrite {
  orderId: string;
  /** The request that started the write; retries that arrived while it was in flight follow in `more`. */
  order: OrderRequest;
  more: OrderRequest[] | undefined;
  /** Arrival rank among writes: requests are refused in arrival order when in-flight writes are abandoned. */
  seq: number;
  entry: DiskEntry;
  /** The log position the entry takes (the disk's length before it). */
  index: number;
  local: boolean;
  replicated: boolean;
  refused: boolean;
  replicas: number | undefined;
}

export interface OrderServerOptions {
  /** Replication before the ack; default: none (local durability only). */
  replicate?: ReplicateFn;
  /** Start replication only once the entry is durable locally (default: with the local write). */
  replicateAfterLocal?: boolean;
  /** Fencing token sent with exchange orders (undefined: none). */
  token?: () => number | undefined;
  /** Who the primary is, for refusals. */
  leaderHint?: () => string | undefined;
  /**
   * Writes the entry to the local log; `done(true, arg)` when it counts as written locally
   * (default: `disk.append`, durable after fsync). PostgreSQL's asynchronous commit writes
   * without fsync.
   */
  write?: <T>(entry: DiskEntry, done: WriteDone<T>, arg: T) => void;
  /** Whether the order path is fsynced before the ack (default true). */
  fsyncBeforeAck?: boolean;
  /** Whether this node may produce external effects right now (e.g. it holds a valid lease). */
  mayAct?: () => boolean;
  /** The local log refused a write (failed or full disk): a design may give up primaryship. */
  onWriteFailed?: () => void;
  /** Whether the node holds an order outside the known set (e.g. in a compacted prefix of its log). */
  knownElsewhere?: (orderId: string) => boolean;
}

export class OrderServer {
  /** Whether this node currently acts as primary. */
  primary = false;
  epoch = 0;
  /** Order ids in the local log (durable or in flight); compact, as it holds every order of the run. */
  private readonly known = new OrderIdSet();
  /** Orders in flight (and the requests waiting for them), by order id. */
  private readonly waiting = new OrdersById<PendingWrite>();
  private nextSeq = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: OrderServerOptions = {},
  ) {
    this.relearnLog();
  }

  becomePrimary(epoch: number): void {
    this.primary = true;
    this.epoch = epoch;
    this.ctx.declareRole('primary', epoch);
  }

  /**
   * Stops acting as primary. Orders still waiting for durability or replication are refused
   * now: an order finished after a demotion must not be acked.
   */
  becomeStandby(epoch: number): void {
    this.primary = false;
    this.epoch = epoch;
    this.ctx.declareRole('standby', epoch);
    this.abandonInFlight('not-primary');
  }

  /** Records an entry that arrived by replication, so a later retry is recognised. */
  learn(orderId: string): void {
    this.known.add(orderId);
  }

  /** Rebuilds the set of known order ids from the log (after a resync truncated it). */
  relearnLog(): void {
    this.known.clear();
    for (const entry of this.ctx.disk.entries) this.known.add(entry.orderId);
    // a set: the order the ids go in does not matter, so no sort
    for (const write of this.waiting.values()) this.known.add(write.orderId);
  }

  /** Orders waiting for durability or replication. */
  get inFlight(): number {
    return this.waiting.size;
  }

  /** Refuses every order still in flight (they were neither acked nor sent to the exchange). */
  abandonInFlight(reason: string): void {
    if (this.waiting.size === 0) return;
    const writes = this.inArrivalOrder();
    this.waiting.clear();
    for (const write of writes) {
      this.known.delete(write.orderId);
      this.ctx.rejectOrder(write.order, reason, this.options.leaderHint?.());
      if (write.more) for (const r of write.more) this.ctx.rejectOrder(r, reason, this.options.leaderHint?.());
    }
  }

  /** The writes in flight in the order they arrived. */
  private inArrivalOrder(): PendingWrite[] {
    return this.waiting.values().sort((a, b) => a.seq - b.seq);
  }

  /**
   * The client cancelled an order whose commit is already in the log: its requests are refused
   * (no ack), and the order stays known, since the log has it.
   */
  cancel(orderId: string, reason: string): void {
    const write = this.waiting.delete(orderId);
    if (!write) return;
    this.ctx.rejectOrder(write.order, reason);
    if (write.more) for (const r of write.more) this.ctx.rejectOrder(r, reason);
  }

  /** Handles `order` messages; returns false for any other message. */
  handle(msg: Msg): boolean {
    if (!ORDER_MESSAGES.has(msg)) return false;
    this.onOrder(msg);
    return true;
  }

  private onOrder(order: OrderRequest): void {
    const ctx = this.ctx;
    if (!this.primary || this.options.mayAct?.() === false) return ctx.rejectOrder(order, 'not-primary', this.options.leaderHint?.());
    if (!ctx.marketOpen()) return ctx.rejectOrder(order, 'market-closed');
    if (!ctx.feedUp()) return ctx.rejectOrder(order, 'no-market-data');
    const known = this.known.has(order.orderId);
    if (known) {
      // every order in flight is known: only a retry can be waiting for one
      const inFlight = this.waiting.get(order.orderId);
      if (inFlight) {
        (inFlight.more ??= []).push(order);
        return;
      }
    }
    if (known || this.options.knownElsewhere?.(order.orderId) === true) return ctx.ackOrder(order);
    this.known.add(order.orderId);
    const entry: DiskEntry = { orderId: order.orderId, term: this.epoch };
    const write: PendingWrite = {
      orderId: order.orderId,
      order,
      more: undefined,
      seq: this.nextSeq++,
      entry,
      index: ctx.disk.length,
      local: this.options.fsyncBeforeAck === false,
      replicated: !this.options.replicate,
      refused: false,
      replicas: undefined,
    };
    this.waiting.add(write);
    if (this.options.write) this.options.write(entry, this.onAppended, write);
    else ctx.disk.append(entry, this.onAppended, write);
    if (this.options.replicateAfterLocal !== true) this.startReplication(write);
  }

  /** The completion of an order's local write (one function for every order: no closure per write). */
  private readonly onAppended = (ok: boolean, write: PendingWrite): void => this.written(write, ok);

  /** The order's local write finished. */
  private written(write: PendingWrite, ok: boolean): void {
    if (!ok) {
      write.refused = true;
      this.finish(write.order.orderId, false);
      this.options.onWriteFailed?.();
      return;
    }
    write.local = true;
    if (this.options.replicateAfterLocal === true) this.startReplication(write);
    this.maybeFinish(write);
  }

  private startReplication(write: PendingWrite): void {
    this.options.replicate?.(write.entry, (ok, count) => this.replicatedTo(write, ok, count), write.index);
  }

  /** The replication policy answered for the order. */
  private replicatedTo(write: PendingWrite, ok: boolean, count?: number): void {
    if (!ok) {
      if (!write.refused) this.finish(write.order.orderId, false);
      write.refused = true;
      return;
    }
    write.replicas = count;
    write.replicated = true;
    this.maybeFinish(write);
  }

  /** Acks (finishes) the order once it is written locally and replicated, unless refused. */
  private maybeFinish(write: PendingWrite): void {
    if (write.refused || !write.local || !write.replicated) return;
    this.finish(write.order.orderId, true, write.replicas);
  }

  /**
   * Ends the order in flight under this id (which, after an abandon and a new request, may be a
   * newer write than the one that finished) with its requests: acked and sent to the exchange,
   * or refused.
   */
  private finish(orderId: string, ok: boolean, replicas?: number): void {
    const write = this.waiting.delete(orderId);
    if (!write) return;
    const ctx = this.ctx;
    if (ok && (!this.primary || this.options.mayAct?.() === false)) {
      // demoted, or the lease ran out, while the order was in flight: no effect may follow
      this.known.delete(orderId);
      ctx.rejectOrder(write.order, 'not-primary', this.options.leaderHint?.());
      if (write.more) for (const r of write.more) ctx.rejectOrder(r, 'not-primary', this.options.leaderHint?.());
      return;
    }
    if (!ok) {
      this.known.delete(orderId);
      ctx.rejectOrder(write.order, 'not-durable');
      if (write.more) for (const r of write.more) ctx.rejectOrder(r, 'not-durable');
      return;
    }
    ctx.sendToExchange(orderId, this.options.token?.());
    ctx.ackOrder(write.order, replicas);
    if (write.more) for (const r of write.more) ctx.ackOrder(r, replicas);
  }
}
