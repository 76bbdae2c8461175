/**
 * Redis Sentinel, compactly: a few sentinel processes watch the Redis lock store's servers
 * (see `redis-lock-store.ts`) and move the master role when the master stops answering.
 * (The full Sentinel of sentinel.c, with TILT, replica priority and INFO, is `RedisSentinel`
 * in `redis-sentinel.ts`; it drives `redis-server.ts`, whose protocol differs from the lock
 * store's, so the two stay separate until the servers are one.)
 *
 *   every second each sentinel PINGs every server
 *   master silent for downAfter          -> SDOWN (this sentinel's opinion)
 *   quorum sentinels report SDOWN        -> ODOWN
 *   ODOWN: after a random 0-1 s delay, the sentinel bumps the epoch and asks for votes; each
 *   sentinel votes once per epoch, for the first candidate that asks; a majority elects it
 *   the leader promotes the replica with the highest replication offset (REPLICAOF NO ONE),
 *   reconfigures the other servers (REPLICAOF new-master) and announces +switch-master
 *
 * A server that comes back claiming to be master with an older epoch (the demoted master) is
 * told REPLICAOF on its next PING answer, and resyncs from the new master, dropping whatever
 * it accepted meanwhile. A failed election is retried after 2 x failoverTimeout, as Sentinel
 * does, and a sentinel that voted for another does not start its own for that long either.
 * Clients (`subscribers`) are pushed the new master and may ask for it
 * (`sentinel-get-master`), as Sentinel-aware clients do. The configuration (master, epoch) is
 * persisted, like sentinel.conf.
 *
 * Left out: TILT mode, replica priority, hello messages over Redis pub/sub (sentinels gossip
 * their configuration to each other directly every second instead), parallel-syncs, and the
 * promoted replica's INFO confirmation before the announcement.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import { emitsProbe } from '../world/probes.ts';
import { ELECTION_WON as SHARED_WON, PROMOTE_BEGIN as SHARED_PROMOTE, SENTINEL_ODOWN as SHARED_ODOWN } from './common-probes.ts';

// --- the Sentinel protocol: with the servers, between Sentinels, and to clients -------------

/** Sentinel -> server, every `pingInterval` (PING plus what INFO would tell). */
export interface SentinelPing extends Msg {
  type: 'sentinel-ping';
  seq: number;
}
/** Server -> Sentinel: its role, configuration epoch, master and replication offset. */
export interface SentinelPong extends Msg {
  type: 'sentinel-pong';
  seq: number;
  role: 'master' | 'replica';
  epoch: number;
  master: string | undefined;
  offset: number;
}
/** SENTINEL is-master-down-by-addr: is `master` down for you, and (epoch > 0) a vote for `candidate`. */
interface SentinelIsDown extends Msg {
  type: 'sentinel-is-down';
  master: string;
  epoch: number;
  candidate: string;
}
interface SentinelIsDownReply extends Msg {
  type: 'sentinel-is-down-reply';
  master: string;
  down: boolean;
  epoch: number;
  leader: string | undefined;
}
/** A Sentinel's configuration, gossiped to the others every tick. */
interface SentinelConfigMsg extends Msg {
  type: 'sentinel-config';
  master: string;
  epoch: number;
}
/** A client asks for the master (SENTINEL get-master-addr-by-name). */
export interface SentinelGetMaster extends Msg {
  type: 'sentinel-get-master';
}
/** The master, answered or pushed (+switch-master) to clients. */
export interface SentinelMaster extends Msg {
  type: 'sentinel-master';
  master: string;
  epoch: number;
}
/** REPLICAOF NO ONE, with the failover's epoch. */
export interface ReplicaOfNoOne extends Msg {
  type: 'redis-replicaof-no-one';
  epoch: number;
}
/** REPLICAOF `master`, with the configuration epoch. */
export interface ReplicaOf extends Msg {
  type: 'redis-replicaof';
  master: string;
  epoch: number;
}
const SENTINEL_MESSAGES = messageKinds<SentinelPong | SentinelIsDown | SentinelIsDownReply | SentinelConfigMsg | SentinelGetMaster>(
  'sentinel-pong',
  'sentinel-is-down',
  'sentinel-is-down-reply',
  'sentinel-config',
  'sentinel-get-master',
);

const ELECTION_WON = emitsProbe(import.meta.url, SHARED_WON);
const PROMOTE_BEGIN = emitsProbe(import.meta.url, SHARED_PROMOTE);
const SENTINEL_ODOWN = emitsProbe(import.meta.url, SHARED_ODOWN);

