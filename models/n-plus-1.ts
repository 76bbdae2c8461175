/**
 * n-plus-1: N active shards and one shared standby, the HA document's "N+1 REDUNDANCY" (§2):
 * "N active instances + 1 standby for any failure".
 *
 *   a1 (shard1)   a2 (shard2)   a3 (shard3)        s (standby of every shard)
 *       \______________|______________/  replication  ^
 *
 * Stands for: a sharded order service (each active owns a slice of the symbols) with one spare
 * node, as Pacemaker runs an N+1 cluster (N resources, one node that can host any of them) or
 * a trading firm runs a spare box per group of gateways. Nodes `a1`..`aN` in their own racks,
 * `s` in another. Clients are spread over the shards: each shard has its own virtual IP
 * (`shard1`..`shardN`), and a client sends every order to its shard's VIP.
 *
 * Mechanisms modelled:
 * - each active is the primary of its shard (role `primary`, scope `shardK`): it makes an
 *   order durable locally, acks and sends it to the exchange (`order-server.ts`), and streams
 *   its log to the standby, asynchronously by default (`async-replicator.ts`) or
 *   synchronously (`sync-replicator.ts`, falling back to async after `syncStallTimeout`);
 * - the standby keeps one interleaved log holding every shard's entries (each tagged with its
 *   shard), acks each shard's stream for sync replication, and resyncs a shard after a gap
 *   or a conflict (`resync.ts`);
 * - heartbeats both ways every `heartbeatInterval` on a heartbeat thread
 *   (`heartbeat.ts` SilenceDetector); an active silent for `deadTime` is lost;
 * - the standby takes over the *first* lost shard: a new epoch for that shard, the shard's
 *   log it already holds (the replay is its own copy), the shard's VIP by gratuitous ARP.
 *   While it serves one shard it is no one's standby: a second lost shard stays down until
 *   its active is repaired or the spare is free again (the first shard's active took it back),
 *   whichever comes first: once free, the spare takes over the first shard still lost, as
 *   Pacemaker's scheduler, rerun on every cluster change, starts a stopped resource on the node
 *   that can now host it;
 * - failback: a repaired active comes up as standby of its shard; if the spare serves its
 *   shard it asks for it back, the spare steps down and hands over its copy of the shard's
 *   log, and the active rewrites its log with it and takes the shard back at a new epoch
 *   (Pacemaker with resource-stickiness 0 moves a resource back to its preferred node). If
 *   nobody took its shard over it resumes it at its old epoch;
 * - an active whose log disk fails or fills up stops serving (a failed resource, as PostgreSQL
 *   panics on an fsync error) and tells the spare, which takes the shard over at once; once
 *   its disk takes writes again it asks for the shard back like a repaired active (and adopts
 *   the spare's copy, or, if the spare never took the shard and its own log survived, resumes);
 * - no fencing and no quorum: an active cut off from the spare but not from its clients keeps
 *   serving while the spare takes its shard over, a split brain within that shard (caught by
 *   `single-primary`, which compares primaries of the same shard only); when they hear each
 *   other again the older epoch steps down and its divergent orders are dropped.
 *
 * Roles are per shard (`declareRole(role, epoch, 'shardK')`): the N actives are legitimately
 * primary at the same time, each of its own shard, and the invariants judge each shard on its
 * own (see src/check/scopes.ts): `single-primary` within a shard, `no-lost-ack` against the
 * shard's authoritative log, `convergence` of the spare's copy of each shard.
 *
 * Left out: rebalancing shards, a spare pool larger than one, and the order-entry gateways'
 * own client failover (clients use the shard VIP only).
 *
 * Defaults and their sources:
 * - shards 3: the document's figure (Active 1, 2, 3 + Standby).
 * - replication async: the document's N+1 sketch says nothing; its hot standby replicates
 *   asynchronously (`asyncSendToSecondary`). `sync` waits for the spare's fsync.
 * - heartbeatInterval 1 s: the document's monitorPeer loop (`sleep_for(seconds(1))`).
 * - deadTime 3 s: corosync's default token timeout (3000 ms), the failure-detection budget
 *   Pacemaker gives an N+1 cluster.
 * - syncStallTimeout 10 s: MySQL semi-sync `rpl_semi_sync_master_timeout` (10000 ms).
 * - garpCount 3, garpInterval 1 s, arpCacheTtl 30 s, restartSec 5 s: as hot-standby-naive
 *   (arping -c 3, arping(8), Linux base_reachable_time_ms, systemd RestartSec=5s).
 */
