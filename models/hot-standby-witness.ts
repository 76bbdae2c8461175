/**
 * hot-standby-witness: a hot standby with a witness (tiebreaker) and synchronous replication.
 *
 * Stands for: SQL Server database mirroring in high-safety mode with automatic failover
 * (principal, mirror, witness; SQL Server 2005-2019) and, with the same shape, Oracle Data
 * Guard fast-start failover with an observer in maximum availability mode. Three nodes in
 * three racks: data nodes `a` and `b`, witness `w` (serves no clients). A node may be primary
 * only with a majority of the three votes (its own plus the witness's or its peer's); the
 * standby takes over only with the witness's grant once the old primary's lease has expired;
 * a primary that can renew with neither the witness nor its peer steps down before its lease
 * ends; and it never acks an order that the standby does not have unless the witness has
 * first recorded that the standby is out of date (so a stale standby is never promoted).
 *
 * Mechanisms modelled (parts in src/parts):
 * - the majority lease (`witness-lease.ts`): renewal every `renewInterval`, lease
 *   `leaseDuration` counted from the request's send time on the holder, step-down
 *   `safetyMargin` before its end, no new grant before expiry plus `safetyMargin` on the
 *   voter; the lease is checked at every ack and exchange send; a restarted voter waits one
 *   lease before voting; a data node refuses a candidate whose log is behind its own;
 * - synchronous replication (`sync-replicator.ts`): the ack waits for the standby's fsync;
 *   after `syncStallTimeout` without it the primary asks the witness to mark the standby out
 *   of date and only then continues alone (SQL Server's principal "running exposed"; Data
 *   Guard's stall until the observer agrees); it is synchronous again, and the standby
 *   eligible, once the standby has caught up;
 * - the VIP moves with the lease (taken on acquiring, released on losing it);
 * - a node that restarts or steps down rejoins as standby and resyncs from the primary
 *   (`resync.ts`), dropping its unacknowledged tail; a primary whose log disk fails or fills
 *   up steps down at the first failed write and hands its lease back, so the standby (which
 *   holds every acked order) takes over at once.
 * - the lease is renewed by the service's own (main) thread: a deadlocked service stops
 *   renewing and is replaced, unlike the heartbeat-thread gray failure of the naive design.
 *
 * Left out: SQL Server's role-switch handshakes and client redirection (the "Failover
 * Partner" connection string: we use a VIP); Data Guard's observer reconnect logic; the
 * witness's own high availability.
 *
 * Defaults and their sources:
 * - leaseDuration 10 s: SQL Server mirroring PARTNER TIMEOUT (DatabaseOptions.MirroringTimeout,
 *   default 10 s): how long partners wait for a ping before declaring each other gone.
 * - renewInterval 1 s: mirroring partners and the witness ping each other once per second.
 * - safetyMargin 1 s: hasim's: covers clock drift (up to 5 % of a 10 s lease, far beyond NTP's
 *   500 ppm bound) and message delay; SQL Server has no explicit margin.
 * - syncStallTimeout 10 s: the same partner timeout: the principal waits that long for the
 *   mirror before it asks to run exposed (MySQL semi-sync's rpl_semi_sync_master_timeout is
 *   also 10 s).
 * - garpCount 3, garpInterval 1 s, arpCacheTtl 30 s, restartSec 5 s: as hot-standby-naive
 *   (arping -c 3, arping(8), Linux base_reachable_time, systemd RestartSec).
 */
import { defineDesign, type Resolved } from '../src/world/design.ts';
import type { Actor, Msg, NodeContext, OrderRequest } from '../src/world/actor.ts';
import type { Micros } from '../src/sim/time.ts';
import { OrderServer } from '../src/parts/order-server.ts';
import { SyncReplicator } from '../src/parts/sync-replicator.ts';
import { StandbyReplica, type ReplAck, type ReplEntry, type ReplInSync } from '../src/parts/standby-replica.ts';
import type { ResyncReply, ResyncRequest } from '../src/parts/resync.ts';
import { LeaseHolder, LeaseVoter, type LeaseMessage, type LeaseRequest } from '../src/parts/witness-lease.ts';
import { messageKinds } from '../src/world/messages.ts';

