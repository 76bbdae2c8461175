/**
 * The HA document's `HotStandbyService` (§2), as a part: two nodes, `a` configured PRIMARY and
 * `b` SECONDARY; `monitorPeer` pings the peer on its own heartbeat thread and the SECONDARY
 * promotes itself the first time one heartbeat goes unanswered; nothing ever demotes a
 * PRIMARY; the role comes from the configuration at every start. The replication policy is the
 * design's: `hot-standby-naive` uses the document's async sender, `hot-standby-sync` waits for
 * the standby. See models/hot-standby-naive.ts for the line-by-line account.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { PingMonitor, answerPing, heartbeatThreadOf } from './heartbeat.ts';
import { OrderServer, type ReplicateFn } from './order-server.ts';
import { StandbyReplica } from './standby-replica.ts';

/** The primary's side of a replication policy. */
export interface Replicator {
  readonly replicate: ReplicateFn;
  handle(from: string, msg: Msg): boolean;
  onTimer(kind: string): boolean;
}

export interface HotStandbyOptions {
  heartbeatInterval: Micros;
  heartbeatTimeout: Micros;
  /** The configured primary takes the VIP whenever its service starts. */
  assignVipOnStart: boolean;
  /** Whether the secondary acks each durable append (synchronous replication needs it). */
  secondaryAcks: boolean;
  /** Builds this boot's replication sender towards `peer`. */
  replicator(ctx: NodeContext, peer: string, epoch: number): Replicator;
}

/** The document's `Role` enum and the configured initial role of each node. */
type Role = 'PRIMARY' | 'SECONDARY';
const CONFIGURED_ROLE: Record<string, Role> = { a: 'PRIMARY', b: 'SECONDARY' };
const PEER: Record<string, string> = { a: 'b', b: 'a' };
/** The design has no epochs; every declaration carries this one. */
const EPOCH = 1;

export class HotStandbyService implements Actor {
  private role: Role;
  private isPrimary: boolean;
  private readonly server: OrderServer;
  private readonly sender: Replicator;
  private readonly secondary: StandbyReplica;
  private readonly monitor: PingMonitor;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: HotStandbyOptions,
  ) {
    const peer = PEER[ctx.id];
    // HotStandbyService(initial_role, peer_addr): role_ and is_primary_ from the configuration
    this.role = CONFIGURED_ROLE[ctx.id];
    this.isPrimary = this.role === 'PRIMARY';
    this.sender = p.replicator(ctx, peer, EPOCH);
    this.server = new OrderServer(ctx, { replicate: this.sender.replicate, replicateAfterLocal: true });
    this.secondary = new StandbyReplica(ctx, { catchUp: false, ackAppends: p.secondaryAcks, onAppended: (e) => this.server.learn(e.orderId) });
    this.monitor = new PingMonitor(ctx, {
      peer,
      interval: p.heartbeatInterval,
      answerTimeout: p.heartbeatTimeout,
      onVerdict: (peerAlive) => {
        // if (role_ == Role::SECONDARY && !peer_alive) promoteToePrimary();
        if (this.role === 'SECONDARY' && !peerAlive) this.promoteToPrimary();
      },
    });
  }

  onStart(): void {
    if (this.isPrimary) {
      this.server.becomePrimary(EPOCH);
      if (this.p.assignVipOnStart) this.ctx.takeVip();
    } else {
      this.server.becomeStandby(EPOCH);
    }
    this.monitor.start(); // heartbeat_thread_ = std::thread(monitorPeer)
  }

  threadOf(kind: string): string {
    return heartbeatThreadOf(kind);
  }

  onMessage(from: string, msg: Msg): void {
    if (answerPing(this.ctx, from, msg) || this.monitor.handle(from, msg)) return;
    if (this.server.handle(msg)) return; // processOrder: "Not primary" unless is_primary_
    if (msg.type === 'repl-entry') {
      if (!this.isPrimary) this.secondary.handle(from, msg);
      return;
    }
    this.sender.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    if (this.monitor.onTimer(kind, data)) return;
    this.sender.onTimer(kind);
  }

  private promoteToPrimary(): void {
    this.ctx.note('Primary failed, promoting to primary');
    this.isPrimary = true;
    this.role = 'PRIMARY';
    this.server.becomePrimary(EPOCH);
    this.ctx.takeVip(); // assignVirtualIP: ip addr add + arping -c 3
  }
}

