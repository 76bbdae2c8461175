/**
 * An etcd-like distributed configuration store (DCS): a small key-value map with TTL keys,
 * compare-and-set transactions and watches, replicated on a few members with majority quorum.
 * Patroni keeps its leader key here; the store is deliberately small but keeps the properties
 * Patroni relies on:
 *
 * - a write is acknowledged only once a majority has it durably (fsync), so a member cut off
 *   from the majority can neither write nor answer reads (etcd's reads are linearizable: they
 *   go through the leader and a quorum, here as an empty transaction);
 * - a TTL key expires on the leader's clock, `ttl` after its last write; expiry is itself a
 *   replicated delete, so a minority leader cannot expire anything either;
 * - on a leader change every TTL is restarted at full length plus the election timeout, as
 *   etcd v3's lessor does (`Promote(electionTimeout)` refreshes every lease): a DCS failover
 *   extends Patroni's leader key;
 * - a watch fires when one of the watched keys' values changes or it is deleted (an expiry
 *   included); etcd v3's watch on a prefix, as Patroni's KVCache keeps one on the cluster's.
 *
 * The replication is Raft collapsed to a single slot: the leader ships its whole (tiny) state
 * with a revision, members vote for a candidate whose (term, revision) is at least theirs, a
 * PreVote round keeps a rejoining member from disrupting a healthy leader, and a leader that
 * has not heard from a majority for an election timeout steps down (CheckQuorum, on in etcd).
 * Client operations are serialised on the leader, one replication round each; Patroni sends a
 * few per 10 s loop, so throughput never matters.
 *
 *   client --dcs-req--> any member --(not leader: error + hint)--> client retries elsewhere
 *                       leader --dcs-append--> followers --ack after fsync--> leader --dcs-resp--> client
 *
 * A member whose disk write fails exits, as etcd does: server/etcdserver/raft.go, `storage.Save`
 * of the hard state and entries failing is `lg.Fatal("failed to save Raft hard state and
 * entries")` (so is a failed vote or term write, which goes through the same Save); a full disk
 * fails the same way (ENOSPC). Its service manager starts it again `restartDelayUs` later (etcd's
 * contrib/systemd/etcd.service: Restart=always, RestartSec=10s); while the disk is dead it exits
 * again at once (it cannot open its data directory), so a member on a failed disk is simply out.
 * A member never keeps running while refusing to acknowledge what it cannot write.
 *
 * A member whose disk was replaced (it booted before, and its data directory is now empty) does
 * not rejoin by itself: with the usual static bootstrap (`--initial-cluster-state new`) etcd
 * refuses to start because the peers' member list shows it as already started (bootstrap.go
 * `bootstrapNewClusterNoWAL`: "member %s has already been bootstrapped", cluster_util.go
 * `isMemberBootstrapped`), and the documented way back is to remove the member and add it again
 * (etcd docs, Runtime reconfiguration: "Replace a failed machine"), then start it empty with
 * `--initial-cluster-state existing`. Reconfiguration "can only be processed when a majority of
 * cluster members are functioning" (same page). The model takes the disk's repair to include that
 * runbook: the empty member asks the peers to re-add it (`dcs-join`, every `restartDelayUs`,
 * standing for the operator's `etcdctl member remove` + `member add` retried until they succeed);
 * the leader commits the change with a majority of the *other* members (the new member's empty
 * log counts for nothing) and only then does the member vote, ack and campaign, from term the
 * leader gives it. So a replaced member cannot restore a lost quorum: with another member down
 * the DCS stays down until that one returns (or an operator restores from a snapshot, not
 * modelled), as the real cluster does.
 *
 * Defaults are etcd's: `--heartbeat-interval` 100 ms, `--election-timeout` 1000 ms.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import {
  MEMBER_MESSAGES,
  applyTxn,
  type DcsAppendAckMsg,
  type DcsAppendMsg,
  type DcsJoinedMsg,
  type DcsJoinMsg,
  type DcsKeys,
  type DcsResponseMsg,
  type DcsResult,
  type DcsState,
  type DcsTxn,
  type DcsVoteMsg,
  type DcsVoteRequestMsg,
  type DcsWatchEventMsg,
  type DcsWatchMsg,
} from './dcs-store.ts';
import { DcsLeases, EXPIRY_TIMER } from './dcs-leases.ts';

export interface DcsConfig {
  /** The DCS members (node ids), this one included. */
  members: readonly string[];
  /** How often the leader sends appends, even idle (etcd `--heartbeat-interval`). */
  heartbeatIntervalUs: Micros;
  /** Base election timeout T; a follower campaigns after a random timeout in [T, 2T) (etcd `--election-timeout`). */
  electionTimeoutUs: Micros;
  /**
   * How long after the process exits (a failed disk write) its service manager starts it again
   * (systemd `RestartSec`; etcd's unit file: 10 s); also how often a replaced member asks to be
   * re-added.
   */
  restartDelayUs: Micros;
}