const params = {
  leaseDuration: { kind: 'duration', default: '10s', doc: 'lease granted by the voters (the partner timeout)', source: 'SQL Server database mirroring PARTNER TIMEOUT, default 10 s' },
  renewInterval: { kind: 'duration', default: '1s', doc: 'how often the primary renews its lease', source: 'SQL Server mirroring: partners and witness ping once per second' },
  safetyMargin: { kind: 'duration', default: '1s', doc: 'the holder stops this much before its lease ends; voters wait this much after it', source: "hasim's margin for clock drift and delay" },
  syncStallTimeout: { kind: 'duration', default: '10s', doc: 'how long an order waits for the standby before the primary asks the witness to continue alone', source: 'SQL Server mirroring partner timeout (10 s); MySQL rpl_semi_sync_master_timeout 10 s' },
  garpCount: { kind: 'integer', default: 3, min: 1, doc: 'gratuitous ARPs sent when taking the VIP', source: 'arping -c 3, as in the HA document' },
  garpInterval: { kind: 'duration', default: '1s', doc: 'interval between gratuitous ARPs', source: 'arping(8): default interval 1 s' },
  arpCacheTtl: { kind: 'duration', default: '30s', doc: 'how long a client trusts an ARP entry', source: 'Linux neigh base_reachable_time_ms = 30000' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s' },
} as const;

type Params = Resolved<typeof params>;

const DATA_NODES = ['a', 'b'] as const;
const WITNESS = 'w';
/** The node that takes the lease at the very first start (the configured principal). */
const PREFERRED = 'a';
const PEER: Record<string, string> = { a: 'b', b: 'a' };

/** Sent by the primary to the witness: whether its standby holds every acked order. */
interface SyncState extends Msg {
  type: 'sync-state' | 'sync-state-ok';
  epoch: number;
  standby: string;
  inSync: boolean;
}
/** What a data node receives: orders, the lease protocol, replication both ways, the witness's answer. */
const DATA_NODE_MESSAGES = messageKinds<OrderRequest | LeaseMessage | ReplEntry | ResyncReply | ReplInSync | ReplAck | ResyncRequest | SyncState>(
  'order',
  'lease-release',
  'lease-request',
  'lease-reply',
  'repl-entry',
  'resync-reply',
  'repl-in-sync',
  'repl-ack',
  'resync-request',
  'sync-state-ok',
);
/** What the witness receives besides the lease protocol: a primary's report of its standby. */
const WITNESS_MESSAGES = messageKinds<SyncState>('sync-state');

/** A data node: primary while it holds the lease, otherwise a standby following the primary. */
class DataNode implements Actor {
  private readonly peer: string;
  private readonly voter: LeaseVoter;
  private readonly lease: LeaseHolder;
  private readonly server: OrderServer;
  private readonly replica: StandbyReplica;
  private replicator: SyncReplicator | undefined;
  private readonly bootedAt: Micros;
  /** When a primary was last seen acting (its renewals or its stream). */
  private primarySeenAt = -Infinity;
  /** The witness has confirmed the standby's current sync state. */
  private witnessKnowsInSync = true;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.peer = PEER[ctx.id];
    this.bootedAt = ctx.monotonic();
    this.voter = new LeaseVoter(ctx, {
      leaseDuration: p.leaseDuration,
      safetyMargin: p.safetyMargin,
      recovering: ctx.bootCount > 0,
      mayGrantNewHolder: (_candidate, request) => this.logAtLeastAsGood(request),
      // not primary on our own vote: a candidate with a higher epoch and a log at least as
      // good as ours gets it (a restarted stale partner and the up-to-date one would
      // otherwise refuse each other for ever while the witness is down)
      yieldsOwnCandidacy: () => {
        if (this.lease.holding) return false;
        this.lease.abandon();
        return true;
      },
    });
    this.lease = new LeaseHolder(ctx, {
      voters: [this.peer, WITNESS],
      selfVoter: this.voter,
      leaseDuration: p.leaseDuration,
      renewInterval: p.renewInterval,
      safetyMargin: p.safetyMargin,
      logPosition: () => this.logPosition(),
      onAcquired: (epoch, grantedBy) => this.becomePrimary(epoch, grantedBy.includes(WITNESS)),
      onGrant: (voter, epoch) => {
        // the witness's first grant of an epoch resets its up-to-date list to this node alone,
        // so from then on acking without the standby cannot lead to a stale promotion
        const r = this.replicator;
        if (voter === WITNESS && r && epoch === this.lease.epoch && r.mode === 'sync' && !r.standbyCaughtUp) r.continueAlone();
      },
      onLost: () => this.stepDown('lease lost'),
    });
    this.replica = new StandbyReplica(ctx, {
      catchUp: true,
      onAppended: (entry) => this.server.learn(entry.orderId),
      onResynced: () => this.server.relearnLog(),
    });
    this.server = new OrderServer(ctx, {
      replicate: (entry, done, index) => (this.replicator ? this.replicator.replicate(entry, done, index) : done(false)),
      mayAct: () => this.lease.valid(),
      token: () => this.lease.epoch,
      // an I/O error on the primary's log: give the lease back so the standby takes over now
      onWriteFailed: () => this.lease.release(true),
    });
  }

  onStart(): void {
    this.server.becomeStandby(this.voter.promisedEpoch);
    if (this.ctx.id === PREFERRED && this.ctx.bootCount === 0) this.lease.acquire();
    this.ctx.setTimer(this.p.renewInterval, 'candidacy');
  }

  onMessage(from: string, msg: Msg): void {
    if (!DATA_NODE_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'order':
        this.server.handle(msg);
        return;
      case 'lease-release':
        this.voter.handle(from, msg);
        if (from === this.peer) this.primarySeenAt = -Infinity; // no need to wait out its lease
        return;
      case 'lease-request':
        this.voter.handle(from, msg);
        this.lease.observeEpoch(msg.epoch);
        if (this.voter.holder === from && from === this.peer && !this.server.primary) {
          this.primarySeenAt = this.ctx.monotonic();
          this.replica.follow(from, msg.epoch);
        }
        return;
      case 'lease-reply':
        this.lease.handle(from, msg);
        return;
      case 'repl-entry':
      case 'resync-reply':
      case 'repl-in-sync':
        if (this.server.primary) {
          // a newer primary exists: our lease must have lapsed unnoticed (cannot happen with sane clocks)
          if (msg.type === 'repl-entry' && msg.epoch > this.lease.epoch) this.lease.release();
          return;
        }
        this.primarySeenAt = this.ctx.monotonic();
        this.replica.handle(from, msg);
        return;
      case 'repl-ack':
      case 'resync-request':
        this.replicator?.handle(from, msg);
        return;
      case 'sync-state-ok':
        this.onWitnessConfirmed(msg);
        return;
    }
  }

  onTimer(kind: string, data: unknown): void {
    if (kind === 'candidacy') return this.candidacy();
    if (this.lease.onTimer(kind) || this.replica.onTimer(kind, data)) return;
    this.replicator?.onTimer(kind);
  }

  /** Every renewal interval: a standby that has heard no primary for a lease tries to take it. */
  private candidacy(): void {
    this.ctx.setTimer(this.p.renewInterval, 'candidacy');
    const now = this.ctx.monotonic();
    if (this.server.primary) {
      this.tellWitnessSyncState(); // repeats until the witness has confirmed
      return;
    }
    if (this.lease.state !== 'idle' || !this.voter.free() || this.diskBroken()) return;
    if (now - this.primarySeenAt < this.p.leaseDuration) return;
    if (now - this.bootedAt < this.p.leaseDuration && !(this.ctx.id === PREFERRED && this.ctx.bootCount === 0)) return;
    this.lease.acquire();
  }

  private becomePrimary(epoch: number, witnessGranted: boolean): void {
    this.replica.stop();
    // The witness resets its list of up-to-date standbys to the new holder when it grants a
    // new lease, so a primary elected with the witness may start without its standby; one
    // elected by its peer alone must wait for it (the witness may still count the peer as
    // up to date).
    this.replicator = new SyncReplicator(this.ctx, {
      peer: this.peer,
      epoch,
      startAlone: witnessGranted,
      stallTimeout: this.p.syncStallTimeout,
      stallPolicy: 'block',
      onStalled: () => this.tellWitnessSyncState(),
      onCaughtUp: () => {
        this.witnessKnowsInSync = false;
        this.tellWitnessSyncState();
      },
    });
    this.witnessKnowsInSync = false;
    this.server.becomePrimary(epoch);
    this.ctx.takeVip();
  }

  private stepDown(reason: string): void {
    this.ctx.note(`stepping down: ${reason}`);
    this.replicator?.stop();
    this.replicator = undefined;
    this.ctx.releaseVip();
    this.server.becomeStandby(this.lease.epoch);
    this.replica.start();
    this.primarySeenAt = this.ctx.monotonic(); // give the new primary a lease before competing
  }

  /**
   * Keeps the witness's view of the standby right: out of date before acking without it
   * (asked when replication stalls, repeated until confirmed), up to date again once it has
   * caught up.
   */
  private tellWitnessSyncState(): void {
    const r = this.replicator;
    if (!r || r.mode !== 'sync') return;
    if (r.stalled) this.sendSyncState(false);
    else if (r.standbyCaughtUp && !this.witnessKnowsInSync) this.sendSyncState(true);
  }

  private sendSyncState(inSync: boolean): void {
    const msg: SyncState = { type: 'sync-state', epoch: this.lease.epoch, standby: this.peer, inSync };
    this.ctx.send(WITNESS, msg);
  }

  private onWitnessConfirmed(msg: SyncState): void {
    const r = this.replicator;
    if (!r || msg.epoch !== this.lease.epoch) return;
    if (msg.inSync) {
      this.witnessKnowsInSync = true;
    } else if (r.mode === 'sync') {
      this.ctx.note(`witness marked ${this.peer} out of date: continuing alone`);
      r.continueAlone();
    }
  }

  /** The local log cannot take writes (I/O errors, no space): this node must not lead. */
  private diskBroken(): boolean {
    return this.ctx.disk.failed || this.ctx.disk.full;
  }

  private logPosition(): { lastTerm: number; length: number } {
    const log = this.ctx.disk.entries;
    return { lastTerm: log.length ? (log[log.length - 1].term ?? 0) : 0, length: log.length };
  }

  /** Raft's up-to-date rule: a candidate's log must be at least as recent as ours. */
  private logAtLeastAsGood(request: LeaseRequest): boolean {
    const mine = this.logPosition();
    return request.lastTerm > mine.lastTerm || (request.lastTerm === mine.lastTerm && request.length >= mine.length);
  }
}

