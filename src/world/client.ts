/**
 * Clients: open-loop order flow. Each client submits orders at its share of the total rate
 * (Poisson arrivals from its own stream `client:N`), each with a unique id, through the
 * design's routing. An attempt that gets no answer within `timeout` is retried with the *same*
 * order id, possibly through another node (that is how duplicate orders reach the exchange);
 * a refusal is retried after `retryBackoff`, following the leader hint if any.
 *
 * Outcomes go to the history: `ok` on the first ack the client could receive, `fail` when the
 * order was definitely not done (refused at every attempt, or market closed), `info` when an
 * attempt timed out and no ack came: indeterminate, never assumed lost.
 *
 * What counts is what the client saw, and that depends on its session policy (`session`):
 * - `reconnect` (default): a client that times out an attempt drops its connection to that
 *   endpoint and opens a new one for the next attempt, as clients with a socket timeout do
 *   (redis-py, JDBC `socketTimeout`, libpq `tcp_user_timeout`: the socket is closed on the
 *   timeout). A reply sent on the dropped connection never reaches the application, so an ack
 *   for an attempt whose connection was dropped is not an ack: a GC-paused primary answering
 *   its queued orders 70 s later acks nobody.
 * - `keep`: a FIX-style session that survives timeouts (FIX resends and accepts late
 *   ExecutionReports on the same session, MsgSeqNum-ordered): a late ack still counts, with its
 *   true latency, even after the order ended `info`.
 * The policy is part of the workload, and every result states it.
 *
 * When orders arrive (`arrivals`: Poisson, constant, bursts) is in world/arrivals.ts; how they
 * are retried (`retry`: fixed, exponential backoff with jitter, a circuit breaker) in
 * world/retry-policy.ts. The defaults (Poisson, fixed) are hasim's behaviour before either existed.
 *
 * Optionally (`readsPerSecond`) clients also read: each asks the service whether one of its
 * orders with an outcome is there (every other read the latest, the rest any earlier one), and
 * records what the node answered (`read`); and with
 * `cancelOnTimeout` a timed-out attempt is cancelled at the node (a PostgreSQL cancel request)
 * and the order given up as indeterminate rather than retried.
 */
import type { Micros } from '../sim/time.ts';
import type { SimEvent } from '../sim/queue.ts';
import type { Rng } from '../sim/rng.ts';
import type { Msg, OrderAcks } from './actor.ts';
import type { Endpoint, Port } from './network.ts';
import type { World } from './world.ts';
import { burstArrival, type ArrivalProcess } from './arrivals.ts';
import { PendingOrders } from './pending-orders.ts';
import { CircuitBreaker, exponentialDelay, type RetryPolicy } from './retry-policy.ts';
export type { ArrivalProcess } from './arrivals.ts';
export type { RetryPolicy } from './retry-policy.ts';

export interface Workload {
  /** Orders per second, all clients together. */
  ordersPerSecond: number;
  /** How many clients share that rate. */
  clients: number;
  /** Per-attempt timeout. */
  timeout: Micros;
  /** Attempts per order, the first included. */
  maxAttempts: number;
  /** Pause before retrying a refused attempt (the `fixed` retry policy). */
  retryBackoff: Micros;
  /** How attempts are retried, and whether a circuit breaker stops them (world/retry-policy.ts). */
  retry: RetryPolicy;
  /** When orders arrive (world/arrivals.ts). */
  arrivals: ArrivalProcess;
  /**
   * Reads per second, all clients together (default 0: none). A read asks the service whether
   * the client's latest order with an outcome is there (designs that serve reads answer it).
   */
  readsPerSecond?: number;
  /**
   * When an attempt times out, cancel it at the node (PostgreSQL's cancel request, as JDBC's
   * query timeout sends) and give the order up as indeterminate instead of retrying.
   */
  cancelOnTimeout?: boolean;
  /** Whether a timed-out attempt's connection is dropped (`reconnect`) or kept (`keep`). */
  session: ClientSession;
}

/** See the file header: `reconnect` drops a timed-out connection, `keep` takes late acks. */
export type ClientSession = 'reconnect' | 'keep';
export const CLIENT_SESSIONS: readonly ClientSession[] = ['reconnect', 'keep'];

