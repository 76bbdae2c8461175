/**
 * One node of the hot-standby-stonith design (models/hot-standby-stonith.ts says what it
 * models and cites the real systems): Corosync's membership and quorum, Pacemaker's controller
 * (lost nodes held unclean and fenced, the resources started only after a confirmed fence),
 * the resource group (DRBD primary, the trading service, the VIP) and its monitor, a graceful
 * stop, and DRBD's replication and data generation. The parts it wires: corosync-cluster.ts,
 * stonith.ts, pacemaker-unclean.ts, pacemaker-placement.ts (the DC and where the resources
 * start), pacemaker-resource.ts, pacemaker-shutdown.ts, pacemaker-timing.ts, drbd-peers.ts,
 * drbd-generation.ts, standby-replica.ts and qnetd.ts (the arbiter's client).
 */
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { MS, type Micros } from '../sim/time.ts';
import { perNode } from '../world/params.ts';
import { OrderServer } from './order-server.ts';
import { DrbdPeers } from './drbd-peers.ts';
import { StandbyReplica } from './standby-replica.ts';
import { CorosyncMembership, MEMBERSHIP_KINDS } from './corosync-membership.ts';
import { corosyncFor } from './corosync-cluster.ts';
import { PacemakerShutdown, SHUTDOWN_STOPPED_TIMER } from './pacemaker-shutdown.ts';
import { CONTROLLER_MESSAGE_KINDS, FENCED_NOTICES, START_REQUESTS, type FencedNotice, type PeerView, type StartRequest } from './pacemaker-view.ts';
import { HEARTBEAT_KINDS, HEARTBEAT_THREAD } from './heartbeat.ts';
import { STONITH_TIMER_KINDS, Stonith } from './stonith.ts';
import { UncleanNodes } from './pacemaker-unclean.ts';
import { PacemakerResource, RESOURCE_OPERATION_KINDS } from './pacemaker-resource.ts';
import type { QdeviceClient } from './qnetd.ts';
import { PacemakerClock } from './pacemaker-timing.ts';
import { ResourcePlacement, STARTED_TIMER } from './pacemaker-placement.ts';
import { ARBITER, DRBD_THREAD, SERVICE, pacemakerNodeIds, type PacemakerConfig } from './pacemaker-config.ts';
import { DrbdGeneration } from './drbd-generation.ts';

/** Beats carry each node's Pacemaker state this often (its CPG messages are immediate; this is resolution). */
const TOKEN_SAMPLE: Micros = 100 * MS;
/** Nothing acks without the peers while they are in the membership; stalls only wait. */
const STALL_CHECK: Micros = 10_000 * MS;
/** How often quorum is re-evaluated and the partition reported to the arbiter. */
const QUORUM_TICK: Micros = 1_000 * MS;