export interface LockStoreSentinelOptions {
  sentinels: readonly string[];
  /** The Redis servers, master or replicas. */
  servers: readonly string[];
  initialMaster: string;
  /** Clients told of every master switch (+switch-master subscribers). */
  subscribers: readonly string[];
  /** Sentinels that must agree the master is down (ODOWN). */
  quorum: number;
  /** down-after-milliseconds: silence before a sentinel thinks the master is down (SDOWN). */
  downAfter: Micros;
  /** failover-timeout; a failed attempt is retried after twice this. */
  failoverTimeout: Micros;
  /** How often each server is PINGed. */
  pingInterval: Micros;
}

interface ServerView {
  lastOk: Micros;
  role?: 'master' | 'replica';
  epoch?: number;
  offset?: number;
}

interface SentinelConfig {
  master: string;
  epoch: number;
}

const CONFIG_KEY = 'sentinel-config';
/** Sentinel's SENTINEL_ELECTION_TIMEOUT: an election not won in 10 s is abandoned. */
const ELECTION_TIMEOUT: Micros = 10_000_000;
/** Sentinel's SENTINEL_MAX_DESYNC: the random delay before a failover attempt starts. */
const MAX_DESYNC: Micros = 1_000_000;

export class LockStoreSentinel implements Actor {
  private config: SentinelConfig;
  private currentEpoch: number;
  private readonly votes = new Map<number, string>();
  private readonly servers = new Map<string, ServerView>();
  /** When other sentinels last said the master was down. */
  private readonly downReports = new Map<string, Micros>();
  private attempt: { epoch: number; votes: Set<string>; startedAt: Micros } | undefined;
  private startPending = false;
  private nextAttemptAt: Micros = -Infinity;
  private seq = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: LockStoreSentinelOptions,
  ) {
    const saved = ctx.disk.get(CONFIG_KEY) as SentinelConfig | undefined;
    this.config = saved ?? { master: options.initialMaster, epoch: 1 };
    this.currentEpoch = this.config.epoch;
    // a (re)started sentinel gives every server a full down-after before judging it
    for (const s of options.servers) this.servers.set(s, { lastOk: ctx.monotonic() });
  }

  onStart(): void {
    this.ctx.declareRole('witness', this.config.epoch);
    this.tick();
  }

  onMessage(from: string, msg: Msg): void {
    if (!SENTINEL_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'sentinel-pong':
        return this.onPong(from, msg);
      case 'sentinel-is-down':
        return this.onQuery(from, msg);
      case 'sentinel-is-down-reply':
        return this.onQueryReply(from, msg);
      case 'sentinel-config':
        return this.adopt(msg.master, msg.epoch);
      case 'sentinel-get-master':
        this.ctx.send(from, { type: 'sentinel-master', master: this.config.master, epoch: this.config.epoch } satisfies SentinelMaster);
        return;
    }
  }

  onTimer(kind: string): void {
    if (kind === 'sentinel-tick') this.tick();
    else if (kind === 'sentinel-failover-start') this.startAttempt();
  }

  private get others(): string[] {
    return this.options.sentinels.filter((s) => s !== this.ctx.id);
  }

  private get majority(): number {
    return Math.floor(this.options.sentinels.length / 2) + 1;
  }

  private tick(): void {
    this.ctx.setTimer(this.options.pingInterval, 'sentinel-tick');
    const seq = ++this.seq;
    for (const s of this.options.servers) this.ctx.send(s, { type: 'sentinel-ping', seq } satisfies SentinelPing);
    for (const s of this.others) this.ctx.send(s, { type: 'sentinel-config', master: this.config.master, epoch: this.config.epoch } satisfies SentinelConfigMsg);
    const now = this.ctx.monotonic();
    if (this.attempt && now - this.attempt.startedAt > Math.min(ELECTION_TIMEOUT, this.options.failoverTimeout)) {
      this.ctx.note(`failover attempt of epoch ${this.attempt.epoch} abandoned (no majority)`);
      this.attempt = undefined;
      this.nextAttemptAt = now + 2 * this.options.failoverTimeout;
    }
    if (!this.subjectivelyDown(this.config.master)) return;
    const epoch = this.attempt?.epoch ?? 0;
    for (const s of this.others) this.ctx.send(s, { type: 'sentinel-is-down', master: this.config.master, epoch, candidate: this.ctx.id });
    if (this.objectivelyDown() && !this.attempt && !this.startPending && now >= this.nextAttemptAt) {
      this.ctx.probe(SENTINEL_ODOWN);
      this.startPending = true;
      this.ctx.setTimer(Math.floor(this.ctx.rng.float() * MAX_DESYNC), 'sentinel-failover-start');
    }
  }

  private subjectivelyDown(server: string): boolean {
    const view = this.servers.get(server);
    return view !== undefined && this.ctx.monotonic() - view.lastOk > this.options.downAfter;
  }

  private objectivelyDown(): boolean {
    const fresh = this.ctx.monotonic() - 5 * this.options.pingInterval;
    let agreeing = 1; // this sentinel
    for (const at of this.downReports.values()) if (at >= fresh) agreeing++;
    return agreeing >= this.options.quorum;
  }

  private startAttempt(): void {
    this.startPending = false;
    if (this.attempt || !this.subjectivelyDown(this.config.master) || !this.objectivelyDown()) return;
    const epoch = ++this.currentEpoch;
    this.votes.set(epoch, this.ctx.id);
    this.attempt = { epoch, votes: new Set([this.ctx.id]), startedAt: this.ctx.monotonic() };
    this.ctx.note(`+try-failover ${this.config.master} (epoch ${epoch})`);
    for (const s of this.others) this.ctx.send(s, { type: 'sentinel-is-down', master: this.config.master, epoch, candidate: this.ctx.id });
    this.maybeLead();
  }

  private onQuery(from: string, msg: SentinelIsDown): void {
    const epoch = msg.epoch;
    let leader: string | undefined;
    if (epoch > 0) {
      if (epoch > this.currentEpoch) this.currentEpoch = epoch;
      if (!this.votes.has(epoch)) {
        this.votes.set(epoch, msg.candidate);
        // having voted for another, do not run a failover of our own for a while (Sentinel
        // sets its failover_start_time when it votes)
        if (msg.candidate !== this.ctx.id) this.nextAttemptAt = this.ctx.monotonic() + 2 * this.options.failoverTimeout;
      }
      leader = this.votes.get(epoch);
    }
    const down = msg.master === this.config.master && this.subjectivelyDown(this.config.master);
    this.ctx.send(from, { type: 'sentinel-is-down-reply', master: msg.master, down, epoch, leader } satisfies SentinelIsDownReply);
  }

  private onQueryReply(from: string, msg: SentinelIsDownReply): void {
    if (msg.master === this.config.master) {
      if (msg.down) this.downReports.set(from, this.ctx.monotonic());
      else this.downReports.delete(from);
    }
    if (this.attempt && msg.epoch === this.attempt.epoch && msg.leader === this.ctx.id) {
      this.attempt.votes.add(from);
      this.maybeLead();
    }
  }

  private maybeLead(): void {
    const attempt = this.attempt;
    if (!attempt || attempt.votes.size < Math.max(this.options.quorum, this.majority)) return;
    this.attempt = undefined;
    this.nextAttemptAt = this.ctx.monotonic() + 2 * this.options.failoverTimeout;
    const old = this.config.master;
    const candidates = this.options.servers.filter((s) => s !== old && !this.subjectivelyDown(s) && this.servers.get(s)?.role === 'replica');
    if (candidates.length === 0) {
      this.ctx.note(`-failover-abort-no-good-slave ${old}`);
      return;
    }
    const offset = (s: string) => this.servers.get(s)?.offset ?? 0;
    const chosen = candidates.sort((x, y) => offset(y) - offset(x) || (x < y ? -1 : 1))[0];
    this.ctx.note(`+switch-master ${old} -> ${chosen} (epoch ${attempt.epoch})`);
    this.ctx.probe(ELECTION_WON);
    this.ctx.probe(PROMOTE_BEGIN, chosen);
    this.ctx.send(chosen, { type: 'redis-replicaof-no-one', epoch: attempt.epoch } satisfies ReplicaOfNoOne);
    this.adopt(chosen, attempt.epoch);
    for (const s of this.options.servers) if (s !== chosen) this.ctx.send(s, { type: 'redis-replicaof', master: chosen, epoch: attempt.epoch } satisfies ReplicaOf);
  }

  /** Takes a newer configuration (own failover, or gossip from another sentinel). */
  private adopt(master: string, epoch: number): void {
    if (epoch <= this.config.epoch) return;
    this.config = { master, epoch };
    this.currentEpoch = Math.max(this.currentEpoch, epoch);
    this.downReports.clear();
    this.attempt = undefined;
    this.ctx.disk.put(CONFIG_KEY, { ...this.config });
    this.ctx.declareRole('witness', epoch);
    for (const c of this.options.subscribers) this.ctx.send(c, { type: 'sentinel-master', master, epoch });
    for (const s of this.others) this.ctx.send(s, { type: 'sentinel-config', master, epoch });
  }

  private onPong(from: string, msg: SentinelPong): void {
    const view = this.servers.get(from);
    if (!view) return;
    view.lastOk = this.ctx.monotonic();
    view.role = msg.role;
    view.epoch = msg.epoch;
    view.offset = msg.offset;
    // a server that disagrees with the configuration (a demoted master back, a replica of the
    // wrong master) is reconfigured, unless it knows a newer epoch than ours
    if (from === this.config.master || view.epoch > this.config.epoch) return;
    if (view.role === 'master' || msg.master !== this.config.master) {
      this.ctx.send(from, { type: 'redis-replicaof', master: this.config.master, epoch: this.config.epoch });
    }
  }
}
