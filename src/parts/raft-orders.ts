/**
 * The order path of a Raft leader, and how it keeps the exchange free of duplicates.
 *
 * An order is appended to the leader's log as {orderId, term} and replicated; once committed
 * the leader acks the client and, in the same handler (so atomically in the simulation), sends
 * it to the exchange with its term as the fencing token (the exchange checks tokens). A retried
 * order id already in the log is never appended twice: it is acked once committed. Orders are
 * refused with `not-primary` (and the leader's id when known) by every node but the leader.
 *
 * Acting is gated on the leader's lease (`Replication.leaseValid`): a leader acks and sends
 * only while a majority answered it within the lease, so a deposed leader that wakes from a GC
 * pause with its followers' answers still queued cannot act once another leader may exist.
 * Committing is plain Raft; only the effects wait.
 *
 * Which orders reach the exchange exactly once. A leader sends an order itself only if the
 * entry is of its own term: no other node ever holds an entry of that term, so nobody else can
 * have sent it. Entries of earlier terms that a new leader commits (through its no-op) are
 * uncertain: the old leader may or may not have sent them before it died. The new leader
 * reconciles, as a trading system does after a failover with FIX OrderStatusRequest:
 *
 *   1. on election it raises the exchange's token floor to its term (`exchange-fence`), so a
 *      deposed leader's late order, stamped with an older term, is rejected from then on;
 *   2. once its no-op is committed, it queries every uncertain entry (`exchange-query`, which
 *      carries the token again, so an answer proves the fence is in place even if the separate
 *      fence message was lost), and sends only the orders the exchange does not know;
 *   3. each send is followed by a fresh query on the same FIFO link, whose answer says whether
 *      the order landed; answers to superseded queries are ignored (a retry of a lost query
 *      must not trigger a second send).
 *
 * "Uncertain" starts above `exchangeKnown`: leaders share in every AppendEntries how far all
 * orders are known to be at the exchange, so a new leader reconciles only the tail.
 */
import type { Msg, OrderRequest } from '../world/actor.ts';
import type { RaftNode } from './raft-node.ts';

/** The exchange's answer to an `exchange-query`. */
export interface ExchangeStatus extends Msg {
  type: 'exchange-status';
  orderId: string;
  known: boolean;
  requestId: number;
}

/** An uncertain entry being reconciled; only the answer to `requestId` counts. */
interface Uncertain {
  index: number;
  requestId: number;
}

/** Query ids are unique across this node's boots: an answer meant for a previous life is ignored. */
const REQUESTS_PER_BOOT = 1_000_000_000;

export class OrderPath {
  /** Entries up to here have had their effects (acks, own-term sends) on this leader. */
  private applied = 0;
  /** Requests waiting for their entry to commit, by order id. */
  private readonly waiting = new Map<string, OrderRequest | OrderRequest[]>();
  /** Retries of committed orders waiting for the lease to be confirmed. */
  private waitingForLease: OrderRequest[] = [];
  private readonly uncertain = new Map<string, Uncertain>();
  private reconciled = false;
  private nextRequestId: number;
  private lastQueryAt = 0;

  constructor(private readonly node: RaftNode) {
    this.nextRequestId = node.ctx.bootCount * REQUESTS_PER_BOOT + 1;
  }

  startLeading(): void {
    const node = this.node;
    this.applied = node.commitIndex;
    this.reconciled = false;
    node.ctx.send('exchange', { type: 'exchange-fence', token: node.term });
  }

  stopLeading(): void {
    // requests in flight are not refused: their entries may still commit under the next
    // leader, so the clients' timeouts (indeterminate outcomes) are the truth
    this.waiting.clear();
    this.waitingForLease = [];
    this.uncertain.clear();
    this.reconciled = false;
  }