export class PacemakerNode implements Actor {
  /** Every other node of the cluster, in order of preference. */
  private readonly peers: readonly string[];
  private readonly order: readonly string[];
  private readonly membership: CorosyncMembership;
  private readonly stonith: Stonith;
  private readonly qdevice: QdeviceClient | undefined;
  private wasQuorate: boolean | undefined;
  /** The trading service's context: inert once that process dies (the order server uses it). */
  private svc: NodeContext;
  private server!: OrderServer;
  private readonly replica: StandbyReplica;
  /** The primary's synchronous stream to each other node (DRBD 9 protocol C: every peer). */
  private readonly drbd: DrbdPeers;
  /** The last view heard from each member (dropped when it leaves the membership). */
  private readonly views = new Map<string, PeerView>();
  /** Nodes that left the membership and are not fenced yet: nothing of theirs may move (pacemaker-unclean.ts). */
  private readonly unclean: UncleanNodes;
  /** Who is DC, and where the resources start when nobody runs them (pacemaker-placement.ts). */
  private readonly placement: ResourcePlacement;
  /** This node's Pacemaker times, drawn from its stream (pacemaker-timing.ts). */
  private readonly clock: PacemakerClock;
  /** DRBD UpToDate: the primary said this standby holds every acked order (reset at boot). */
  private upToDate = false;
  /** DRBD's data generation here, and the newest seen on any node (drbd-generation.ts). */
  private readonly generation: DrbdGeneration;
  /** The resource's monitor operation and recovery here (pacemaker-resource.ts). */
  private readonly resource: PacemakerResource;
  /** SIGTERM to pacemakerd here, and the handover asked of the members (pacemaker-shutdown.ts). */
  private readonly shutdown: PacemakerShutdown;
  /** Nodes lost while this node was already the DC: its round to fence them is `dcTransitionDelay`'s. */
  private readonly lostWhileDc = new Set<string>();
  /** Whether a node has reported high load to this DC in this run (`highLoadShare`), drawn when first needed. */
  private highLoad: boolean | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: PacemakerConfig,
  ) {
    this.order = pacemakerNodeIds(p.nodes);
    this.clock = new PacemakerClock(ctx, p);
    this.unclean = new UncleanNodes(ctx);
    this.drbd = new DrbdPeers(ctx);
    this.generation = new DrbdGeneration(ctx);
    this.peers = this.order.filter((n) => n !== ctx.id);
    const n = this.order.length;
    ({ membership: this.membership, qdevice: this.qdevice } = corosyncFor(
      ctx,
      {
        peers: this.peers,
        token: p.token,
        tokenCoefficient: p.tokenCoefficient,
        consensus: p.consensus,
        tokenRetransmitsBeforeLossConst: p.tokenRetransmitsBeforeLossConst,
        twoNode: p.twoNode,
        waitForAll: p.waitForAll,
        beatInterval: TOKEN_SAMPLE,
        arbiter: p.quorumDevice !== 'none' ? ARBITER : undefined,
        qdeviceTimeout: p.qdeviceTimeout,
      },
      {
        payload: () => this.view(),
        onPeerState: (peer, view) => this.onPeerView(peer, view as unknown as PeerView),
        onMemberLost: (peer) => this.onMemberLost(peer),
        onMemberJoined: () => this.placement.decide(),
        onMemberLeft: (peer) => this.onMemberLeft(peer),
      },
    ));
    const delays = (list: string | number | boolean, name: string) => Object.fromEntries(perNode(list, n, name).map((d, i) => [this.order[i], d]));
    this.stonith = new Stonith(ctx, {
      action: p.stonithAction as 'reboot' | 'off',
      // the round that leads to fencing a lost node: the sitting DC's own, or one after a DC election
      requestDelay: (target) => this.clock.round(this.lostWhileDc.has(target)),
      // fence_ipmilan: its start, the status query, the off; after the off, power_wait and a
      // status poll, and for a reboot the on, power_wait and a poll again (fencing.py)
      agentTime: () => this.clock.operation(p.fenceAgentTime) + this.clock.operation(p.ipmiCommandTime) + this.clock.operation(p.ipmiCommandTime),
      confirmTime: () => {
        const off = p.fencePowerWait + this.clock.operation(p.ipmiCommandTime);
        return p.stonithAction === 'reboot' ? off + this.clock.operation(p.ipmiCommandTime) + p.fencePowerWait + this.clock.operation(p.ipmiCommandTime) : off;
      },
      stonithTimeout: p.stonithTimeout,
      // the delays belong to the device that fences each node
      pcmkDelayBase: delays(p.pcmkDelayBase, 'pcmkDelayBase'),
      pcmkDelayMax: delays(p.pcmkDelayMax, 'pcmkDelayMax'),
      priorityFencingDelay: p.priorityFencingDelay,
      maxAttempts: p.stonithMaxAttempts,
      retryInterval: p.fenceRetryInterval,
      onFenced: (target) => this.onFenced(target, true),
    });
    this.replica = new StandbyReplica(ctx, {
      catchUp: true,
      onAppended: (entry) => this.server.learn(entry.orderId),
      onResynced: (_primary, epoch) => {
        this.server.relearnLog();
        this.generation.raiseTo(epoch); // DRBD: after a resync the secondary carries the primary's generation
      },
      onInSync: () => {
        this.upToDate = true;
      },
    });
    this.svc = ctx.forProcess(SERVICE);
    this.buildService();
    this.resource = new PacemakerResource(ctx, {
      service: SERVICE,
      monitorInterval: p.monitorInterval,
      monitorTimeout: p.monitorTimeout,
      migrationThreshold: p.migrationThreshold,
      resourceStopTime: () => this.clock.operation(p.resourceStopTime),
      resourceStopTimeout: p.resourceStopTimeout,
      resourceStartTime: () => this.clock.operation(p.resourceStartTime),
      stonithEnabled: p.stonithEnabled,
      serviceContext: () => this.svc,
      runsHere: () => this.server.primary,
      transitionDelay: () => this.clock.round(),
      moveAway: (reason) => this.stopResources(reason),
    });
    this.shutdown = new PacemakerShutdown(ctx, {
      resourceStopTime: () => this.clock.operation(p.resourceStopTime),
      members: () => this.membership.members,
      runsResources: () => this.server.primary,
      transitionDelay: () => this.clock.round(),
      stopHere: (reason) => {
        this.stopResources(reason);
        this.replica.stop(); // DRBD brought down: a clean disconnect
      },
      ownView: () => this.ownView(),
      leave: () => this.membership.leave(),
      onPeerShutdown: (peer, view) => this.onShutdownRequest(peer, view),
    });
    this.placement = new ResourcePlacement(ctx, {
      order: this.order,
      peers: this.peers,
      members: () => this.membership.members,
      views: this.views,
      ownView: () => this.ownView(),
      ineligibleHere: () => this.shutdown.requested || this.resource.stopFailed,
      blocked: () => this.shutdown.requested || this.server.primary || this.unclean.size > 0 || !this.mayAct() || !this.membership.quorate(),
      diskOk: () => this.diskOk(),
      startRequestPatience: () => QUORUM_TICK + p.resourceStartTime,
      // a throttled DC runs one action at a time: the fenced node's device starts before the
      // resources, otherwise beside them (controld_throttle.c, pcmk_graph_consumer.c batch-limit)
      startTime: (afterFence) => this.clock.operation(p.resourceStartTime) + (afterFence && this.throttled() ? this.clock.operation(p.fenceDeviceStartTime) : 0),
      promote: (out) => this.promote(this.generation.next(), out),
      askToStart: (node) => this.ctx.send(node, { type: 'pcmk-start' } satisfies StartRequest),
    });
  }

  /** The trading service's order server, for this life of its process. */
  private buildService(): void {
    this.server = new OrderServer(this.svc, {
      replicate: (entry, done, index) => this.drbd.replicate(entry, done, index),
      // the resource fails on an I/O error and is stopped here; a peer starts it (no fencing:
      // the stop succeeded and this node is still in the membership)
      onWriteFailed: () => this.stopResources('local disk failed'),
    });
  }

  onStart(): void {
    this.placement.booted();
    this.server.becomeStandby(this.epoch);
    this.membership.start();
    if (this.qdevice || this.p.noQuorumPolicy !== 'stop' || this.order.length > 2) this.ctx.setTimer(QUORUM_TICK, 'quorum-tick');
    // A run begins with the cluster formed and the resources on the preferred node; its peers
    // are not UpToDate until their first resync, so acks need not wait for them meanwhile.
    // After a reboot, wait_for_all holds everything until the peer is seen, then `decide`.
    if (this.ctx.bootCount === 0 && this.ctx.id === this.order[0]) this.promote(this.generation.next(), this.peers);
  }

  threadOf(kind: string): string {
    const clusterStack =
      RESOURCE_OPERATION_KINDS.has(kind) ||
      HEARTBEAT_KINDS.has(kind) || MEMBERSHIP_KINDS.has(kind) || STONITH_TIMER_KINDS.has(kind) || kind === 'fence-result' || kind === STARTED_TIMER || kind === SHUTDOWN_STOPPED_TIMER || kind === 'quorum-tick' || kind === 'qdevice-vote' || CONTROLLER_MESSAGE_KINDS.has(kind);
    // the secondary's side of replication is DRBD in the kernel, neither the trading service nor
    // the cluster stack: the standby goes on writing and acking whichever of them is deadlocked or killed
    if (STANDBY_REPLICATION_KINDS.has(kind)) return DRBD_THREAD;
    return clusterStack ? HEARTBEAT_THREAD : 'main';
  }

  onMessage(from: string, msg: Msg): void {
    if (this.membership.handle(from, msg) || this.server.handle(msg)) return;
    if (this.qdevice?.handle(msg)) return this.onQuorumChange();
    if (FENCED_NOTICES.has(msg)) return this.onFenced(msg.target, false);
    if (START_REQUESTS.has(msg)) return this.placement.startIfFree();
    if (this.shutdown.handle(from, msg)) return;
    if (this.drbd.handle(from, msg)) return;
    if (!this.server.primary) this.replica.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    if (kind === SHUTDOWN_STOPPED_TIMER) return this.shutdown.stopped();
    if (this.resource.onTimer(kind, data)) return;
    if (kind === STARTED_TIMER) return this.placement.started();
    if (kind === 'quorum-tick') {
      this.ctx.setTimer(QUORUM_TICK, 'quorum-tick');
      this.qdevice?.report();
      return this.onQuorumChange();
    }
    if (this.membership.onTimer(kind, data) || this.stonith.onTimer(kind, data) || this.replica.onTimer(kind, data)) return;
    this.drbd.onTimer(kind);
  }

  /** This node's data generation (durable). */
  private get epoch(): number {
    return this.generation.current;
  }

  private diskOk(): boolean {
    return !this.ctx.disk.failed && !this.ctx.disk.full;
  }

  private ownView(): PeerView {
    const log = this.ctx.disk.entries;
    if (!this.diskOk()) this.upToDate = false;
    return {
      primary: this.server.primary,
      diskOk: this.diskOk(),
      upToDate: this.upToDate,
      boots: this.ctx.bootCount,
      unclean: this.unclean.list(),
      epoch: this.epoch,
      lastTerm: log.length ? (log[log.length - 1].term ?? 0) : 0,
      length: log.length,
      shutdown: this.shutdown.requested,
      banned: this.resource.banned,
      stopFailed: this.resource.stopFailed,
    };
  }

  private view(): Record<string, unknown> {
    return { ...this.ownView() };
  }

  private onPeerView(peer: string, view: PeerView): void {
    if (!this.membership.members.has(peer) && this.unclean.has(peer)) return; // a lost node's late beat
    this.views.set(peer, view);
    if (view.stopFailed) this.onStopFailed(peer);
    this.unclean.heard(peer);
    // an unclean node back in the membership with a restarted stack runs nothing: it is clean
    if (this.unclean.rejoinedRestarted(peer, view.boots, view.primary)) {
      this.ctx.note(`${peer} rejoined after a restart: no longer unclean`);
      this.stonith.cancel(peer);
    }
    this.generation.seen(view.epoch);
    if (view.primary && !this.server.primary && !this.shutdown.requested) this.replica.follow(peer, view.epoch);
    // DRBD: a peer whose disk failed is Diskless; the primary goes on without it
    if (!view.diskOk && this.server.primary) this.drbd.peerDiskless(peer);
    this.placement.decide();
  }

  /**
   * Whether this DC runs its transitions one action at a time: some node's controller has
   * reported high load (its load average above load-threshold 80 % x 2.0 per core, checked every
   * 30 s and broadcast on a change), and the DC caps the transition's batch limit at
   * max(1, peers / 2) (controld_throttle.c throttle_get_total_job_limit; the graph runs no more
   * synapses at once, pcmk_graph_consumer.c). Drawn once a run with `highLoadShare`.
   */
  private throttled(): boolean {
    const share = this.p.highLoadShare;
    if (share <= 0 || share >= 1) return share >= 1;
    this.highLoad ??= this.ctx.rng.float() < share;
    return this.highLoad;
  }

  /** Whether this node may act as a cluster: quorate, or told to ignore quorum. */
  private mayAct(): boolean {
    return this.p.noQuorumPolicy === 'ignore' || this.membership.quorate();
  }

  /** Quorum may have changed: apply no-quorum-policy, or resume what waited for quorum. */
  private onQuorumChange(): void {
    const quorate = this.membership.quorate();
    if (quorate !== this.wasQuorate) {
      this.ctx.note(`votequorum: ${quorate ? 'quorate' : 'not quorate'}`);
      this.wasQuorate = quorate;
    }
    if (!quorate && this.p.noQuorumPolicy === 'stop') this.stopResources('quorum lost (no-quorum-policy=stop)');
    if (!this.mayAct()) return;
    this.fenceUnclean();
    this.placement.decide();
  }

  /** The DC fences the nodes it or any member holds unclean, once this partition may act (Pacemaker fences only with quorum). */
  private fenceUnclean(): void {
    if (!this.p.stonithEnabled || !this.placement.isDc()) return;
    const membersUnclean = [...this.membership.members].map((member) => this.views.get(member)?.unclean ?? []);
    // a member's view lags a beat behind a fence just confirmed
    this.unclean.fenceAll(this.stonith, this.ctx.id, membersUnclean, QUORUM_TICK);
  }

  /** SIGTERM to pacemakerd: the resources move off this node, then it leaves (pacemaker-shutdown.ts). */
  onStop(_process: string | undefined, exit: () => void): void {
    this.shutdown.request(exit);
  }

  /** A member is shutting down: record it and run the transition (start the resources elsewhere). */
  private onShutdownRequest(peer: string, view: PeerView): void {
    this.views.set(peer, view);
    if (this.server.primary) this.drbd.continueAlone(peer); // its DRBD went down cleanly
    this.placement.decide();
  }

  /** A member left cleanly (its corosync stopped): nothing to fence, its resources were moved. */
  private onMemberLeft(peer: string): void {
    this.views.delete(peer);
    if (this.server.primary) this.drbd.continueAlone(peer);
    else this.placement.decide();
  }

  private onMemberLost(peer: string): void {
    // lost after it asked to shut down, its resources stopped: expected down, not fenced
    if (this.placement.shuttingDown(peer) && !this.views.get(peer)?.primary) return this.onMemberLeft(peer);
    const ranResources = this.views.get(peer)?.primary === true;
    const boots = this.views.get(peer)?.boots ?? 0;
    this.views.delete(peer);
    if (!this.p.stonithEnabled) {
      // no fencing: act on the membership alone
      if (this.server.primary) this.drbd.continueAlone(peer);
      else this.placement.decide();
      return;
    }
    if (this.unclean.fencedSinceHeard(peer)) {
      // the DC fenced it before this node's own membership change: nothing to wait for
      if (this.server.primary) this.drbd.continueAlone(peer);
      else this.placement.decide();
      return;
    }
    this.unclean.add(peer, ranResources, boots);
    // a node that was the DC before this loss (the lost one came after it) needs no election
    if (this.order.indexOf(this.ctx.id) < this.order.indexOf(peer) && this.placement.isDc()) this.lostWhileDc.add(peer);
    else this.lostWhileDc.delete(peer);
    if (this.mayAct()) this.fenceUnclean();
    else this.ctx.note(`no quorum: not fencing ${peer}`);
    // a partition that lost quorum applies no-quorum-policy at the membership change
    if (this.order.length > 2) this.onQuorumChange();
  }

  /** `target` is confirmed down: by this node's own fence (then tell the partition) or the DC's notice. */
  private onFenced(target: string, byMe: boolean): void {
    const wasUnclean = this.unclean.fenced(target);
    this.placement.fenced();
    if (byMe) for (const member of this.membership.members) this.ctx.send(member, { type: 'pcmk-fenced', target } satisfies FencedNotice);
    if (!wasUnclean) return;
    if (this.server.primary) {
      this.ctx.note(`${target} fenced: continuing without it`);
      this.drbd.continueAlone(target);
      return;
    }
    if (this.unclean.size === 0 && !this.upToDate && this.placement.isDc()) this.ctx.note(`${target} fenced, but this node is not UpToDate: resources stay stopped unless an UpToDate node starts them`);
    this.placement.decide();
  }

  /** Stops the resource group here (a failed resource): VIP released, no more acks. */
  private stopResources(reason: string): void {
    if (!this.server.primary) return;
    this.ctx.note(`stopping resources: ${reason}`);
    this.resource.stopped();
    this.drbd.stop();
    this.ctx.releaseVip();
    this.server.becomeStandby(this.epoch);
    this.replica.start();
  }

  /**
   * Starts the resource group here: DRBD primary (new generation), the service, the VIP.
   * `out`: peers fenced, lost or diskless, whom acks cannot wait for.
   */
  private promote(epoch: number, out: readonly string[]): void {
    this.generation.raiseTo(epoch);
    this.upToDate = true; // DRBD: the primary's disk is UpToDate, and stays so once it steps down
    this.replica.stop();
    this.drbd.start(this.peers, epoch, out, STALL_CHECK);
    // the start operation starts the service (it does not run where the resource is stopped)
    if (!this.ctx.processRunning(SERVICE) && !this.ctx.startProcess(SERVICE)) this.ctx.note('the service did not start');
    this.server.becomePrimary(epoch);
    this.ctx.takeVip();
    this.resource.started();
  }

  /**
   * A member's stop failed: the DC fences it (it still holds the resource, which may not start
   * elsewhere before); without fencing nothing moves (on-fail=block).
   */
  private onStopFailed(peer: string): void {
    if (!this.p.stonithEnabled || this.unclean.has(peer)) return;
    this.ctx.note(`${peer}: stop of the resource failed, fencing it`);
    this.unclean.add(peer, true, this.views.get(peer)?.boots ?? 0);
    if (this.mayAct()) this.fenceUnclean();
  }

  /**
   * The service's process died (killed, or stopped by the recovery): its orders are refused
   * by the kernel until it runs again. Pacemaker does not notice by itself: its next monitor
   * does.
   */
  onProcessExit(process: string): void {
    if (process === SERVICE && this.server.primary) this.ctx.declareRole('down', this.epoch);
  }

  /** The service started again (by the recovery, a promotion, or an operator): a new life of its order server. */
  onProcessStart(process: string): void {
    if (process !== SERVICE) return;
    const primary = this.server.primary;
    this.svc = this.ctx.forProcess(SERVICE);
    this.buildService();
    if (primary) this.server.becomePrimary(this.epoch);
    else this.server.becomeStandby(this.epoch);
  }
}

/** What the secondary's replication handles (the primary's stream, a resync, its retry timer). */
const STANDBY_REPLICATION_KINDS: ReadonlySet<string> = new Set(['repl-entry', 'resync-reply', 'repl-in-sync', 'resync-retry']);