interface Request {
  client: string;
  reqId: number;
  /** The client's attempt number, echoed back. */
  attempt: number;
  txn: DcsTxn;
  /** A member to re-add once this (empty) proposal commits (internal: no client reply). */
  rejoin?: string;
}

interface Watcher {
  watchId: number;
  /** Each watched key with the value the client last saw (undefined: absent). */
  watched: Record<string, unknown>;
}

type Role = 'follower' | 'candidate' | 'leader';

const EMPTY: DcsState = { term: 0, rev: 0, keys: {} };
/** The process name a DCS member exits under (its host runs nothing else). */
const ETCD_PROCESS = 'etcd';

/** One DCS member (an etcd server). Route its messages and timers here. */
export class DcsMember {
  private role: Role = 'follower';
  private term = 0;
  private votedFor: string | undefined;
  private leader: string | undefined;
  /** The latest state this member accepted (the leader's: its latest proposal). */
  private accepted: DcsState = EMPTY;
  /** The latest accepted state known to be on disk: what acks report. */
  private durable: { term: number; rev: number } = EMPTY;
  /** Leader only: the latest committed state. */
  private committed: DcsState = EMPTY;
  /** Monotonic instant this member last heard from a leader (followers) or a majority (leader). */
  private lastHeardUs = 0;
  private electionDeadlineUs = 0;
  private electionTimer: TimerHandle | undefined;
  private readonly votes = new Set<string>();
  private preVoting = false;
  /** Leader: what each member last acknowledged, and when (monotonic). */
  private readonly acked = new Map<string, { term: number; rev: number; at: Micros }>();
  private readonly queue: Request[] = [];
  /** Leader: the requests the in-flight proposal answers (undefined: none in flight). */
  private inFlight: Request[] | undefined;
  private inFlightResult: { ok: boolean }[] = [];
  /** Leader: the TTL keys' leases. */
  private readonly leases: DcsLeases;
  private readonly watchers = new Map<string, Watcher>();
  /** Booted on a replaced (empty) disk: out of the cluster until the leader commits its re-add. */
  private joining = false;
  /** The process is exiting (a write failed): nothing more is done. */
  private exited = false;
  /** Writes issued and not yet fsynced: the disk dying under one fails its fsync (EIO). */
  private pendingWrites = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: DcsConfig,
  ) {
    this.leases = new DcsLeases(ctx);
  }

  get majority(): number {
    return Math.floor(this.config.members.length / 2) + 1;
  }

  /** Whether this member currently leads (for tests and notes). */
  get isLeader(): boolean {
    return this.role === 'leader';
  }

  /**
   * Boot (first or after a crash): reload term, vote and state from disk. On a dead disk etcd
   * cannot open its data directory and exits; on an empty one after an earlier boot (the disk
   * was replaced) it waits to be re-added (see the file header). Real etcd creates its WAL at
   * bootstrap; here the first durable write is the term of the first election, about 2 s after
   * boot (a run's schedule starts after its warm-up, so no fault falls before it), so an empty
   * disk at a later boot means the data was lost.
   */
  start(): void {
    const disk = this.ctx.disk;
    if (disk.failed) return this.exit('cannot access the data directory (disk failed)');
    const durable = disk.get('dcs-term') as { term: number; votedFor?: string } | undefined;
    const stored = disk.get('dcs-state') as DcsState | undefined;
    if (durable === undefined && stored === undefined && this.ctx.bootCount > 0) return this.awaitRejoin();
    this.term = durable?.term ?? 0;
    this.votedFor = durable?.votedFor;
    this.accepted = stored ?? EMPTY;
    this.durable = this.accepted;
    this.becomeFollower(this.term, undefined);
    this.ctx.setTimer(this.config.heartbeatIntervalUs, 'dcs-heartbeat');
  }

  /** etcd's `lg.Fatal` on a failed write: the process exits; its service manager starts it again later. */
  private exit(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    this.ctx.exitProcess(ETCD_PROCESS, `etcd: ${reason}`, this.config.restartDelayUs);
  }

  /** Every durable write: one the disk refuses (dead, or full: ENOSPC) ends the process. */
  private write(key: string, value: unknown, then?: () => void): void {
    const disk = this.ctx.disk;
    if (disk.full) return this.exit('failed to save Raft hard state and entries: no space left on device');
    this.pendingWrites++;
    disk.put(key, value, (ok) => {
      this.pendingWrites--;
      if (!ok) return this.exit('failed to save Raft hard state and entries: input/output error');
      then?.();
    });
  }

  // --- a replaced member -------------------------------------------------------------------

  private awaitRejoin(): void {
    this.joining = true;
    this.ctx.note('dcs: empty data directory on a member that ran before: waiting to be re-added (member remove + add)');
    this.askToRejoin();
  }

  private askToRejoin(): void {
    for (const m of this.peers()) this.ctx.send(m, { type: 'dcs-join' } satisfies DcsJoinMsg);
    this.ctx.setTimer(this.config.restartDelayUs, 'dcs-join');
  }

  /** Leader: re-adds a member through an empty proposal that a majority of the others must commit. */
  private onJoin(from: string): void {
    if (this.role !== 'leader') return;
    if (this.queue.some((r) => r.rejoin === from) || this.inFlight?.some((r) => r.rejoin === from)) return;
    this.queue.push({ client: '', reqId: -1, attempt: 0, txn: {}, rejoin: from });
    this.next();
  }

  /** The re-add committed: a voting member again, in the leader's term, having voted for it. */
  private onJoined(from: string, term: number): void {
    if (!this.joining) return;
    this.joining = false;
    this.ctx.note(`dcs: re-added by ${from} in term ${term}`);
    this.becomeFollower(term, from);
    this.votedFor = from;
    this.persistTerm();
    this.ctx.setTimer(this.config.heartbeatIntervalUs, 'dcs-heartbeat');
  }

  handle(from: string, msg: Msg): boolean {
    if (!MEMBER_MESSAGES.has(msg)) return false;
    if (this.exited) return true;
    if (this.joining) {
      // not a member yet: it serves no client and takes no part in elections or replication
      if (msg.type === 'dcs-joined') this.onJoined(from, msg.term);
      else if (msg.type === 'dcs-req') this.reply({ client: from, reqId: msg.reqId, attempt: msg.attempt, txn: msg.txn }, { error: 'no-leader' });
      return true;
    }
    switch (msg.type) {
      case 'dcs-req':
        this.onRequest({ client: from, reqId: msg.reqId, attempt: msg.attempt, txn: msg.txn });
        return true;
      case 'dcs-watch':
        this.onWatch(msg.watcher ?? from, msg);
        return true;
      case 'dcs-vote-req':
        this.onVoteRequest(from, msg);
        return true;
      case 'dcs-vote':
        this.onVote(from, msg);
        return true;
      case 'dcs-append':
        this.onAppend(from, msg);
        return true;
      case 'dcs-append-ack':
        this.onAppendAck(from, msg);
        return true;
      case 'dcs-join':
        this.onJoin(from);
        return true;
      case 'dcs-joined':
        return true;
    }
  }

  onTimer(kind: string): boolean {
    switch (kind) {
      case 'dcs-join':
        if (this.joining) this.askToRejoin();
        return true;
      case 'dcs-heartbeat':
        // a disk that died under a pending write drops it (Disk.fail): its fsync would have
        // returned EIO, and etcd exits (raft.go, Save); noticed within a heartbeat here
        if (this.pendingWrites > 0 && this.ctx.disk.failed) {
          this.exit('failed to save Raft hard state and entries: input/output error');
          return true;
        }
        this.ctx.setTimer(this.config.heartbeatIntervalUs, 'dcs-heartbeat');
        if (this.role === 'leader') this.heartbeat();
        return true;
      case 'dcs-election':
        this.electionTimer = undefined;
        this.onElectionTimer();
        return true;
      case EXPIRY_TIMER:
        this.leases.fired();
        this.expireKeys();
        return true;
      default:
        return false;
    }
  }

  // --- roles -------------------------------------------------------------------------------

  private becomeFollower(term: number, leader: string | undefined): void {
    const wasLeader = this.role === 'leader';
    if (term > this.term) {
      this.term = term;
      this.votedFor = undefined;
      this.persistTerm();
    }
    this.role = 'follower';
    this.leader = leader;
    this.preVoting = false;
    if (wasLeader) this.stepDown();
    this.resetElectionDeadline();
  }

  /** A former leader drops what only a leader holds; pending clients get an error and retry. */
  private stepDown(): void {
    for (const r of [...(this.inFlight ?? []), ...this.queue]) this.reply(r, { error: 'no-leader' });
    this.inFlight = undefined;
    this.queue.length = 0;
    this.leases.clear();
    this.watchers.clear();
    this.ctx.note('dcs: stepped down');
  }

  private resetElectionDeadline(): void {
    const t = this.config.electionTimeoutUs;
    this.lastHeardUs = this.ctx.monotonic();
    this.electionDeadlineUs = this.lastHeardUs + t + Math.floor(this.ctx.rng.float() * t);
    if (!this.electionTimer) this.electionTimer = this.ctx.setTimer(this.electionDeadlineUs - this.lastHeardUs, 'dcs-election');
  }

  private onElectionTimer(): void {
    const now = this.ctx.monotonic();
    if (this.role === 'leader') {
      // CheckQuorum: a leader that has not heard from a majority for an election timeout steps down
      let recent = 1;
      for (const [member, a] of this.acked) if (member !== this.ctx.id && now - a.at < this.config.electionTimeoutUs) recent++;
      if (recent < this.majority) this.becomeFollower(this.term, undefined);
      else this.electionTimer = this.ctx.setTimer(this.config.electionTimeoutUs, 'dcs-election');
      return;
    }
    if (now < this.electionDeadlineUs) {
      this.electionTimer = this.ctx.setTimer(this.electionDeadlineUs - now, 'dcs-election');
      return;
    }
    this.leader = undefined;
    this.campaign(true);
    this.resetElectionDeadline();
  }

  /** PreVote (`preVote`), then a real election at term + 1. */
  private campaign(preVote: boolean): void {
    this.votes.clear();
    this.votes.add(this.ctx.id);
    this.preVoting = preVote;
    if (!preVote) {
      this.role = 'candidate';
      this.term++;
      this.votedFor = this.ctx.id;
      this.persistTerm();
    }
    const request: DcsVoteRequestMsg = { type: 'dcs-vote-req', term: preVote ? this.term + 1 : this.term, preVote, lastTerm: this.accepted.term, lastRev: this.accepted.rev };
    for (const m of this.peers()) this.ctx.send(m, request);
    if (this.votes.size >= this.majority) this.wonVote();
  }

  private onVoteRequest(from: string, msg: DcsVoteRequestMsg): void {
    const term = msg.term;
    const upToDate = msg.lastTerm > this.accepted.term || (msg.lastTerm === this.accepted.term && msg.lastRev >= this.accepted.rev);
    // leader stickiness: a member that hears from a live leader ignores campaigns
    const heardLeader = this.role === 'leader' || (this.leader !== undefined && this.ctx.monotonic() - this.lastHeardUs < this.config.electionTimeoutUs);
    if (msg.preVote) {
      this.ctx.send(from, { type: 'dcs-vote', term, preVote: true, granted: term > this.term && upToDate && !heardLeader } satisfies DcsVoteMsg);
      return;
    }
    if (heardLeader && term > this.term) return;
    if (term > this.term) this.becomeFollower(term, undefined);
    const granted = term === this.term && upToDate && (this.votedFor === undefined || this.votedFor === from);
    if (!granted) {
      this.ctx.send(from, { type: 'dcs-vote', term: this.term, preVote: false, granted: false } satisfies DcsVoteMsg);
      return;
    }
    this.votedFor = from;
    this.resetElectionDeadline();
    this.write('dcs-term', { term: this.term, votedFor: from }, () => {
      this.ctx.send(from, { type: 'dcs-vote', term, preVote: false, granted: true } satisfies DcsVoteMsg);
    });
  }

  private onVote(from: string, msg: DcsVoteMsg): void {
    const term = msg.term;
    if (msg.preVote) {
      if (!this.preVoting || this.role !== 'follower' || term !== this.term + 1 || !msg.granted) return;
    } else {
      if (term > this.term) return this.becomeFollower(term, undefined);
      if (this.role !== 'candidate' || term !== this.term || !msg.granted) return;
    }
    this.votes.add(from);
    if (this.votes.size >= this.majority) this.wonVote();
  }

  private wonVote(): void {
    if (this.preVoting) return this.campaign(false);
    this.role = 'leader';
    this.leader = this.ctx.id;
    this.acked.clear();
    this.ctx.note(`dcs: leader for term ${this.term}`);
    // etcd's lessor.Promote: every lease restarts at its full TTL plus the election timeout
    this.leases.promote(this.accepted.keys, this.config.electionTimeoutUs);
    this.committed = this.accepted;
    this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = this.ctx.setTimer(this.config.electionTimeoutUs, 'dcs-election');
    // a no-op of the new term commits everything before it (Raft §5.4.2)
    this.propose([], []);
  }

  // --- replication -------------------------------------------------------------------------

  private peers(): string[] {
    return this.config.members.filter((m) => m !== this.ctx.id);
  }

  private persistTerm(): void {
    this.write('dcs-term', { term: this.term, votedFor: this.votedFor });
  }

  private heartbeat(): void {
    const msg: DcsAppendMsg = { type: 'dcs-append', term: this.term, state: this.accepted };
    for (const m of this.peers()) this.ctx.send(m, msg);
  }

  /** Proposes a new state (the requests' transactions applied in order) and ships it. */
  private propose(requests: Request[], results: { ok: boolean }[], keys = this.committed.keys): void {
    const state: DcsState = { term: this.term, rev: this.committed.rev + 1, keys };
    this.accepted = state;
    this.inFlight = requests;
    this.inFlightResult = results;
    this.persistState(state, () => {
      if (this.role === 'leader' && this.term === state.term) this.recordAck(this.ctx.id, state.term, state.rev);
    });
    this.heartbeat();
  }

  private onAppend(from: string, msg: DcsAppendMsg): void {
    const term = msg.term;
    if (term < this.term) {
      this.ctx.send(from, { type: 'dcs-append-ack', term: this.term, rev: -1 } satisfies DcsAppendAckMsg);
      return;
    }
    if (term > this.term || this.role !== 'follower' || this.leader !== from) this.becomeFollower(term, from);
    else this.resetElectionDeadline();
    const state = msg.state;
    if (state !== this.accepted && (state.term !== this.accepted.term || state.rev !== this.accepted.rev)) {
      this.accepted = state;
      this.persistState(state, () => this.ackDurable(from, term));
    }
    this.ackDurable(from, term);
  }

  /** Acks what is on disk, and only if it is this term's leader's state. */
  private ackDurable(leader: string, term: number): void {
    if (this.durable.term === term) this.ctx.send(leader, { type: 'dcs-append-ack', term, rev: this.durable.rev } satisfies DcsAppendAckMsg);
  }

  private persistState(state: DcsState, then: () => void): void {
    this.write('dcs-state', state, () => {
      if (state.term > this.durable.term || (state.term === this.durable.term && state.rev > this.durable.rev)) this.durable = state;
      then();
    });
  }

  private onAppendAck(from: string, msg: DcsAppendAckMsg): void {
    const term = msg.term;
    if (term > this.term) return this.becomeFollower(term, undefined);
    if (this.role !== 'leader' || term !== this.term) return;
    this.recordAck(from, term, msg.rev);
  }

  private recordAck(member: string, term: number, rev: number): void {
    this.acked.set(member, { term, rev, at: this.ctx.monotonic() });
    if (!this.inFlight || this.accepted.rev === this.committed.rev) return;
    let count = 0;
    for (const a of this.acked.values()) if (a.term === this.term && a.rev >= this.accepted.rev) count++;
    if (count >= this.majority) this.commit();
  }

  private commit(): void {
    const requests = this.inFlight ?? [];
    const results = this.inFlightResult;
    const previous = this.committed.keys;
    this.committed = this.accepted;
    this.inFlight = undefined;
    const keys = this.committed.keys;
    this.leases.track(previous, keys);
    requests.forEach((r, i) => this.reply(r, { result: { ok: results[i].ok, rev: this.committed.rev, keys } satisfies DcsResult }));
    for (const r of requests) if (r.rejoin !== undefined) this.ctx.send(r.rejoin, { type: 'dcs-joined', term: this.term } satisfies DcsJoinedMsg);
    for (const [client, w] of this.watchers) this.checkWatch(client, w);
    this.next();
  }

  /**
   * Starts the next proposal: keys whose TTL has run out are deleted first (decided now, not
   * when the expiry timer fired: a renewal may have committed since), then every queued
   * request, applied in order, in one round.
   */
  private next(): void {
    if (this.inFlight || this.role !== 'leader') return;
    const expired = this.leases.expired();
    if (expired.length === 0 && this.queue.length === 0) return;
    if (expired.length) {
      this.ctx.note(`dcs: ${expired.join(', ')} expired`);
      this.queue.unshift({ client: '', reqId: -1, attempt: 0, txn: { deletes: expired } });
    }
    const requests = this.queue.splice(0);
    let keys = this.committed.keys;
    const rev = this.committed.rev + 1;
    const results = requests.map((r) => {
      const applied = applyTxn(keys, r.txn, rev);
      keys = applied.keys;
      return { ok: applied.ok };
    });
    this.propose(requests, results, keys);
  }

  // --- clients -----------------------------------------------------------------------------

  private onRequest(r: Request): void {
    if (this.role !== 'leader') {
      const leader = this.leader !== undefined && this.ctx.monotonic() - this.lastHeardUs < this.config.electionTimeoutUs ? this.leader : undefined;
      this.reply(r, leader ? { error: 'not-leader', leader } : { error: 'no-leader' });
      return;
    }
    this.queue.push(r);
    this.next();
  }

  private reply(r: Request, body: { error?: string; leader?: string; result?: DcsResult }): void {
    if (r.client === '') return; // an internal request (expiry)
    this.ctx.send(r.client, { type: 'dcs-resp', reqId: r.reqId, attempt: r.attempt, ...body } satisfies DcsResponseMsg);
  }

  /** Watches are served by the leader; a follower passes them on (etcd proxies them too). */
  private onWatch(client: string, msg: DcsWatchMsg): void {
    if (this.role !== 'leader') {
      if (this.leader !== undefined && msg.watcher === undefined) this.ctx.send(this.leader, { ...msg, watcher: client });
      return;
    }
    const w: Watcher = { watchId: msg.watchId, watched: msg.watched };
    this.watchers.set(client, w);
    this.checkWatch(client, w);
  }

  private checkWatch(client: string, w: Watcher): void {
    if (Object.entries(w.watched).every(([key, value]) => this.committed.keys[key]?.value === value)) return;
    this.watchers.delete(client);
    this.ctx.send(client, { type: 'dcs-watch-event', watchId: w.watchId } satisfies DcsWatchEventMsg);
  }

  // --- TTLs --------------------------------------------------------------------------------

  /** Expiry is a replicated delete, proposed like a client's transaction (see `next`). */
  private expireKeys(): void {
    if (this.role !== 'leader') return;
    this.next();
    if (!this.inFlight) this.leases.schedule(this.role === 'leader');
  }
}