const ELIGIBLE_KEY = 'witness.upToDate';

/** The witness: a vote, and the list of data nodes known to hold every acked order. */
class Witness implements Actor {
  private readonly voter: LeaseVoter;

  constructor(
    private readonly ctx: NodeContext,
    p: Params,
  ) {
    this.voter = new LeaseVoter(ctx, {
      leaseDuration: p.leaseDuration,
      safetyMargin: p.safetyMargin,
      recovering: ctx.bootCount > 0,
      mayGrantNewHolder: (candidate) => this.upToDate().includes(candidate),
      // a new primary acks alone at first: until it says otherwise, only it is up to date
      onNewHolder: (holder) => this.setUpToDate([holder]),
    });
  }

  onStart(): void {
    this.ctx.declareRole('witness', 0);
  }

  onMessage(from: string, msg: Msg): void {
    if (this.voter.handle(from, msg)) return;
    if (!WITNESS_MESSAGES.has(msg)) return;
    const state = msg;
    if (from !== this.voter.holder || state.epoch !== this.voter.holderEpoch) return;
    const others = this.upToDate().filter((n) => n !== state.standby);
    this.setUpToDate(state.inSync ? [...others, state.standby] : others);
    this.ctx.send(from, { ...state, type: 'sync-state-ok' });
  }

