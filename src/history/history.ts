/**
 * The history: every observable event of a run, in virtual-time order. It is the only thing
 * invariants and metrics read (Jepsen's rule: a checker never looks inside the system under
 * test), so a new design gets every invariant and metric for free.
 *
 * Client side, an order is invoked, then ends `ok` (acked), `fail` (definitely not done) or
 * `info` (timed out: indeterminate, it may have taken effect). Node side, a design declares
 * roles, sends acks (`ack-sent`, an external effect) and orders to the exchange. The world
 * records faults, node state changes, fencing actions and VIP moves.
 */
import type { Micros } from '../sim/time.ts';
import type { DurableLog } from './durable-log.ts';
import { HistoryFold, type FlowFrame } from './fold/history-fold.ts';

export type NodeState = 'up' | 'paused' | 'crashed' | 'off';

/** Roles a design may declare. `primary` is the one the invariants care about. */
export type Role = 'primary' | 'standby' | 'candidate' | 'follower' | 'fenced' | 'witness' | 'down';

export type HistoryEvent =
  /**
   * A client submits a new order (first attempt). `scope` is the part of the service the
   * client's orders go to (its shard), where the design serves in scopes (see `clientScopes`).
   */
  | { type: 'invoke'; time: Micros; client: string; orderId: string; scope?: string }
  /**
   * The client received an ack; `latency` is from `invoke`, `attempt` counts from 1; `replicas`
   * is the replication count the reply carried, where the protocol returns one (Redis WAIT).
   */
  | { type: 'ok'; time: Micros; client: string; orderId: string; node: string; latency: Micros; attempt: number; replicas?: number }
  /** The order definitely did not take effect (e.g. rejected while the market is closed). */
  | { type: 'fail'; time: Micros; client: string; orderId: string; reason: string }
  /** Every attempt timed out or was refused: indeterminate. */
  | { type: 'info'; time: Micros; client: string; orderId: string; reason: string }
  /**
   * A client read whether an order is there, through the design's routing (designs that serve
   * reads answer `read` messages): `found` is what the node answered; `invokedAt` when the
   * client asked. Reads ask about the client's own orders that have an outcome.
   */
  | { type: 'read'; time: Micros; client: string; node: string; orderId: string; found: boolean; invokedAt: Micros }
  /** A node sent an ack to a client: an external effect of believing it is primary. */
  | { type: 'ack-sent'; time: Micros; node: string; orderId: string }
  /**
   * A node declared a role with its epoch/term. `scope` names the part of the service the role
   * is about (a shard, in designs with one primary per shard); absent: the whole service.
   */
  | { type: 'role'; time: Micros; node: string; role: Role; epoch: number; scope?: string }
  /** The exchange received an order from a node. */
  | { type: 'exchange'; time: Micros; node: string; orderId: string; token: number | null; accepted: boolean; reason?: string }
  /** A fault began or ended; `targets` are the resolved endpoints it acts on. */
  | { type: 'fault-begin'; time: Micros; faultId: number; kind: string; targets: string[]; detail: string }
  | { type: 'fault-end'; time: Micros; faultId: number; kind: string; targets: string[] }
  /** A scheduled fault did not fire because its target resolved to nothing (e.g. no primary). */
  | { type: 'fault-skipped'; time: Micros; faultId: number; kind: string; reason: string }
  /** A node's process or power state changed. */
  | { type: 'node-state'; time: Micros; node: string; state: NodeState; reason: string }
  /** A fencing action (STONITH) requested by `node` against `target` finished. */
  | { type: 'fence'; time: Micros; node: string; target: string; action: string; ok: boolean }
  /** A node claimed a virtual IP (`vip` names it when a design has several). */
  | { type: 'vip'; time: Micros; node: string; vip?: string }
  /** The service's DNS record now points at `node`. */
  | { type: 'dns'; time: Micros; node: string }
  /** The load balancer marked a backend up or down. */
  | { type: 'lb'; time: Micros; node: string; healthy: boolean }
  /** A run phase began: chaos, heal, settle, drain. */
  | { type: 'phase'; time: Micros; phase: 'boot' | 'chaos' | 'heal' | 'settle' | 'drain' | 'end' }
  /** A free-form note from a design (shown in timelines, never read by invariants). */
  | { type: 'note'; time: Micros; node: string; text: string }
  /**
   * A recorded probe fired on `node` (see world/probes.ts): `lock.acquired` with the lock key
   * as `subject`, `commit.visible-unacked` with the order id. Only probes declared `recorded`.
   */
  | { type: 'probe'; time: Micros; node: string; probe: string; subject?: string };

export type HistoryEventType = HistoryEvent['type'];
export type EventOf<T extends HistoryEventType> = Extract<HistoryEvent, { type: T }>;

/** The durable state of one node once the run is over (disk survives crashes, not failures). */
export interface FinalNodeState {
  node: string;
  state: NodeState;
  /**
   * The node's durable log: its order ids in log order, compact (see `durable-log.ts`: a
   * prefix the design compacted is kept as a set and prefix hashes).
   */
  durableLog: DurableLog;
  /** The last role the node declared (undefined if it never did), and its epoch. */
  lastRole?: Role;
  lastEpoch?: number;
  /** The last role declared in each named scope (a shard), when the design has scopes. */
  lastRoleByScope?: Record<string, { role: Role; epoch: number }>;
}

