/**
 * The order path of a Raft leader, and how it keeps the exchange in step with the committed
 * log: every committed order reaches the exchange exactly once, across failovers, lost
 * messages and exchange disconnects.
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
 * Reconciliation. Only the leader that commits an entry of its own term can know it sent it:
 * for entries of earlier terms that a new leader commits (through its no-op), the old leader
 * may or may not have sent them before it died. And a sent order can still be lost on the way
 * (an exchange disconnect, a lost message) or refused (a stale token). So, like a trading
 * system after a failover (FIX OrderMassStatusRequest), the leader asks:
 *
 *   1. on election it raises the exchange's token floor to its term (`exchange-fence`), so a
 *      deposed leader's late order, stamped with an older term, is refused from then on;
 *   2. every heartbeat it asks the exchange which committed orders above `confirmed` it does
 *      not have (`exchange-mass-query`, carrying the token again, so an answer proves the fence
 *      even if the fence message was lost), and sends exactly those;
 *   3. it asks again at the next heartbeat: the link is FIFO, so that answer reflects the sends.
 *      Only the answer to the latest question counts (acting on a superseded one could send
 *      twice), and a question is repeated only after an election timeout without an answer.
 *
 * Why this never sends an order twice: the leader sends only what the latest answer says the
 * exchange lacks. Any earlier send of its own went out before that question on the same FIFO
 * link, so the answer reflects it; another (deposed) leader's send either arrived before the
 * question, and the answer says the exchange has it, or after, when the floor the question
 * raised makes the exchange refuse it. And why none is lost: an order is `confirmed` only once
 * an answer shows it at the exchange; `confirmed` (every order at or below it is there)
 * travels in AppendEntries, so a new leader asks only about the tail.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, OrderRequest } from '../world/actor.ts';
import { electionTimeoutUs } from './raft-config.ts';
import type { RaftNode } from './raft-node.ts';
import { RaftWaiters } from './raft-waiters.ts';

/** The exchange's answer to an `exchange-mass-query`. */
export interface ExchangeMassStatus extends Msg {
  type: 'exchange-mass-status';
  /** The queried ids the exchange has not accepted, in query order. */
  unknown: string[];
  requestId: number;
}

/**
 * Client requests a follower forwards to its leader (etcd's MsgProp), as one message: the
 * proposals of one follower Ready, which etcd's transport writes to the leader's stream in one
 * flush (rafthttp streamWriter flushes when its queue is empty).
 */
export interface ForwardedProposals extends Msg {
  type: 'raft-forward';
  orders: OrderRequest[];
}

/** The question in flight: ids above `confirmed` up to `upTo`. */
interface Question {
  requestId: number;
  upTo: number;
  askedAt: Micros;
}

/** Question ids are unique across this node's boots: an answer meant for a previous life is ignored. */
const REQUESTS_PER_BOOT = 1_000_000_000;

export class RaftOrderPath {
  /** Entries up to here have had their effects (acks, own-term sends) on this leader. */
  private applied = 0;
  /** Every order at or below this index is known to be at the exchange. */
  private confirmed = 0;
  /** Requests waiting for their entry to commit, by its log index. */
  private readonly waiting = new RaftWaiters();
  /** Retries of committed orders waiting for the lease to be confirmed. */
  private waitingForLease: OrderRequest[] = [];
  private question: Question | undefined;
  private nextRequestId: number;
  /**
   * A follower's forwarded proposals, as its Ready loop sends them (see `forwardOrRefuse`):
   * those of the Ready whose fsync is in flight, sent when it completes, and those stepped
   * since, which go with the next Ready. Each is addressed to the leader known when it was
   * stepped (etcd sets `m.To = r.lead` then).
   */
  private forwardInReady: OrderRequest[] = [];
  private forwardNext: OrderRequest[] = [];

  constructor(private readonly node: RaftNode) {
    this.nextRequestId = node.ctx.bootCount * REQUESTS_PER_BOOT + 1;
  }

  startLeading(): void {
    const node = this.node;
    this.applied = node.commitIndex;
    this.waiting.reset(this.applied + 1);
    this.confirmed = Math.min(node.exchangeKnown, node.commitIndex);
    this.question = undefined;
    node.ctx.send('exchange', { type: 'exchange-fence', token: node.term });
  }

  stopLeading(): void {
    // requests in flight are not refused: their entries may still commit under the next
    // leader, so the clients' timeouts (indeterminate outcomes) are the truth
    this.waiting.reset(this.applied + 1);
    this.waitingForLease = [];
    this.question = undefined;
    if (this.confirmed > this.node.exchangeKnown) this.node.exchangeKnown = this.confirmed;
  }