  onOrder(order: OrderRequest): void {
    const node = this.node;
    const ctx = node.ctx;
    if (node.role !== 'leader') return ctx.rejectOrder(order, 'not-primary', node.leaderId);
    if (!ctx.marketOpen()) return ctx.rejectOrder(order, 'market-closed');
    if (!ctx.feedUp()) return ctx.rejectOrder(order, 'no-market-data');
    const index = node.log.indexOf(order.orderId);
    if (index === undefined) {
      if (!node.appendAsLeader({ orderId: order.orderId, term: node.term })) return;
      this.wait(order);
      node.replication.broadcast();
    } else if (index > this.applied) {
      this.wait(order);
    } else if (node.replication.leaseValid()) {
      ctx.ackOrder(order);
    } else {
      this.waitingForLease.push(order);
    }
  }

  private wait(order: OrderRequest): void {
    const already = this.waiting.get(order.orderId);
    if (already === undefined) this.waiting.set(order.orderId, order);
    else if (Array.isArray(already)) already.push(order);
    else this.waiting.set(order.orderId, [already, order]);
  }

  /** Has the effects of newly committed entries, while the lease holds. */
  applyCommitted(): void {
    const node = this.node;
    if (node.role !== 'leader') return;
    if (this.applied >= node.commitIndex && this.waitingForLease.length === 0) return;
    if (!node.replication.leaseValid()) return;
    const { ctx, log, term } = node;
    while (this.applied < node.commitIndex) {
      const index = ++this.applied;
      const entry = log.entryAt(index);
      if (entry.noop) {
        if (entry.term === term) this.reconcile(index);
        continue;
      }
      if (entry.term === term) ctx.sendToExchange(entry.orderId, term);
      const requests = this.waiting.get(entry.orderId);
      if (requests === undefined) continue;
      this.waiting.delete(entry.orderId);
      if (Array.isArray(requests)) for (const r of requests) ctx.ackOrder(r);
      else ctx.ackOrder(requests);
    }
    if (this.waitingForLease.length > 0) {
      for (const r of this.waitingForLease) ctx.ackOrder(r);
      this.waitingForLease = [];
    }
  }

  // --- reconciliation with the exchange -------------------------------------------------

  /** Our no-op at `noopIndex` is committed: resolve every earlier entry not known to be sent. */
  private reconcile(noopIndex: number): void {
    const log = this.node.log;
    for (let index = this.node.exchangeKnown + 1; index < noopIndex; index++) {
      const entry = log.entryAt(index);
      if (entry.noop) continue;
      const item: Uncertain = { index, requestId: 0 };
      this.uncertain.set(entry.orderId, item);
      this.query(entry.orderId, item);
    }
    if (this.uncertain.size === 0) this.reconciled = true;
    else this.node.ctx.note(`reconciling ${this.uncertain.size} order(s) of earlier terms with the exchange`);
  }

  private query(orderId: string, item: Uncertain): void {
    const node = this.node;
    item.requestId = this.nextRequestId++;
    this.lastQueryAt = node.ctx.monotonic();
    node.ctx.send('exchange', { type: 'exchange-query', orderId, requestId: item.requestId, token: node.term });
  }

  onExchangeStatus(m: ExchangeStatus): void {
    const node = this.node;
    if (node.role !== 'leader') return;
    const item = this.uncertain.get(m.orderId);
    if (item === undefined || item.requestId !== m.requestId) return;
    if (m.known) {
      this.uncertain.delete(m.orderId);
      if (this.uncertain.size === 0) this.reconciled = true;
      return;
    }
    if (!node.ctx.marketOpen()) return; // asked again at the next retry
    node.ctx.sendToExchange(m.orderId, node.term);
    this.query(m.orderId, item);
  }

  /** Lost queries (or answers) are asked again every election timeout. */
  onHeartbeat(): void {
    if (this.uncertain.size === 0) return;
    const node = this.node;
    if (node.ctx.monotonic() - this.lastQueryAt < node.config.electionTimeoutUs) return;
    for (const [orderId, item] of this.uncertain) this.query(orderId, item);
  }

  /** How far every order is known to be at the exchange, for AppendEntries. */
  exchangeKnownToShare(): number {
    return this.reconciled && this.applied > this.node.exchangeKnown ? this.applied : this.node.exchangeKnown;
  }

  /** A follower learns it from its leader. */
  learnExchangeKnown(index: number): void {
    if (index > this.node.exchangeKnown) this.node.exchangeKnown = index;
  }
}