  private upToDate(): string[] {
    return (this.ctx.disk.get(ELIGIBLE_KEY) as string[] | undefined) ?? [...DATA_NODES];
  }

  private setUpToDate(nodes: string[]): void {
    this.ctx.disk.put(ELIGIBLE_KEY, nodes);
  }
}

export default defineDesign({
  name: 'hot-standby-witness',
  description: 'hot standby with a witness: majority lease (peer or witness), synchronous replication, VIP; SQL Server mirroring style',
  params,
  topology: (p) => ({
    nodes: [
      { id: 'a', rack: 'r1', supervisedRestart: p.restartSec },
      { id: 'b', rack: 'r2', supervisedRestart: p.restartSec },
      { id: WITNESS, rack: 'r3', supervisedRestart: p.restartSec, serving: false },
    ],
    routing: { kind: 'vip', garpCount: p.garpCount, garpInterval: p.garpInterval, arpCacheTtl: p.arpCacheTtl },
  }),
  createNode: (ctx, p) => (ctx.id === WITNESS ? new Witness(ctx, p) : new DataNode(ctx, p)),
  // one data node, and two of the three votes (the witness's included)
  estimate: {
    structure: { all: [{ atLeast: 1, of: ['a', 'b'] }, { atLeast: 2, of: ['a', 'b', 'w'] }] },
    standby: { need: 1, of: ['a', 'b'] },
    staysDown:
      "a data node that returns while its partner is down stays standby when it is out of date (its partner acked orders without it after it failed): promoting it would lose them, so the service waits for the partner's repair, as SQL Server mirroring does (a mirror that is not SYNCHRONIZED cannot fail over; only an operator's forced service, with data loss, would serve).",
  },
});