/**
 * What invariants and metrics read: the events, the final state and the run's frame. Times
 * count from the end of boot (the service first served): boot events have negative times,
 * and nothing before 0 counts toward outages, availability, split-brain time or failovers
 * (safety invariants judge the whole run).
 */
export interface History {
  /** How long boot took: the run started at `-boot`. */
  boot: Micros;
  /**
   * Every event, or only the control events (traffic.ts) when the order traffic was folded as
   * it was recorded (`digest`). Checks read the traffic through `digestOf` (fold/history-fold.ts),
   * which works for both.
   */
  events: HistoryEvent[];
  /** The folded order traffic, when `events` holds only the control events. */
  digest?: HistoryFold;
  final: FinalNodeState[];
  /** The node ids of the design, in declaration order. */
  nodes: string[];
  /** End of chaos: every fault healed at this instant. */
  healAt: Micros;
  /** End of settle: liveness is judged here; clients stop submitting. */
  settleEndAt: Micros;
  /** End of the run (after a short drain for in-flight messages). */
  endAt: Micros;
  /** The client timeout: an order is available if acked within it. */
  clientTimeout: Micros;
  /** The design's recovery-time target. */
  rtoTarget: Micros;
  /**
   * Where the design serves in scopes (N+1 shards, one VIP each): every client and the scope
   * its orders go to. Absent: one service. Availability and outages are then per scope and,
   * service-wide, weighted by each scope's share of the clients (check/outages.ts).
   */
  clientScopes?: Record<string, string>;
}

/**
 * Appends events. By default it keeps every event; after `foldTraffic` it folds the order
 * traffic into a `HistoryFold` instead of keeping it (fold/history-fold.ts), from the moment
 * the run's origin (the end of boot, which history times count from) is known: until then it
 * keeps everything, since boot detection reads the acks, and folds what it kept once
 * `setOrigin` is called.
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private fold: HistoryFold | undefined;
  private foldFrame: FlowFrame | undefined;
  private origin = 0;

  record(event: HistoryEvent): void {
    const fold = this.fold;
    if (fold !== undefined && fold.add(event, event.time - this.origin, this.origin)) return;
    this.events.push(event);
  }

  /*
   * The order traffic, by its fields: once folding, straight into the fold, so a busy run does
   * not build an event object per invoke, ack sent, ack received and exchange order only to
   * switch on its type and drop it. Until then (or without folding) the same event as `record`.
   */

  /** `{ type: 'invoke', time, client, orderId, scope }` (no `scope` when undefined). */
  recordInvoke(time: Micros, client: string, orderId: string, scope: string | undefined): void {
    const fold = this.fold;
    if (fold !== undefined) fold.invoke(client, orderId, scope, time - this.origin);
    else this.events.push(scope === undefined ? { type: 'invoke', time, client, orderId } : { type: 'invoke', time, client, orderId, scope });
  }

  /** `{ type: 'ok', time, client, orderId, node, latency, attempt, replicas }` (no `replicas` when undefined). */
  recordOk(time: Micros, client: string, orderId: string, node: string, latency: Micros, attempt: number, replicas: number | undefined): void {
    const fold = this.fold;
    if (fold !== undefined) {
      fold.ok(orderId, node, latency, time - this.origin);
      return;
    }
    const ok: EventOf<'ok'> = { type: 'ok', time, client, orderId, node, latency, attempt };
    if (replicas !== undefined) ok.replicas = replicas;
    this.events.push(ok);
  }

  /** `{ type: 'ack-sent', time, node, orderId }`. */
  recordAckSent(time: Micros, node: string, orderId: string): void {
    const fold = this.fold;
    if (fold !== undefined) fold.ackSent(node, orderId, time - this.origin);
    else this.events.push({ type: 'ack-sent', time, node, orderId });
  }

  /** `{ type: 'exchange', time, node, orderId, token, accepted, reason }`. */
  recordExchange(time: Micros, node: string, orderId: string, token: number | null, accepted: boolean, reason: string | undefined): void {
    const fold = this.fold;
    if (fold !== undefined) fold.exchangeOrder(node, orderId, accepted, reason, time - this.origin);
    else this.events.push({ type: 'exchange', time, node, orderId, token, accepted, reason });
  }

  /** Folds the order traffic from the origin on, with this frame (in history times: from the origin). */
  foldTraffic(frame: FlowFrame): void {
    this.foldFrame = frame;
  }

  /** The run's origin is known: folding (if asked for) starts, with the events kept so far. */
  setOrigin(origin: Micros): void {
    if (this.foldFrame === undefined || this.fold !== undefined) return;
    this.origin = origin;
    const fold = (this.fold = new HistoryFold(this.foldFrame));
    let kept = 0;
    for (const e of this.events) if (!fold.add(e, e.time - origin, origin)) this.events[kept++] = e;
    this.events.length = kept;
  }

  /** The folded order traffic, once folding started. */
  get digest(): HistoryFold | undefined {
    return this.fold;
  }
}

/** Filters a history's events by type, keeping their order. */
export function eventsOf<T extends HistoryEventType>(history: { events: HistoryEvent[] }, type: T): EventOf<T>[] {
  return history.events.filter((e): e is EventOf<T> => e.type === type);
}