export const DEFAULT_WORKLOAD: Workload = {
  ordersPerSecond: 200,
  clients: 2,
  timeout: 1_000_000,
  maxAttempts: 3,
  retryBackoff: 20_000,
  retry: { kind: 'fixed' },
  arrivals: { kind: 'poisson' },
  session: 'reconnect',
};

interface PendingOrder {
  orderId: string;
  /** Its number n (the id is `<prefix>n`). */
  n: number;
  invokedAt: Micros;
  attempt: number;
  target: string | undefined;
  /** A pending retry after a refusal. */
  timer: SimEvent | undefined;
  /** Some attempt timed out, so the order may have taken effect. */
  uncertain: boolean;
  /** The connection generation of `target` the current attempt was sent on. */
  connection: number;
  /** Whether it is still in `pending` (no outcome yet): what a stale deadline or retry asks, without a lookup by id. */
  open: boolean;
}

export class Client implements Endpoint {
  private readonly pending = new PendingOrders<PendingOrder>();
  /**
   * Attempt deadlines in the order they were set. The timeout is the same for every attempt,
   * so deadlines come in time order and one timer (for the head) serves them all: a run does
   * not push and cancel a heap event per order. Three parallel columns (no object per attempt):
   * the order, its attempt then, and the deadline; an entry is stale once its order has moved on
   * to another attempt or ended.
   */
  private deadlineOrders: PendingOrder[] = [];
  private deadlineAttempts: number[] = [];
  private deadlineTimes: Micros[] = [];
  private deadlineHead = 0;
  private deadlineTimer: SimEvent | undefined;
  /** With `keep` sessions, orders that ended `info`: a late ack still counts. Value: invoke time. */
  private readonly indeterminate = new Map<string, Micros>();
  /**
   * Per endpoint: how many times this client dropped its connection to it (a timed-out
   * attempt). A reply counts only on the connection its attempt was sent on.
   */
  private readonly connections = new Map<string, number>();
  private readonly rng: Rng;
  private nextOrder = 1;
  /** `client:3` numbers its orders `3-1`, `3-2`, ... */
  private readonly orderIdPrefix: string;
  private stopped = false;
  /** Orders whose attempt waits for a discovery answer (a Sentinel client blocks until it has a master). */
  private parked: PendingOrder[] = [];
  private readonly meanGap: Micros;
  /**
   * The numbers n of orders with an outcome (`ok`, `fail` or `info`), oldest first: what reads
   * ask about (`<prefix>n`). Numbers, not ids, so a long run keeps 4 bytes per order here.
   */
  private decided = new Uint32Array(64);
  private decidedCount = 0;
  private readonly reads = new Map<number, { orderId: string; invokedAt: Micros }>();
  private readonly readsOn: boolean;
  private nextRead = 1;
  /** With the `breaker` retry policy: its state. */
  private readonly breaker: CircuitBreaker | undefined;
  /** Constant arrivals: when the first order goes, and how many went since. */
  private firstArrivalAt = 0;
  private arrivalsSoFar = 0;
  /** The part of the service this client's orders go to (its shard), where the design serves in scopes. */
  private readonly scope: string | undefined;
  /**
   * The next arrival: one heap event, scheduled again each time it fires (it is never
   * cancelled, and is out of the heap when it runs), so an order allocates no event of its own.
   */
  private readonly arrival: SimEvent;
  /** Its attachment to the network, looked up at the first send (the client is attached after it is built). */
  private port: Port | undefined;

  constructor(
    readonly id: string,
    private readonly world: World,
    private readonly workload: Workload,
  ) {
    this.rng = world.sim.rng(id);
    this.orderIdPrefix = `${id.slice(id.indexOf(':') + 1)}-`;
    this.meanGap = (1_000_000 * workload.clients) / workload.ordersPerSecond;
    this.readsOn = (workload.readsPerSecond ?? 0) > 0;
    this.breaker = workload.retry.kind === 'breaker' ? new CircuitBreaker(workload.retry) : undefined;
    this.scope = world.routing.scopeOf(id);
    this.arrival = { time: 0, seq: 0, cancelled: false, run: this.submit, arg: undefined };
  }

  start(): void {
    if (this.workload.ordersPerSecond > 0) {
      if (this.workload.arrivals.kind === 'constant') {
        // client k of n goes first at k/n of the gap: all of them together are evenly spaced
        const k = Number(this.id.slice(this.id.indexOf(':') + 1)) || 1;
        this.firstArrivalAt = this.world.sim.now + (this.meanGap * k) / this.workload.clients;
      }
      this.scheduleArrival();
    }
    if ((this.workload.readsPerSecond ?? 0) > 0) this.world.sim.after(this.readGap(), this.read);
  }

