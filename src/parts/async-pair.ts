/**
 * One node of an asynchronously replicated primary/standby pair: the shared order path, the
 * standby's replica (in order, with resync on a gap or a new primary) and, once primary, the
 * async sender towards the peer that acks before the peer has the entry. Designs that decide
 * *when* to promote (a DNS failover hook, a PostgreSQL trigger file) compose it and keep their
 * promotion logic; `epoch` follows the highest epoch a resync has shown.
 */
import type { Msg, NodeContext } from '../world/actor.ts';
import { AsyncReplicator } from './async-replicator.ts';
import { OrderServer } from './order-server.ts';
import { StandbyReplica } from './standby-replica.ts';

export class AsyncPairNode {
  readonly server: OrderServer;
  private readonly replica: StandbyReplica;
  private sender: AsyncReplicator | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly peer: string,
    /** The epoch (PostgreSQL's timeline) this node serves or follows. */
    public epoch: number,
  ) {
    this.server = new OrderServer(ctx, {
      replicate: (entry, done, index) => (this.sender ? this.sender.replicate(entry, done, index) : done(false)),
      replicateAfterLocal: true,
    });
    this.replica = new StandbyReplica(ctx, {
      catchUp: true,
      onAppended: (entry) => this.server.learn(entry.orderId),
      onResynced: (_primary, epoch) => {
        this.epoch = Math.max(this.epoch, epoch);
        this.server.relearnLog();
      },
    });
  }

  get primary(): boolean {
    return this.server.primary;
  }

  /** Serves orders in `epoch`, streaming them to the peer (no longer applying its stream). */
  becomePrimary(): void {
    this.replica.stop();
    this.sender = new AsyncReplicator(this.ctx, { peer: this.peer, epoch: this.epoch, flushInterval: 0 });
    this.server.becomePrimary(this.epoch);
  }

  /** Refuses orders and applies the primary's stream. */
  becomeStandby(): void {
    this.server.becomeStandby(this.epoch);
    this.replica.start();
  }

  /** Orders, replication and resync messages; false for anything else. */
  handle(from: string, msg: Msg): boolean {
    if (this.server.handle(msg)) return true;
    if (!this.server.primary && this.replica.handle(from, msg)) return true;
    return this.sender?.handle(from, msg) ?? false;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (this.replica.onTimer(kind, data)) return true;
    return this.sender?.onTimer(kind) ?? false;
  }
}
