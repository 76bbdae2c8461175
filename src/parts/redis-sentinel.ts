/**
 * Redis Sentinel 7 (sentinel.c) monitoring one master ("mymaster") and its replicas.
 *
 *   every tick (10-19 Hz): PING each instance every 1 s, INFO every 10 s (1 s for replicas while
 *   the master is ODOWN or failing over), hello to the other Sentinels every 2 s
 *   no valid reply for down-after-milliseconds since the first unanswered PING -> SDOWN
 *   SDOWN here + `is-master-down-by-addr` replies -> quorum Sentinels agree -> ODOWN
 *   ODOWN -> new epoch, ask for votes; a majority (and at least quorum) elects one leader
 *   leader: pick a replica (replica-priority, then offset, then run id) -> REPLICAOF NO ONE ->
 *   INFO shows it master -> REPLICAOF new to the other replicas -> +switch-master
 *   the others learn the new master, with its config epoch, from hello messages
 *
 * A node that reports itself master while the configuration says replica (the old master,
 * back after a partition or a restart) is sent REPLICAOF the current master once it has looked
 * sane for 8 s: it then full-resyncs and loses what it accepted meanwhile. A replica of another
 * master is re-pointed (+fix-slave-config) only after failover-timeout with no change and no
 * SDOWN, so a Sentinel with a stale configuration does not pull replicas back at once.
 *
 * Times are compared on the wall clock (`mstime()`), so a clock jump looks like time passing;
 * that is what TILT is for: a tick more than 2 s after the previous one (or before it) enters
 * TILT for 30 s, during which the Sentinel keeps monitoring but neither marks anything down,
 * reports the master down to others, nor acts on INFO. A long pause of the Sentinel does the
 * same. A Sentinel that voted for another in an epoch, or whose failover was aborted, waits
 * 2 x failover-timeout before starting its own failover of that master.
 *
 * Clients ask it `SENTINEL get-master-addr-by-name` (`discover`: the configured master, with
 * whether this Sentinel sees it SDOWN or ODOWN, as `SENTINEL MASTERS` flags show redis-py) and
 * subscribe to `+switch-master` (Jedis), which it publishes when it switches its configuration.
 *
 * Left out: discovery of replicas and Sentinels (both lists are configured), hello messages
 * travelling through the Redis instances' pub/sub (they go Sentinel to Sentinel), scripts,
 * TCP link state (a dead link is seen only as unanswered PINGs),
 * and a master reporting itself replica.
 */