  /** Reads draw from their own stream, so turning them on leaves the order flow as it was. */
  private readGap(): Micros {
    const mean = (1_000_000 * this.workload.clients) / this.workload.readsPerSecond!;
    return Math.max(1, Math.round(-mean * Math.log(1 - this.world.sim.rng(`read:${this.id}`).float())));
  }

  private readonly read = (): void => {
    if (this.stopped) return;
    const sim = this.world.sim;
    const rng = sim.rng(`read:${this.id}`);
    const pool = this.world.topology.readTargets;
    const target = pool?.length ? pool[Math.floor(rng.float() * pool.length)] : this.world.routing.resolve(this.id);
    if (this.decidedCount > 0 && target !== undefined) {
      // every other read asks for the latest order, the rest for any earlier one
      const readId = this.nextRead++;
      const n = readId % 2 === 1 ? this.decided[this.decidedCount - 1] : this.decided[Math.floor(rng.float() * this.decidedCount)];
      const orderId = this.orderIdPrefix + n;
      this.reads.set(readId, { orderId, invokedAt: sim.now });
      this.world.network.send(this.id, target, { type: 'read', readId, orderId, client: this.id });
    }
    sim.after(this.readGap(), this.read);
  };

  /** No new orders from now on (pending ones still finish). */
  stop(): void {
    this.stopped = true;
  }

  private gap(): Micros {
    return Math.max(1, Math.round(-this.meanGap * Math.log(1 - this.rng.float())));
  }

  /** Schedules the next order by the arrival process. */
  private scheduleArrival(): void {
    const sim = this.world.sim;
    const arrivals = this.workload.arrivals;
    switch (arrivals.kind) {
      case 'poisson':
        this.arriveAt(sim.now + this.gap());
        return;
      case 'constant':
        // from the first arrival, not the last, so rounding never drifts the pace
        this.arriveAt(Math.round(this.firstArrivalAt + this.arrivalsSoFar++ * this.meanGap));
        return;
      case 'burst': {
        // the window is in schedule time, which counts from the end of boot (world.origin)
        const origin = this.world.origin;
        const window = { multiplier: arrivals.multiplier, from: origin + arrivals.from, to: origin + arrivals.to };
        const at = burstArrival(sim.now, -Math.log(1 - this.rng.float()), this.meanGap, window);
        this.arriveAt(Math.max(sim.now + 1, Math.round(at)));
        return;
      }
    }
  }

  /** Schedules the next arrival at `time` (a whole µs; the simulator clamps it to now). */
  private arriveAt(time: Micros): void {
    this.arrival.time = time;
    this.world.sim.schedule(this.arrival);
  }

  private readonly submit = (): void => {
    if (this.stopped) return;
    const sim = this.world.sim;
    const n = this.nextOrder++;
    const orderId = this.orderIdPrefix + n;
    const order: PendingOrder = { orderId, n, invokedAt: sim.now, attempt: 0, target: undefined, timer: undefined, uncertain: false, connection: 0, open: true };
    this.pending.add(n, order);
    this.world.history.recordInvoke(sim.now, this.id, orderId, this.scope);
    this.attempt(order);
    this.scheduleArrival();
  };

  private attempt(order: PendingOrder): void {
    const sim = this.world.sim;
    if (this.breaker && !this.breaker.allow(sim.now)) {
      // refused by the client itself: the order is not served, and says so
      this.conclude(order, order.uncertain ? 'info' : 'fail', 'circuit-open');
      return;
    }
    order.attempt++;
    order.target = this.world.routing.resolve(this.id);
    if (order.target !== undefined) this.sendAttempt(order);
    else if (this.world.routing.awaitingDiscovery(this.id)) this.parked.push(order);
    this.deadlineOrders.push(order);
    this.deadlineAttempts.push(order.attempt);
    this.deadlineTimes.push(sim.now + this.workload.timeout);
    if (!this.deadlineTimer) this.armDeadlineTimer();
  }