import { defineDesign, type Resolved } from '../src/world/design.ts';
import type { Actor, Msg, NodeContext } from '../src/world/actor.ts';
import { ORDER_MESSAGES } from '../src/world/messages.ts';
import type { DiskEntry } from '../src/world/disk.ts';
import { OrderServer } from '../src/parts/order-server.ts';
import { AsyncReplicator } from '../src/parts/async-replicator.ts';
import { SyncReplicator } from '../src/parts/sync-replicator.ts';
import { SilenceDetector, heartbeatThreadOf } from '../src/parts/heartbeat.ts';
import { scopedContext } from '../src/parts/scoped-context.ts';
import { SharedStandby, type ShardLog } from '../src/parts/shared-standby.ts';
import { messageKinds } from '../src/world/messages.ts';

/** An active tells the spare: give my shard back (`nplus1-handback-request`), or I have failed. */
interface ShardNotice extends Msg {
  type: 'nplus1-handback-request' | 'nplus1-failed';
  shard: string;
}
const NOTICE_MESSAGES = messageKinds<ShardNotice>('nplus1-handback-request', 'nplus1-failed');
const HANDBACK_MESSAGES = messageKinds<ShardLog>('nplus1-handback');

const params = {
  shards: { kind: 'integer', default: 3, min: 1, max: 16, doc: 'active shards (N); one more node is the shared standby', source: 'HA document §2 N+1 REDUNDANCY: Active 1, 2, 3 + Standby' },
  replication: { kind: 'enum', default: 'async', values: ['async', 'sync'], doc: 'how each active replicates to the shared standby', source: "HA document: the hot standby's asyncSendToSecondary (§2); sync per §4" },
  heartbeatInterval: { kind: 'duration', default: '1s', doc: 'heartbeat period, both ways', source: 'HA document: monitorPeer sleeps 1 s' },
  deadTime: { kind: 'duration', default: '3s', doc: 'silence after which a peer is lost', source: 'corosync token timeout default 3000 ms' },
  syncStallTimeout: { kind: 'duration', default: '10s', doc: 'with sync replication: wait this long for the standby, then continue async', source: 'MySQL rpl_semi_sync_master_timeout = 10000 ms' },
  garpCount: { kind: 'integer', default: 3, min: 1, doc: 'gratuitous ARPs sent when taking a shard VIP', source: 'arping -c 3, as in the HA document' },
  garpInterval: { kind: 'duration', default: '1s', doc: 'interval between gratuitous ARPs', source: 'arping(8): default interval 1 s' },
  arpCacheTtl: { kind: 'duration', default: '30s', doc: 'how long a client trusts an ARP entry', source: 'Linux neigh base_reachable_time_ms = 30000' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const SPARE = 's';
const EPOCH_KEY = 'nplus1-epoch';

const shardOf = (node: string): string => `shard${node.slice(1)}`;
const activeOf = (shard: string): string => `a${shard.slice(5)}`;

/** What every heartbeat carries. */
interface Beat extends Record<string, unknown> {
  /** For an active: its shard, role and epoch, and whether its log disk failed. */
  shard?: string;
  primary?: boolean;
  epoch?: number;
  failed?: boolean;
  /** For the spare: the shard it serves (if any) and the newest epoch it knows per shard. */
  serving?: string | null;
  epochs?: Record<string, number>;
}

/** An active: the primary of one shard, and after a repair the standby that takes it back. */
class ShardActive implements Actor {
  private readonly shard: string;
  private readonly server: OrderServer;
  private readonly detector: SilenceDetector;
  private replicator: AsyncReplicator | SyncReplicator | undefined;
  private epoch: number;
  /**
   * primary; rejoining (after a restart, until it knows who serves the shard); standby (the
   * spare serves the shard: asking for it back); adopting (writing the spare's copy); failed
   * (the log disk refused a write: waiting for it to take writes again).
   */
  private state: 'primary' | 'rejoining' | 'standby' | 'adopting' | 'failed' = 'rejoining';
  /** The disk failed and took the log with it: take the spare's copy, whoever serves. */
  private logLost = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.shard = shardOf(ctx.id);
    this.epoch = (ctx.disk.get(EPOCH_KEY) as number | undefined) ?? 1;
    this.server = new OrderServer(scopedContext(ctx, this.shard), {
      replicate: (entry, done, index) => this.replicator!.replicate(entry, done, index),
      onWriteFailed: () => this.diskFailed(),
    });
    this.detector = new SilenceDetector(ctx, {
      peers: [SPARE],
      beatInterval: p.heartbeatInterval,
      timeout: p.deadTime,
      payload: (): Beat => ({ shard: this.shard, primary: this.state === 'primary', epoch: this.epoch, failed: this.state === 'failed' }),
      onHeard: (_peer, beat) => this.heardSpare(beat as Beat),
      onLost: () => {
        // nobody can have taken the shard over without the spare: a rejoining active resumes
        if (this.state === 'rejoining') this.resume(this.epoch);
      },
    });
  }

  onStart(): void {
    this.ctx.disk.put(EPOCH_KEY, this.epoch);
    this.becomePrimary(this.epoch);
    this.detector.start();
  }

  /** After a crash or repair: standby of its shard until it knows who serves it. */
  onRecover(): void {
    this.server.becomeStandby(this.epoch);
    this.detector.start();
  }

  threadOf(kind: string): string {
    return heartbeatThreadOf(kind);
  }

  onMessage(from: string, msg: Msg): void {
    if (this.detector.handle(from, msg) || this.server.handle(msg)) return;
    if (HANDBACK_MESSAGES.has(msg)) return this.takeBack(msg);
    this.replicator?.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    if (this.detector.onTimer(kind, data)) return;
    this.replicator?.onTimer(kind);
  }

  private heardSpare(beat: Beat): void {
    const spareEpoch = beat.epochs?.[this.shard] ?? 0;
    const spareServesMine = beat.serving === this.shard && spareEpoch > this.epoch;
    if (this.state === 'primary' && spareServesMine) this.stepDown(spareEpoch, `the spare serves ${this.shard} at epoch ${spareEpoch}`);
    if (this.state === 'failed' && !this.ctx.disk.failed && !this.ctx.disk.full) {
      this.ctx.note('log disk takes writes again');
      this.state = spareServesMine || this.logLost ? 'standby' : 'rejoining';
    }
    if (this.state === 'rejoining') {
      if (spareServesMine) this.state = 'standby';
      else this.resume(Math.max(this.epoch, spareEpoch));
    }
    // asked again at every beat until the copy arrives (a request or its answer may be lost)
    if (this.state === 'standby') this.ctx.send(SPARE, { type: 'nplus1-handback-request', shard: this.shard } satisfies ShardNotice);
  }

  /** Nobody took the shard over: serve it again, at the newest epoch known for it. */
  private resume(epoch: number): void {
    this.epoch = epoch;
    this.ctx.disk.put(EPOCH_KEY, epoch);
    this.becomePrimary(epoch);
  }

  /** The log refused a write: stop serving and hand the shard to the spare now. */
  private diskFailed(): void {
    if (this.state !== 'primary') return;
    this.logLost ||= this.ctx.disk.failed;
    this.stepDown(this.epoch, 'the log disk refuses writes');
    this.state = 'failed';
    this.ctx.send(SPARE, { type: 'nplus1-failed', shard: this.shard } satisfies ShardNotice);
  }

  private stepDown(epoch: number, why: string): void {
    this.ctx.note(`${why}: stepping down`);
    this.state = 'standby';
    this.epoch = epoch;
    if (this.replicator instanceof SyncReplicator) this.replicator.stop();
    this.replicator = undefined;
    this.server.becomeStandby(epoch);
    this.ctx.releaseVip(this.shard);
  }

  /** The spare stepped down and sent its copy of the shard: adopt it and take the shard back. */
  private takeBack(log: ShardLog): void {
    if (this.state !== 'standby' || log.shard !== this.shard) return;
    this.state = 'adopting';
    const disk = this.ctx.disk;
    disk.truncate(0);
    const epoch = Math.max(this.epoch, log.epoch) + 1;
    const promote = (ok: boolean) => {
      if (this.state !== 'adopting') return;
      if (!ok) {
        this.state = 'failed';
        return;
      }
      this.logLost = false;
      this.server.relearnLog();
      this.epoch = epoch;
      disk.put(EPOCH_KEY, epoch);
      this.ctx.note(`took ${this.shard} back at epoch ${epoch} (${log.entries.length} orders)`);
      this.becomePrimary(epoch);
    };
    if (log.entries.length === 0) return promote(!disk.failed && !disk.full);
    log.entries.forEach((entry, i) => disk.append({ orderId: entry.orderId, term: entry.term }, i === log.entries.length - 1 ? promote : undefined));
  }

  private becomePrimary(epoch: number): void {
    this.state = 'primary';
    this.replicator = this.p.replication === 'sync'
      ? new SyncReplicator(this.ctx, { peer: SPARE, epoch, startAlone: false, stallTimeout: this.p.syncStallTimeout, stallPolicy: 'async-after-timeout' })
      : new AsyncReplicator(this.ctx, { peer: SPARE, epoch, flushInterval: 0 });
    this.server.becomePrimary(epoch);
    this.ctx.takeVip(this.shard);
  }
}

/** The spare: standby of every shard, primary of the first one that fails. */
class Spare implements Actor {
  private readonly log: SharedStandby;
  private readonly detector: SilenceDetector;
  private serving: { shard: string; server: OrderServer } | undefined;
  /** Shards known to be down while the spare serves another (noted once). */
  private readonly uncovered = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    p: Params,
  ) {
    const shards = Array.from({ length: p.shards }, (_, i) => `shard${i + 1}`);
    this.log = new SharedStandby(ctx, { shards, primaryOf: activeOf });
    this.detector = new SilenceDetector(ctx, {
      peers: shards.map(activeOf),
      beatInterval: p.heartbeatInterval,
      timeout: p.deadTime,
      payload: (): Beat => ({ serving: this.serving?.shard ?? null, epochs: this.log.epochs() }),
      onHeard: (peer, beat) => {
        this.log.sawEpoch(shardOf(peer), (beat as Beat).epoch ?? 0);
        if ((beat as Beat).failed) this.lost(shardOf(peer)); // its failure notice may have been lost
        else this.uncovered.delete(shardOf(peer));
      },
      onLost: (peer) => this.lost(shardOf(peer)),
    });
  }

  onStart(): void {
    for (const shard of this.log.shards) this.ctx.declareRole('standby', this.log.epochOf(shard), shard);
    this.detector.start();
  }

  threadOf(kind: string): string {
    return heartbeatThreadOf(kind);
  }

  onMessage(from: string, msg: Msg): void {
    if (this.detector.handle(from, msg)) return;
    if (ORDER_MESSAGES.has(msg)) {
      if (this.serving) this.serving.server.handle(msg);
      else this.ctx.rejectOrder(msg, 'not-primary');
      return;
    }
    if (NOTICE_MESSAGES.has(msg)) return msg.type === 'nplus1-handback-request' ? this.handBack(from, msg.shard) : this.lost(msg.shard);
    this.log.handle(from, msg, this.serving?.shard);
  }

  onTimer(kind: string, data: unknown): void {
    if (this.detector.onTimer(kind, data)) return;
    this.log.onTimer(kind, data);
  }

  private lost(shard: string): void {
    if (this.serving?.shard === shard) return;
    if (this.serving) {
      if (!this.uncovered.has(shard)) this.ctx.note(`${shard} lost while the spare serves ${this.serving.shard}: ${shard} is down until repaired`);
      this.uncovered.add(shard);
      return;
    }
    const epoch = this.log.epochOf(shard) + 1;
    this.ctx.note(`${activeOf(shard)} lost: taking ${shard} over at epoch ${epoch} (${this.log.lengthOf(shard)} orders in my copy)`);
    this.log.takeOver(shard, epoch);
    const server = new OrderServer(scopedContext(this.ctx, shard), {
      // no one left to replicate to; the entry is tagged with its shard in the shared log
      replicate: (entry: DiskEntry, done) => {
        this.log.appendedOwn(shard, entry);
        done(true);
      },
    });
    this.serving = { shard, server };
    server.becomePrimary(epoch);
    this.ctx.takeVip(shard);
  }

  private handBack(from: string, shard: string): void {
    if (activeOf(shard) !== from) return;
    if (this.serving?.shard === shard) {
      this.ctx.note(`handing ${shard} back to ${from}`);
      this.serving.server.becomeStandby(this.log.epochOf(shard));
      this.ctx.releaseVip(shard);
      this.serving = undefined;
    }
    this.log.sendCopy(from, shard);
    // free again: a shard lost while the spare served another is still down, so it takes that
    // one over now (Pacemaker's scheduler places a stopped resource on the node that just freed up)
    const waiting = this.serving ? undefined : this.log.shards.find((s) => this.uncovered.has(s));
    if (waiting !== undefined) {
      this.uncovered.delete(waiting);
      this.lost(waiting);
    }
  }
}

export default defineDesign({
  name: 'n-plus-1',
  description: 'N active shards + 1 shared standby that takes over the first failed shard (heartbeats, async replication, shard VIPs)',
  params,
  topology: (p) => {
    const actives = Array.from({ length: p.shards }, (_, i) => `a${i + 1}`);
    return {
      nodes: [...actives.map((id) => ({ id, rack: `r${id.slice(1)}`, supervisedRestart: p.restartSec })), { id: SPARE, rack: 'rs', supervisedRestart: p.restartSec }],
      routing: { kind: 'vip', garpCount: p.garpCount, garpInterval: p.garpInterval, arpCacheTtl: p.arpCacheTtl, vips: actives.map(shardOf) },
      minClients: p.shards,
    };
  },
  createNode: (ctx, p) => (ctx.id === SPARE ? new Spare(ctx, p) : new ShardActive(ctx, p)),
  // each active serves its shard, the spare stands in for any one; a second lost node leaves
  // one shard of N down (a degraded service, weighted by its share), not the whole service
  estimate: (_p, t) => {
    const ids = t.nodes.map((n) => n.id);
    return { structure: { scopes: ids.length - 1, of: ids }, standby: { need: ids.length - 1, of: ids } };
  },
});