import { SECOND, type Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { randomRunId, type RedisInfo } from './redis-server.ts';
import { SENTINEL_MESSAGES, type IsMasterDown, type IsMasterDownReply, type SentinelHello } from './sentinel-messages.ts';
import {
  ASK_PERIOD, DEFAULT_HZ, ELECTION_TIMEOUT, HELLO_PERIOD, INFO_PERIOD, MAX_DESYNC, PING_PERIOD, SLAVE_RECONF_TIMEOUT, TILT_PERIOD, TILT_TRIGGER,
  selectSlave, type FailoverState, type Instance, type Link, type Peer, type Persisted, type SentinelConfig,
} from './sentinel-state.ts';
import { emitsProbe } from '../world/probes.ts';
import { ELECTION_WON as SHARED_WON, PROMOTE_BEGIN as SHARED_PROMOTE, SENTINEL_ODOWN as SHARED_ODOWN, SENTINEL_TILT as SHARED_TILT } from './common-probes.ts';

const ELECTION_WON = emitsProbe(import.meta.url, SHARED_WON);
const PROMOTE_BEGIN = emitsProbe(import.meta.url, SHARED_PROMOTE);
const SENTINEL_ODOWN = emitsProbe(import.meta.url, SHARED_ODOWN);
const SENTINEL_TILT = emitsProbe(import.meta.url, SHARED_TILT);

export class RedisSentinel implements Actor {
  private conf!: Persisted;
  private readonly instances = new Map<string, Instance>();
  private readonly peers = new Map<string, Peer>();
  private tilt = false;
  private tiltStartUs = 0;
  private previousTickUs: Micros | undefined;
  private odown = false;
  private failoverState: FailoverState = 'none';
  private failoverEpoch = 0;
  /** When the last failover of this master started (or a vote for another was cast); -Infinity: never. */
  private failoverStartUs = -Infinity;
  private stateChangeUs = 0;
  private promoted: string | undefined;
  /** Clients subscribed to +switch-master (volatile: a restart loses them, clients renew). */
  private readonly subscribers = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: SentinelConfig,
  ) {}

  onStart(): void {
    const saved = this.ctx.disk.get('sentinel-conf') as Persisted | undefined;
    this.conf = saved ? { ...saved } : { myId: randomRunId(this.ctx), currentEpoch: 0, masterAddr: this.config.initialMaster, configEpoch: 0, leader: undefined, leaderEpoch: 0 };
    this.save();
    const now = this.ctx.now();
    for (const node of this.config.redisNodes) this.instances.set(node, this.freshInstance(node, now));
    for (const node of this.config.sentinels) {
      if (node === this.ctx.id) continue;
      this.peers.set(node, { ...this.freshLink(node, now), masterDown: false, leader: undefined, leaderEpoch: 0, lastMasterDownReplyUs: 0, lastAskUs: 0, lastHelloUs: 0 });
    }
    if (!saved) this.drawPingPhase(now);
    this.scheduleTick();
  }

  /**
   * A Sentinel PINGs an instance a ping period after its last reply (sentinelSendPeriodicCommands:
   * `now - last_pong_time > ping_period`), so its PING phase is set by when it started
   * (createInstanceLink sets last_pong_time to the start; sentinelReconnectInstance PINGs on
   * connect) and then drifts with its randomised tick. Real Sentinels are started at unrelated
   * times, so their phases are independent; hasim boots every node at the same instant, which
   * would leave all Sentinels PINGing within a few ticks of each other for the first minutes,
   * and the Sentinels of a partition's majority would go SDOWN almost together (calibration:
   * sdown→odown after a partition, 143 ms in hasim against 250-440 ms real). So at the first
   * boot each Sentinel's phase is drawn uniformly over one ping period, as if it had been
   * running a while; a restart (saved configuration on disk) starts afresh, as the real one does.
   */
  private drawPingPhase(now: Micros): void {
    const lastPongUs = now - this.ctx.rng.int(PING_PERIOD);
    for (const link of [...this.instances.values(), ...this.peers.values()]) link.lastPongUs = lastPongUs;
  }

  onMessage(from: string, msg: Msg): void {
    const now = this.ctx.now();
    if (!SENTINEL_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'sentinel-ping':
        return this.ctx.send(from, { type: 'sentinel-pong' });
      case 'sentinel-pong': {
        const link = this.instances.get(from) ?? this.peers.get(from);
        if (link) {
          link.lastPongUs = link.lastAvailUs = now;
          link.actPingUs = 0;
        }
        return;
      }
      case 'sentinel-info-reply':
        return this.onInfo(from, msg.info, now);
      case 'sentinel-hello':
        return this.onHello(msg);
      case 'discover':
        return this.ctx.send(from, { type: 'discovered', node: this.conf.masterAddr, down: this.master.sdown || this.odown });
      case 'subscribe':
        this.subscribers.add(from);
        return;
      case 'is-master-down':
        return this.onIsMasterDown(from, msg, now);
      case 'is-master-down-reply': {
        const peer = this.peers.get(from);
        if (!peer) return;
        peer.lastMasterDownReplyUs = now;
        peer.masterDown = msg.down === true;
        if (msg.leader !== '*') {
          peer.leader = msg.leader;
          peer.leaderEpoch = msg.leaderEpoch;
        }
        return;
      }
    }
  }

  /**
   * The instance's process died on a live host: its connection is reset. The next tick
   * reconnects and sends a PING at once (sentinelReconnectInstance: "Send a PING ASAP when
   * reconnecting"), which starts the down timer if none was running, so SDOWN comes
   * down-after-milliseconds after the kill (calibrated against Redis 7.0: +52 ms median).
   */
  onConnectionReset(peer: string): void {
    const link = this.instances.get(peer) ?? this.peers.get(peer);
    if (link) link.disconnected = true;
  }

  onTimer(kind: string): void {
    if (kind !== 'sentinel-tick') return;
    this.tick();
    this.scheduleTick();
  }

  private scheduleTick(): void {
    const hz = DEFAULT_HZ + this.ctx.rng.int(DEFAULT_HZ);
    this.ctx.setTimer(Math.round(SECOND / hz), 'sentinel-tick');
  }

  private freshLink(node: string, now: Micros): Link {
    // createInstanceLink: a new link counts as pinged now, so a dead instance goes SDOWN after down-after
    return { node, actPingUs: now, lastPingUs: 0, lastPongUs: now, lastAvailUs: now, sdown: false, sdownSinceUs: 0, disconnected: false };
  }

  private freshInstance(node: string, now: Micros): Instance {
    return { ...this.freshLink(node, now), info: undefined, infoRefreshUs: 0, lastInfoSentUs: 0, roleReportedUs: now, slaveConfChangeUs: now, reconf: 'none', reconfSentUs: 0 };
  }

  private save(): void {
    this.ctx.disk.put('sentinel-conf', { ...this.conf });
  }

  private get master(): Instance {
    return this.instances.get(this.conf.masterAddr)!;
  }

  private get failoverInProgress(): boolean {
    return this.failoverState !== 'none';
  }

  // --- the timer ---------------------------------------------------------------------------

  private tick(): void {
    const now = this.ctx.now();
    if (this.previousTickUs !== undefined) {
      const delta = now - this.previousTickUs;
      if (delta < 0 || delta > TILT_TRIGGER) {
        if (!this.tilt) this.ctx.probe(SENTINEL_TILT);
        this.tilt = true;
        this.tiltStartUs = now;
        this.ctx.note(`sentinel: +tilt #tilt mode entered (timer delta ${Math.round(delta / 1000)} ms)`);
      }
    }
    this.previousTickUs = now;
    if (this.tilt && now - this.tiltStartUs >= TILT_PERIOD) {
      this.tilt = false;
      this.ctx.note('sentinel: -tilt #tilt mode exited');
    }
    if (!this.tilt) this.act(now);
    this.sendPeriodicCommands(now);
  }

  private act(now: Micros): void {
    for (const inst of this.instances.values()) this.checkSubjectivelyDown(inst, inst.node === this.conf.masterAddr ? 'master' : 'slave', now);
    for (const peer of this.peers.values()) this.checkSubjectivelyDown(peer, 'sentinel', now);
    this.checkObjectivelyDown(now);
    if (this.startFailoverIfNeeded(now)) this.askMasterState(true, now);
    this.failoverStateMachine(now);
    this.askMasterState(false, now);
    if (this.failoverState === 'update-config') this.switchMaster(this.promoted!, now);
  }

  private reconnect(link: Link, now: Micros): void {
    if (!link.disconnected) return;
    link.disconnected = false;
    if (link.actPingUs === 0) link.actPingUs = now;
    link.lastPingUs = now;
    this.ctx.send(link.node, { type: 'sentinel-ping' });
  }

  private sendPeriodicCommands(now: Micros): void {
    for (const link of this.instances.values()) this.reconnect(link, now);
    for (const link of this.peers.values()) this.reconnect(link, now);
    const fastInfo = this.odown || this.failoverInProgress;
    for (const inst of this.instances.values()) {
      const replica = inst.node !== this.conf.masterAddr;
      const infoPeriod = replica && (fastInfo || (inst.info?.linkDownUs ?? 0) > 0) ? SECOND : INFO_PERIOD;
      if (now - inst.infoRefreshUs > infoPeriod && now - inst.lastInfoSentUs > infoPeriod) {
        inst.lastInfoSentUs = now;
        this.ctx.send(inst.node, { type: 'sentinel-info' });
      }
      this.maybePing(inst, now);
    }
    for (const peer of this.peers.values()) {
      this.maybePing(peer, now);
      if (now - peer.lastHelloUs > HELLO_PERIOD) this.sendHello(peer, now);
    }
  }

  private maybePing(link: Link, now: Micros): void {
    const period = Math.min(this.config.downAfterUs, PING_PERIOD);
    if (now - link.lastPongUs > period && now - link.lastPingUs > period / 2) {
      if (link.actPingUs === 0) link.actPingUs = now;
      link.lastPingUs = now;
      this.ctx.send(link.node, { type: 'sentinel-ping' });
    }
  }

  private sendHello(peer: Peer, now: Micros): void {
    peer.lastHelloUs = now;
    const reconfiguring = this.failoverState === 'reconf-slaves' || this.failoverState === 'update-config';
    const master = reconfiguring && this.promoted ? this.promoted : this.conf.masterAddr;
    this.ctx.send(peer.node, { type: 'sentinel-hello', runId: this.conf.myId, currentEpoch: this.conf.currentEpoch, master, configEpoch: this.conf.configEpoch } satisfies SentinelHello);
  }

  // --- down detection ----------------------------------------------------------------------

  private checkSubjectivelyDown(link: Link, kind: string, now: Micros): void {
    const elapsed = link.actPingUs ? now - link.actPingUs : 0;
    if (elapsed > this.config.downAfterUs) {
      if (!link.sdown) {
        link.sdown = true;
        link.sdownSinceUs = now;
        this.ctx.note(`sentinel: +sdown ${kind} ${link.node}`);
      }
    } else if (link.sdown) {
      link.sdown = false;
      this.ctx.note(`sentinel: -sdown ${kind} ${link.node}`);
    }
  }

  private checkObjectivelyDown(now: Micros): void {
    let votes = 0;
    if (this.master.sdown) {
      votes = 1;
      for (const peer of this.peers.values()) if (peer.masterDown) votes++;
    }
    const odown = votes >= this.config.quorum;
    if (odown && !this.odown) this.ctx.probe(SENTINEL_ODOWN);
    if (odown && !this.odown) this.ctx.note(`sentinel: +odown master ${this.conf.masterAddr} #quorum ${votes}/${this.config.quorum}`);
    if (!odown && this.odown) this.ctx.note(`sentinel: -odown master ${this.conf.masterAddr}`);
    this.odown = odown;
    void now;
  }

  private askMasterState(forced: boolean, now: Micros): void {
    for (const peer of this.peers.values()) {
      if (now - peer.lastMasterDownReplyUs > 5 * ASK_PERIOD) {
        peer.masterDown = false;
        peer.leader = undefined;
      }
      if (!this.master.sdown) continue;
      if (!forced && (now - peer.lastMasterDownReplyUs < ASK_PERIOD || now - peer.lastAskUs < ASK_PERIOD)) continue;
      peer.lastAskUs = now;
      const runId = this.failoverInProgress ? this.conf.myId : '*';
      this.ctx.send(peer.node, { type: 'is-master-down', master: this.conf.masterAddr, epoch: this.conf.currentEpoch, runId } satisfies IsMasterDown);
    }
  }

  private onIsMasterDown(from: string, msg: IsMasterDown, now: Micros): void {
    const ours = msg.master === this.conf.masterAddr;
    const down = !this.tilt && ours && this.master.sdown;
    let leader: string | undefined;
    if (ours && msg.runId !== '*') leader = this.voteLeader(msg.epoch, msg.runId, now);
    this.ctx.send(from, { type: 'is-master-down-reply', down, leader: leader ?? '*', leaderEpoch: this.conf.leaderEpoch } satisfies IsMasterDownReply);
  }

  /** sentinelVoteLeader: one vote per epoch, to the first who asks. */
  private voteLeader(epoch: number, runId: string, now: Micros): string | undefined {
    if (epoch > this.conf.currentEpoch) {
      this.conf.currentEpoch = epoch;
      this.ctx.note(`sentinel: +new-epoch ${epoch}`);
    }
    if (this.conf.leaderEpoch < epoch && this.conf.currentEpoch <= epoch) {
      this.conf.leader = runId;
      this.conf.leaderEpoch = this.conf.currentEpoch;
      this.ctx.note(`sentinel: +vote-for-leader ${runId.slice(0, 8)} ${epoch}`);
      // having voted for another, do not start a failover of our own for a while
      if (runId !== this.conf.myId) this.failoverStartUs = now + this.ctx.rng.int(MAX_DESYNC);
    }
    this.save();
    return this.conf.leader;
  }

  // --- failover ----------------------------------------------------------------------------

  private startFailoverIfNeeded(now: Micros): boolean {
    if (!this.odown || this.failoverInProgress) return false;
    if (now - this.failoverStartUs < 2 * this.config.failoverTimeoutUs) return false;
    this.failoverState = 'wait-start';
    this.failoverEpoch = ++this.conf.currentEpoch;
    this.save();
    this.failoverStartUs = now + this.ctx.rng.int(MAX_DESYNC);
    this.stateChangeUs = now;
    this.ctx.note(`sentinel: +new-epoch ${this.failoverEpoch}; +try-failover master ${this.conf.masterAddr}`);
    return true;
  }

  private abortFailover(reason: string, now: Micros): void {
    this.ctx.note(`sentinel: -failover-abort-${reason}`);
    this.failoverState = 'none';
    this.stateChangeUs = now;
    this.promoted = undefined;
    for (const inst of this.instances.values()) inst.reconf = 'none';
  }

  private failoverStateMachine(now: Micros): void {
    switch (this.failoverState) {
      case 'wait-start': {
        if (this.getLeader(this.failoverEpoch, now) !== this.conf.myId) {
          if (now - this.failoverStartUs > Math.min(ELECTION_TIMEOUT, this.config.failoverTimeoutUs)) this.abortFailover('not-elected', now);
          return;
        }
        this.ctx.note(`sentinel: +elected-leader master ${this.conf.masterAddr} epoch ${this.failoverEpoch}`);
        this.ctx.probe(ELECTION_WON);
        this.failoverState = 'select-slave';
        this.stateChangeUs = now;
        return;
      }
      case 'select-slave': {
        const chosen = this.selectSlave(now);
        if (!chosen) return this.abortFailover('no-good-slave', now);
        this.ctx.note(`sentinel: +selected-slave ${chosen}`);
        this.ctx.probe(PROMOTE_BEGIN, chosen);
        this.promoted = chosen;
        this.failoverState = 'send-slaveof-noone';
        this.stateChangeUs = now;
        return;
      }
      case 'send-slaveof-noone': {
        const p = this.instances.get(this.promoted!)!;
        if (p.sdown) {
          if (now - this.stateChangeUs > this.config.failoverTimeoutUs) this.abortFailover('slave-timeout', now);
          return;
        }
        this.ctx.send(p.node, { type: 'sentinel-replicaof', master: null, epoch: this.failoverEpoch });
        this.ctx.note(`sentinel: +failover-state-wait-promotion ${p.node}`);
        this.failoverState = 'wait-promotion';
        this.stateChangeUs = now;
        return;
      }
      case 'wait-promotion':
        if (now - this.stateChangeUs > this.config.failoverTimeoutUs) this.abortFailover('slave-timeout', now);
        return;
      case 'reconf-slaves':
        this.reconfNextSlave(now);
        this.detectFailoverEnd(now);
        return;
      default:
        return;
    }
  }

  /** Instances other than the master and the promoted one: the replicas to reconfigure. */
  private otherReplicas(): Instance[] {
    return [...this.instances.values()].filter((i) => i.node !== this.conf.masterAddr && i.node !== this.promoted);
  }

  /** sentinelSelectSlave (sentinel-state.ts `selectSlave`) over this Sentinel's instances. */
  private selectSlave(now: Micros): string | undefined {
    return selectSlave([...this.instances.values()], this.master, this.conf.masterAddr, this.config.downAfterUs, now);
  }

  private reconfNextSlave(now: Micros): void {
    let inProgress = this.otherReplicas().filter((i) => i.reconf === 'sent' || i.reconf === 'inprog').length;
    for (const inst of this.otherReplicas()) {
      if (inst.reconf === 'done') continue;
      if ((inst.reconf === 'sent' || inst.reconf === 'inprog') && now - inst.reconfSentUs > SLAVE_RECONF_TIMEOUT) {
        this.ctx.note(`sentinel: -slave-reconf-sent-timeout ${inst.node}`);
        inst.reconf = 'done';
        continue;
      }
      if (inProgress >= this.config.parallelSyncs) break;
      if (inst.reconf !== 'none' || inst.sdown) continue;
      this.ctx.send(inst.node, { type: 'sentinel-replicaof', master: this.promoted, epoch: this.failoverEpoch });
      this.ctx.note(`sentinel: +slave-reconf-sent ${inst.node}`);
      inst.reconf = 'sent';
      inst.reconfSentUs = now;
      inProgress++;
    }
  }

  private detectFailoverEnd(now: Micros): void {
    if (this.instances.get(this.promoted!)!.sdown) return;
    let pending = this.otherReplicas().filter((i) => i.reconf !== 'done' && !i.sdown).length;
    const timedOut = now - this.stateChangeUs > this.config.failoverTimeoutUs;
    if (timedOut) pending = 0;
    if (pending > 0) return;
    this.ctx.note(`sentinel: +failover-end${timedOut ? ' (timeout)' : ''}`);
    this.failoverState = 'update-config';
    if (timedOut) {
      for (const inst of this.otherReplicas()) {
        if (inst.reconf !== 'done') this.ctx.send(inst.node, { type: 'sentinel-replicaof', master: this.promoted, epoch: this.failoverEpoch });
      }
    }
  }

  /** sentinelGetLeader: the runid with an absolute majority of votes (and at least quorum). */
  private getLeader(epoch: number, now: Micros): string | undefined {
    const votes = new Map<string, number>();
    for (const peer of this.peers.values()) {
      if (peer.leader !== undefined && peer.leaderEpoch === this.conf.currentEpoch) votes.set(peer.leader, (votes.get(peer.leader) ?? 0) + 1);
    }
    const best = (): [string | undefined, number] => {
      let winner: string | undefined;
      let max = 0;
      for (const [runId, n] of [...votes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (n > max) [winner, max] = [runId, n];
      }
      return [winner, max];
    };
    let [winner] = best();
    const myVote = this.voteLeader(epoch, winner ?? this.conf.myId, now);
    if (myVote !== undefined && this.conf.leaderEpoch === epoch) votes.set(myVote, (votes.get(myVote) ?? 0) + 1);
    let max: number;
    [winner, max] = best();
    const voters = this.peers.size + 1;
    if (winner !== undefined && (max < Math.floor(voters / 2) + 1 || max < this.config.quorum)) return undefined;
    return winner;
  }

  /** +switch-master: the promoted replica is the master; every other node is its replica. */
  private switchMaster(to: string, now: Micros): void {
    this.ctx.note(`sentinel: +switch-master mymaster ${this.conf.masterAddr} ${to}`);
    for (const client of this.subscribers) this.ctx.send(client, { type: 'switch-master', node: to });
    this.conf.masterAddr = to;
    this.save();
    this.odown = false;
    this.failoverState = 'none';
    this.failoverStartUs = -Infinity;
    this.promoted = undefined;
    for (const node of this.config.redisNodes) this.instances.set(node, this.freshInstance(node, now));
  }

  private onHello(msg: SentinelHello): void {
    const now = this.ctx.now();
    if (msg.currentEpoch > this.conf.currentEpoch) {
      this.conf.currentEpoch = msg.currentEpoch;
      this.save();
    }
    if (msg.configEpoch <= this.conf.configEpoch) return;
    this.conf.configEpoch = msg.configEpoch;
    this.save();
    const master = msg.master;
    if (master !== this.conf.masterAddr) {
      this.ctx.note(`sentinel: +config-update-from sentinel ${msg.runId.slice(0, 8)}`);
      this.switchMaster(master, now);
    }
  }

  // --- INFO --------------------------------------------------------------------------------

  private onInfo(from: string, info: RedisInfo, now: Micros): void {
    const inst = this.instances.get(from);
    if (!inst) return;
    inst.infoRefreshUs = now;
    if (inst.info?.role !== info.role) inst.roleReportedUs = now;
    if (inst.info !== undefined && inst.info.masterHost !== info.masterHost) inst.slaveConfChangeUs = now;
    inst.info = info;
    if (this.tilt || from === this.conf.masterAddr) return;
    const wait = 4 * HELLO_PERIOD;
    if (info.role === 'master') {
      if (this.failoverState === 'wait-promotion' && from === this.promoted) {
        this.conf.configEpoch = this.failoverEpoch;
        this.save();
        this.ctx.note(`sentinel: +promoted-slave ${from}; +failover-state-reconf-slaves`);
        this.failoverState = 'reconf-slaves';
        this.stateChangeUs = now;
        // sentinelForceHelloUpdateForMaster: rewind the hello clock so the next tick publishes
        // the new configuration (not this instant: the peers switch a tick later, as measured)
        for (const peer of this.peers.values()) peer.lastHelloUs = -Infinity;
      } else if (from !== this.promoted && this.masterLooksSane(now) && this.noDownFor(inst, wait, now) && now - inst.roleReportedUs > wait) {
        // a replica turned master (the old master is back): force our view
        this.ctx.send(from, { type: 'sentinel-replicaof', master: this.conf.masterAddr, epoch: this.conf.configEpoch });
        this.ctx.note(`sentinel: +convert-to-slave ${from}`);
      }
      return;
    }
    if (this.failoverState === 'reconf-slaves' && from !== this.promoted) {
      if (inst.reconf === 'sent' && info.masterHost === this.promoted) {
        inst.reconf = 'inprog';
        this.ctx.note(`sentinel: +slave-reconf-inprog ${from}`);
      }
      if (inst.reconf === 'inprog' && info.linkUp) {
        inst.reconf = 'done';
        this.ctx.note(`sentinel: +slave-reconf-done ${from}`);
      }
      return;
    }
    // a replica of another master is only fixed after failover-timeout without a change (sentinel.c:
    // "Handle slaves replicating to a different master address", wait_time = failover_timeout), so a
    // Sentinel whose configuration is stale after a partition does not pull replicas back at once
    const fixWait = this.config.failoverTimeoutUs;
    if (info.masterHost !== this.conf.masterAddr && !this.failoverInProgress && this.masterLooksSane(now) && this.noDownFor(inst, fixWait, now) && now - inst.slaveConfChangeUs > fixWait) {
      this.ctx.send(from, { type: 'sentinel-replicaof', master: this.conf.masterAddr, epoch: this.conf.configEpoch });
      this.ctx.note(`sentinel: +fix-slave-config ${from}`);
    }
  }

  private masterLooksSane(now: Micros): boolean {
    const m = this.master;
    return !m.sdown && !this.odown && m.info?.role === 'master' && now - m.infoRefreshUs < 2 * INFO_PERIOD;
  }

  private noDownFor(inst: Instance, us: Micros, now: Micros): boolean {
    return !inst.sdown && (inst.sdownSinceUs === 0 || now - inst.sdownSinceUs > us);
  }
}