  private sendAttempt(order: PendingOrder): void {
    order.connection = this.connectionTo(order.target!);
    // sent to the virtual IP: a host that no longer has that address drops it (see SimNode.receive);
    // built whole either way (adding `vip` afterwards would allocate a property store per order)
    const msg: Msg =
      this.world.routing.spec.kind === 'vip'
        ? { type: 'order', orderId: order.orderId, client: this.id, attempt: order.attempt, vip: this.world.routing.vipOf(this.id) }
        : { type: 'order', orderId: order.orderId, client: this.id, attempt: order.attempt };
    const network = this.world.network;
    network.sendFrom((this.port ??= network.port(this.id)), order.target!, msg);
  }

  /** The client learnt where the primary is: the attempts waiting for it go there. */
  private sendParked(): void {
    const parked = this.parked;
    this.parked = [];
    for (const order of parked) {
      if (!order.open || order.timer !== undefined || order.target !== undefined) continue;
      order.target = this.world.routing.resolve(this.id);
      if (order.target === undefined) this.parked.push(order);
      else this.sendAttempt(order);
    }
  }

  private armDeadlineTimer(): void {
    const count = this.deadlineOrders.length;
    while (this.deadlineHead < count && !this.live(this.deadlineHead)) this.deadlineHead++;
    if (this.deadlineHead > 1024 && this.deadlineHead * 2 > count) {
      this.deadlineOrders = this.deadlineOrders.slice(this.deadlineHead);
      this.deadlineAttempts = this.deadlineAttempts.slice(this.deadlineHead);
      this.deadlineTimes = this.deadlineTimes.slice(this.deadlineHead);
      this.deadlineHead = 0;
    }
    const head = this.deadlineHead;
    this.deadlineTimer = head < this.deadlineOrders.length ? this.world.sim.at(this.deadlineTimes[head], this.onDeadline) : undefined;
  }

  /** Whether deadline entry `i` still stands: its order is pending, in the same attempt, not waiting to retry. */
  private live(i: number): boolean {
    const order = this.deadlineOrders[i];
    return order.open && order.attempt === this.deadlineAttempts[i] && order.timer === undefined;
  }

  private readonly onDeadline = (): void => {
    const now = this.world.sim.now;
    while (this.deadlineHead < this.deadlineOrders.length && this.deadlineTimes[this.deadlineHead] <= now) {
      const i = this.deadlineHead++;
      if (this.live(i)) this.onTimeout(this.deadlineOrders[i]);
    }
    this.armDeadlineTimer();
  };

  private onTimeout(order: PendingOrder): void {
    order.uncertain = true;
    const target = order.target;
    // the socket timeout closes the connection the attempt went out on (once per connection)
    if (this.workload.session === 'reconnect' && target !== undefined && this.connectionTo(target) === order.connection) {
      this.connections.set(target, order.connection + 1);
    }
    if (this.workload.cancelOnTimeout) {
      if (order.target !== undefined) this.world.network.send(this.id, order.target, { type: 'cancel', orderId: order.orderId, client: this.id });
      this.conclude(order, 'info', 'cancelled after timeout');
      return;
    }
    this.breaker?.failed(this.world.sim.now);
    this.world.routing.timedOut(this.id, order.target);
    if (order.attempt >= this.workload.maxAttempts) this.conclude(order, 'info', 'timed out');
    else if (this.workload.retry.kind === 'exponential') this.retryAfter(order, this.backoff(order));
    else this.attempt(order);
  }

  /** Exponential backoff: the wait before the next attempt, jittered from `retry:<client>`. */
  private backoff(order: PendingOrder): Micros {
    const policy = this.workload.retry as Extract<RetryPolicy, { kind: 'exponential' }>;
    return exponentialDelay(policy, order.attempt, this.world.sim.rng(`retry:${this.id}`).float());
  }

  private retryAfter(order: PendingOrder, delay: Micros): void {
    order.timer = this.world.sim.after(delay, () => {
      order.timer = undefined;
      if (order.open) this.attempt(order);
    });
  }

  receive(from: string, msg: Msg): void {
    switch (msg.type) {
      case 'ack':
        this.onAck(from, msg.orderId as string, msg.attempt as number, msg.replicas as number | undefined);
        return;
      case 'acks':
        // several acks in one reply (NodeContext.ackOrders): each counts on its own, in order
        for (const order of (msg as OrderAcks).orders) this.onAck(from, order.orderId, order.attempt, undefined);
        return;
      case 'reject':
        this.onReject(from, msg);
        return;
      case 'read-result': {
        const read = this.reads.get(msg.readId as number);
        if (!read) return;
        this.reads.delete(msg.readId as number);
        this.world.history.record({ type: 'read', time: this.world.sim.now, client: this.id, node: from, orderId: read.orderId, found: msg.found === true, invokedAt: read.invokedAt });
        return;
      }
      case 'garp':
        this.world.routing.garp(this.id, from, msg.vip as string);
        return;
      case 'discovered':
      case 'switch-master':
        if (this.world.routing.discovered(this.id, from, msg)) this.sendParked();
        return;
      default:
        return;
    }
  }