  onOrder(order: OrderRequest): void {
    const node = this.node;
    const ctx = node.ctx;
    if (node.role !== 'leader') return this.forwardOrRefuse(order);
    // etcd raft drops proposals while a leadership transfer is under way (ErrProposalDropped)
    if (node.transfer.transferee !== undefined) return ctx.rejectOrder(order, 'not-primary', node.transfer.transferee);
    if (!ctx.marketOpen()) return ctx.rejectOrder(order, 'market-closed');
    if (!ctx.feedUp()) return ctx.rejectOrder(order, 'no-market-data');
    // an order in the snapshot (compacted) was committed and applied long ago
    const index = node.log.indexOf(order.orderId) ?? (node.log.compactedHas(order.orderId) ? node.log.compactedIndex : undefined);
    if (index === undefined) {
      if (!node.appendAsLeader({ orderId: order.orderId, term: node.term })) return;
      this.waiting.add(node.log.lastIndex, order);
      node.replication.broadcast();
    } else if (index > this.applied) {
      this.waiting.add(index, order);
    } else if (node.replication.leaseValid()) {
      ctx.ackOrder(order);
    } else {
      this.waitingForLease.push(order);
    }
  }

  /**
   * Not the leader. With forwarding (etcd: raft.go stepFollower sends a MsgProp on to `r.lead`)
   * a follower that knows a leader passes the request on, and the leader answers the client; if
   * that leader is dead the request is lost and the client times out, as an etcd client does
   * right after a leader dies. A node that knows no leader (a candidate) refuses at once
   * (etcd: "no leader at term; dropping proposal", ErrProposalDropped). A forwarded request
   * that meets a non-leader is dropped rather than forwarded again.
   *
   * A follower sends its messages only after its Ready's WAL save (etcdserver/raft.go
   * `raftNode.start`: `if !islead { ... r.transport.Send(msgs) }` after `r.storage.Save`), and
   * the next Ready waits for `Advance` (raft node.go `run`: no Ready while `advancec` is set,
   * while proposals are still stepped). So a proposal stepped while the follower's fsync is in
   * flight goes out with the next Ready: at once if that Ready has no entries to save (WAL.Save
   * with no entries does not fsync), else after its fsync. Under load the follower fsyncs
   * almost all the time, so its forwarded requests wait for one, and go out together.
   */
  private forwardOrRefuse(order: OrderRequest): void {
    const { ctx, leaderId } = this.node;
    if (!this.node.config.forwardProposals) return ctx.rejectOrder(order, 'not-primary', leaderId);
    if (order.forwardedBy !== undefined) return;
    if (leaderId === undefined || leaderId === ctx.id) return ctx.rejectOrder(order, 'not-primary');
    const forwarded: OrderRequest = { type: 'order', orderId: order.orderId, client: order.client, attempt: order.attempt, forwardedBy: ctx.id, leader: leaderId };
    if (this.node.log.syncing) this.forwardNext.push(forwarded);
    else this.sendForwarded([forwarded]);
  }

  /**
   * An fsync completed (`RaftReplication.onSynced`): the finished Ready's proposals go out;
   * `nextReadySyncing`: the next Ready has entries and its fsync started, so the proposals
   * stepped meanwhile wait for it; else they go now. (A node that became leader meanwhile still
   * sends what it stepped as a follower, as etcd's Ready carries its messages; a halted node,
   * etcd having exited, sends nothing.)
   */
  onReadyDone(nextReadySyncing: boolean): void {
    // a sent array travels in the message: a new one replaces it, but an empty one is kept
    // (every fsync of every node ends here, most with nothing to forward)
    if (this.node.halted) {
      if (this.forwardInReady.length > 0) this.forwardInReady = [];
      if (this.forwardNext.length > 0) this.forwardNext = [];
      return;
    }
    if (this.forwardInReady.length > 0) {
      this.sendForwarded(this.forwardInReady);
      this.forwardInReady = [];
    }
    if (this.forwardNext.length === 0) return;
    if (nextReadySyncing) this.forwardInReady = this.forwardNext;
    else this.sendForwarded(this.forwardNext);
    this.forwardNext = [];
  }