  /**
   * The kernel of `from` reset our connection: it refused `about` (nothing listens: the order
   * was not taken) or, with `about` undefined, `from`'s process died with our attempts open
   * (they may have taken effect). Either way the attempt fails now instead of timing out.
   */
  reset(from: string, about: Msg | undefined): void {
    if (about !== undefined) {
      if (about.type === 'order') this.onReject(from, { type: 'reject', orderId: about.orderId, attempt: about.attempt, reason: 'connection-refused' });
      return;
    }
    for (const order of this.pending.values()) {
      if (order.target !== from || order.timer !== undefined || !this.canReceive(order, order.attempt)) continue;
      order.uncertain = true;
      this.onReject(from, { type: 'reject', orderId: order.orderId, attempt: order.attempt, reason: 'connection-reset' });
    }
  }

  private connectionTo(endpoint: string): number {
    return this.connections.get(endpoint) ?? 0;
  }

  /**
   * Whether a reply to `attempt` of `order` reaches the client: always with `keep`; with
   * `reconnect` only on the current attempt's connection, still open (earlier attempts timed
   * out, which dropped their connection, or were refused).
   */
  private canReceive(order: PendingOrder, attempt: number): boolean {
    if (this.workload.session === 'keep') return true;
    return attempt === order.attempt && order.target !== undefined && this.connectionTo(order.target) === order.connection;
  }

  private onAck(node: string, orderId: string, attempt: number, replicas: number | undefined): void {
    const sim = this.world.sim;
    const order = this.pending.get(orderId);
    if (order) {
      if (!this.canReceive(order, attempt)) return;
      this.breaker?.succeeded();
      sim.cancel(order.timer);
      this.pending.delete(order.n, order);
      order.open = false;
      if (this.readsOn) this.decide(orderId);
      this.world.history.recordOk(sim.now, this.id, orderId, node, sim.now - order.invokedAt, attempt, replicas);
      return;
    }
    const invokedAt = this.indeterminate.get(orderId);
    if (invokedAt !== undefined) {
      this.indeterminate.delete(orderId);
      this.world.history.recordOk(sim.now, this.id, orderId, node, sim.now - invokedAt, attempt, replicas);
    }
  }

  private onReject(node: string, msg: Msg): void {
    const order = this.pending.get(msg.orderId as string);
    if (!order || order.attempt !== msg.attempt) return;
    const sim = this.world.sim;
    sim.cancel(order.timer);
    const reason = msg.reason as string;
    if (reason === 'market-closed') {
      this.conclude(order, 'fail', reason);
      return;
    }
    this.breaker?.failed(sim.now);
    this.world.routing.redirect(this.id, msg.leaderHint as string | undefined, node);
    if (order.attempt >= this.workload.maxAttempts) {
      this.conclude(order, order.uncertain ? 'info' : 'fail', reason);
      return;
    }
    this.retryAfter(order, this.workload.retry.kind === 'exponential' ? this.backoff(order) : this.workload.retryBackoff);
  }

  /** Remembers that `orderId` (one of this client's, `<prefix>n`) has an outcome. */
  private decide(orderId: string): void {
    if (this.decidedCount === this.decided.length) {
      const grown = new Uint32Array(this.decided.length * 2);
      grown.set(this.decided);
      this.decided = grown;
    }
    this.decided[this.decidedCount++] = Number(orderId.slice(this.orderIdPrefix.length));
  }

  private conclude(order: PendingOrder, outcome: 'fail' | 'info', reason: string): void {
    this.pending.delete(order.n, order);
    order.open = false;
    if (this.readsOn) this.decide(order.orderId);
    const time = this.world.sim.now;
    if (outcome === 'info' && this.workload.session === 'keep') this.indeterminate.set(order.orderId, order.invokedAt);
    this.world.history.record({ type: outcome, time, client: this.id, orderId: order.orderId, reason });
  }
}