  /** One message per leader, in the order the proposals were stepped. */
  private sendForwarded(orders: OrderRequest[]): void {
    const ctx = this.node.ctx;
    let from = 0;
    while (from < orders.length) {
      const leader = orders[from].leader as string;
      let to = from + 1;
      while (to < orders.length && orders[to].leader === leader) to++;
      const batch: ForwardedProposals = { type: 'raft-forward', orders: from === 0 && to === orders.length ? orders : orders.slice(from, to) };
      ctx.send(leader, batch);
      from = to;
    }
  }

  /** The leader steps a follower's forwarded proposals one by one, as etcd steps each MsgProp. */
  onForwarded(m: ForwardedProposals): void {
    for (const order of m.orders) this.onOrder(order);
  }

  /**
   * Has the effects of newly committed entries, while the lease holds: each of its own term
   * goes to the exchange, and the requests waiting for them are acked together (one reply per
   * client: `NodeContext.ackOrders`), as etcd answers every request of the entries one apply
   * pass commits at once (server/etcdserver/server.go `applyEntries` → `applyEntryNormal`,
   * `s.w.Trigger(id, ar)` per entry, waking each request's gRPC handler) and each client
   * connection's replies go out in one write (see BootContext.ackOrders).
   */
  applyCommitted(): void {
    const node = this.node;
    if (node.role !== 'leader') return;
    if (this.applied >= node.commitIndex && this.waitingForLease.length === 0) return;
    if (!node.replication.leaseValid()) return;
    const { ctx, log, term } = node;
    let acks: OrderRequest[] | undefined;
    while (this.applied < node.commitIndex) {
      const index = ++this.applied;
      const entry = log.entryAt(index);
      const requests = this.waiting.take(index);
      if (entry.noop) continue;
      if (entry.term === term) ctx.sendToExchange(entry.orderId, term);
      if (requests === undefined) continue;
      acks ??= [];
      if (Array.isArray(requests)) for (const r of requests) acks.push(r);
      else acks.push(requests);
    }
    if (this.waitingForLease.length > 0) {
      if (acks === undefined) acks = this.waitingForLease;
      else for (const r of this.waitingForLease) acks.push(r);
      this.waitingForLease = [];
    }
    if (acks !== undefined) ctx.ackOrders(acks);
    node.snapshots.afterApply(this.applied);
  }

  // --- reconciliation with the exchange -------------------------------------------------

  /** Asks about the unconfirmed tail, unless a question is still fresh. */
  onHeartbeat(): void {
    const node = this.node;
    if (this.question && node.ctx.monotonic() - this.question.askedAt < electionTimeoutUs(node.config)) return;
    this.ask();
  }

  private ask(): void {
    const node = this.node;
    const { log } = node;
    const orderIds: string[] = [];
    for (let index = this.confirmed + 1; index <= this.applied; index++) {
      const entry = log.entryAt(index);
      if (!entry.noop) orderIds.push(entry.orderId);
    }
    if (orderIds.length === 0) {
      this.confirmed = this.applied;
      this.question = undefined;
      return;
    }
    const requestId = this.nextRequestId++;
    this.question = { requestId, upTo: this.applied, askedAt: node.ctx.monotonic() };
    node.ctx.send('exchange', { type: 'exchange-mass-query', orderIds, requestId, token: node.term });
  }

  onMassStatus(m: ExchangeMassStatus): void {
    const node = this.node;
    const question = this.question;
    if (node.role !== 'leader' || question === undefined || m.requestId !== question.requestId) return;
    this.question = undefined;
    if (m.unknown.length === 0) {
      if (question.upTo > this.confirmed) this.confirmed = question.upTo;
      return;
    }
    // everything before the first missing order is there
    let firstMissing = question.upTo;
    for (const id of m.unknown) firstMissing = Math.min(firstMissing, node.log.indexOf(id) ?? firstMissing);
    if (firstMissing - 1 > this.confirmed) this.confirmed = firstMissing - 1;
    // sending is acting: only with the lease and in market hours (else the next heartbeat asks again)
    if (!node.ctx.marketOpen() || !node.replication.leaseValid()) return;
    node.ctx.note(`the exchange lacks ${m.unknown.length} committed order(s): sending them`);
    for (const id of m.unknown) node.ctx.sendToExchange(id, node.term);
    // the next heartbeat asks again; asking at once could spin if the exchange keeps refusing
  }

  /** How far every order is known to be at the exchange, for AppendEntries. */
  exchangeKnownToShare(): number {
    return this.node.role === 'leader' ? this.confirmed : this.node.exchangeKnown;
  }

  /** A follower learns it from its leader. */
  learnExchangeKnown(index: number): void {
    if (index > this.node.exchangeKnown) this.node.exchangeKnown = index;
  }
}
