/**
 * One Raft server (Ongaro & Ousterhout 2014, with etcd's PreVote and CheckQuorum): its durable
 * state (currentTerm and votedFor, written with fsync before any vote is answered; the log),
 * its role, and the transitions between roles. The mechanisms live beside it, one per file:
 * `raft-log.ts` (the log and its rules), `raft-election.ts`, `raft-replication.ts` and
 * `raft-order-path.ts` (the order path and the exchange).
 *
 * Roles are declared to the history with the term as epoch: `primary` for the leader,
 * `candidate` for a (pre-)candidate, `follower` otherwise, `down` for a node that stopped.
 *
 * The leader's lease, on which its acks rest (see `raft-order-path.ts`). A leader L of term t acts
 * at monotonic instant x only if a majority answered AppendEntries that L sent at s >= x - lease,
 * lease = T - heartbeat - 1 tick (no tick term without a ticker). Any other leader needs the
 * votes of a majority, which shares a voter V with L's. V answered L in term t at some r >= s,
 * so it voted for the other (in a later term) after r; under CheckQuorum V ignores vote
 * requests until T of its ticks after it last heard from a leader (or booted), which is more
 * than T - 1 tick, and a candidate campaigns only that long after hearing too; so the other
 * leader exists no earlier than s + T - 1 tick > x. Clocks: every duration is measured on
 * monotonic clocks (jumps do not matter), and the heartbeat's margin absorbs drift up to ~10 %
 * at etcd's defaults. Without CheckQuorum voters do not wait, and the lease is only a heuristic.
 *
 * Disk failures: a write refused (disk failed or full), or an fsync the disk died under (EIO),
 * stops the node, as etcd exits on a WAL write error; like etcd under its supervisor, it starts again `restartAfterHaltUs` later if
 * the disk takes writes (checking again until it does), unless its data is gone (a replaced
 * disk): etcd will not rejoin a member whose data directory was lost without an operator's
 * member remove/add, which is not modelled.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext, OrderRequest } from '../world/actor.ts';
import { majorityOf, type AppendEntries, type AppendResponse, type RaftConfig, type RaftEntry, type TimeoutNow, type VoteRequest, type VoteResponse } from './raft-config.ts';
import { RaftElection } from './raft-election.ts';
import { RaftLog } from './raft-log.ts';
import { RaftOrderPath, type ExchangeMassStatus, type ForwardedProposals } from './raft-order-path.ts';
import { RaftReplication } from './raft-replication.ts';
import { RaftSnapshots, type InstallSnapshot } from './raft-snapshots.ts';
import { RaftTicker } from './raft-ticker.ts';
import { RaftTransfer } from './raft-transfer.ts';
import { messageKinds } from '../world/messages.ts';

/** What a Raft node receives: client orders, the Raft RPCs, and the exchange's status answers. */
type RaftNodeMessage = OrderRequest | ForwardedProposals | AppendEntries | AppendResponse | InstallSnapshot | VoteRequest | VoteResponse | TimeoutNow | ExchangeMassStatus;
const RAFT_NODE_MESSAGES = messageKinds<RaftNodeMessage>(
  'order',
  'raft-forward',
  'raft-append',
  'raft-append-response',
  'raft-snapshot',
  'raft-vote',
  'raft-prevote',
  'raft-vote-response',
  'raft-prevote-response',
  'raft-timeout-now',
  'exchange-mass-status',
);

export type RaftRole = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** The disk key of currentTerm and votedFor, written together. */
const HARD_STATE_KEY = 'raft';

interface HardState {
  term: number;
  votedFor: string | null;
}

export class RaftNode implements Actor {
  term = 0;
  votedFor: string | undefined;
  role: RaftRole = 'follower';
  leaderId: string | undefined;
  commitIndex = 0;
  /** Every order at or below this index is known to be at the exchange (its leader asked it). */
  exchangeKnown = 0;
  /** Monotonic instant this node last heard from a leader of its term, or booted. */
  heardLeaderAt: Micros = 0;
  /** Stopped after a disk error (see the header). */
  halted = false;
  /** Every other member, learners included: the leader replicates to all of them. */
  readonly peers: readonly string[];
  /** The other voting members: asked for votes, counted for commit, lease and CheckQuorum. */
  readonly voterPeers: readonly string[];
  readonly isVoter: boolean;
  /** The smallest majority of the voters. */
  readonly majority: number;
  log!: RaftLog;
  /** This process's ticker: started at boot, so each boot of each node has its own phase. */
  ticker!: RaftTicker;
  election!: RaftElection;
  replication!: RaftReplication;
  orders!: RaftOrderPath;
  transfer!: RaftTransfer;
  snapshots!: RaftSnapshots;

  constructor(
    readonly ctx: NodeContext,
    readonly config: RaftConfig,
  ) {
    this.peers = [...config.voters, ...config.learners].filter((id) => id !== ctx.id);
    this.voterPeers = config.voters.filter((id) => id !== ctx.id);
    this.isVoter = config.voters.includes(ctx.id);
    this.majority = majorityOf(config.voters.length);
  }

  onStart(): void {
    this.boot(this.ctx.bootCount === 0);
  }

  onRecover(): void {
    this.boot(false);
  }

  /**
   * Reads the durable state and starts as a follower; `newCluster` on the very first start
   * only (not after a crash, nor after a halt, which restarts in place).
   */
  private boot(newCluster: boolean): void {
    const ctx = this.ctx;
    if (this.log) this.log.onSynced = this.log.onSyncFailed = () => {};
    this.log = new RaftLog(ctx.disk);
    const phaseUs = this.config.tickUs > 1 ? Math.floor(ctx.rng.float() * this.config.tickUs) : 0;
    this.ticker = new RaftTicker(this.config.tickUs, phaseUs);
    this.election = new RaftElection(this);
    this.replication = new RaftReplication(this);
    this.orders = new RaftOrderPath(this);
    this.transfer = new RaftTransfer(this);
    this.snapshots = new RaftSnapshots(this);
    this.log.onSynced = () => this.replication.onSynced();
    // etcd exits when a WAL fsync fails (raft.go: lg.Fatal on storage.Save's error)
    this.log.onSyncFailed = () => this.halted || this.halt('an fsync failed: the disk died under it');
    this.halted = false;
    this.role = 'follower';
    this.leaderId = undefined;
    this.commitIndex = 0;
    this.exchangeKnown = 0;
    const hard = ctx.disk.get(HARD_STATE_KEY) as HardState | undefined;
    if (hard === undefined && (ctx.bootCount > 0 || ctx.disk.failed)) {
      return this.halt('its data is gone (disk lost): an operator must re-add the member');
    }
    this.term = hard?.term ?? 0;
    this.votedFor = hard?.votedFor ?? undefined;
    if (hard === undefined) this.persistHardState();
    if (newCluster) {
      // a new cluster: nobody has answered a leader yet, and etcd fast-forwards the first
      // election timeout (--initial-election-tick-advance) to elect a leader sooner
      this.heardLeaderAt = -Infinity;
      this.election.restartTimer(this.config.electionTicks - this.config.heartbeatTicks);
    } else {
      // a restarted process waits T before voting, as if it had just heard a leader: a leader's
      // lease may count on its answers from before the restart
      this.heardLeaderAt = ctx.monotonic();
      this.election.restartTimer();
    }
    ctx.declareRole('follower', this.term);
  }

  onMessage(from: string, msg: Msg): void {
    if (this.halted) return;
    if (this.ctx.disk.failed) return this.halt('the disk failed');
    if (!RAFT_NODE_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'order':
        return this.orders.onOrder(msg);
      case 'raft-forward':
        return this.orders.onForwarded(msg);
      case 'raft-append':
        return this.replication.onAppend(from, msg);
      case 'raft-append-response':
        return this.replication.onAppendResponse(from, msg);
      case 'raft-snapshot':
        return this.replication.onSnapshot(from, msg);
      case 'raft-vote':
      case 'raft-prevote':
        return this.election.onVoteRequest(from, msg);
      case 'raft-vote-response':
      case 'raft-prevote-response':
        return this.election.onVoteResponse(from, msg);
      case 'raft-timeout-now':
        return this.election.onTimeoutNow(msg.term);
      case 'exchange-mass-status':
        return this.orders.onMassStatus(msg);
    }
  }

  onTimer(kind: string): void {
    if (kind === 'raft-stop-poll') return this.transfer.onPoll();
    if (this.halted) {
      if (kind === 'raft-halt-check') this.checkDiskAgain();
      return;
    }
    if (this.ctx.disk.failed) return this.halt('the disk failed');
    switch (kind) {
      case 'raft-election':
        return this.election.onTimer();
      case 'raft-heartbeat':
        return this.replication.onHeartbeat();
      case 'raft-check-quorum':
        return this.replication.onCheckQuorum();
      default:
        return;
    }
  }

  /** SIGTERM: etcd's `Stop` transfers leadership first (`raft-transfer.ts`), then exits. */
  onStop(_process: string | undefined, exit: () => void): void {
    this.transfer.onStop(exit);
  }

  // --- transitions ------------------------------------------------------------------------

  /** Steps down (or stays) as follower of `term`; a higher term forgets the vote, durably. */
  becomeFollower(term: number, leader: string | undefined): void {
    const wasLeader = this.role === 'leader';
    if (term > this.term) {
      this.term = term;
      this.votedFor = undefined;
      this.persistHardState();
    }
    this.role = 'follower';
    this.leaderId = leader;
    if (wasLeader) this.stopLeading();
    this.election.restartTimer();
    this.ctx.declareRole('follower', this.term);
  }

  becomePreCandidate(): void {
    if (this.role === 'leader') this.stopLeading();
    this.role = 'pre-candidate';
    this.leaderId = undefined;
    this.election.restartTimer();
    this.ctx.declareRole('candidate', this.term);
  }

  /** Raises the term and votes for itself (the caller persists it). */
  becomeCandidate(): void {
    if (this.role === 'leader') this.stopLeading();
    this.term++;
    this.votedFor = this.ctx.id;
    this.role = 'candidate';
    this.leaderId = undefined;
    this.election.restartTimer();
    this.ctx.declareRole('candidate', this.term);
  }

  /** Won the election: declare, fence the exchange, append the no-op (§8) and replicate it. */
  becomeLeader(): void {
    this.role = 'leader';
    this.leaderId = this.ctx.id;
    this.election.stopTimer();
    this.ctx.declareRole('primary', this.term);
    this.log.startIndexing();
    this.replication.startLeading();
    this.orders.startLeading();
    const noop: RaftEntry = { orderId: `(no-op of term ${this.term})`, term: this.term, noop: true };
    if (!this.appendAsLeader(noop)) return;
    this.replication.broadcast();
  }

  private stopLeading(): void {
    this.log.stopIndexing();
    this.snapshots.stopLeading();
    this.replication.stopLeading();
    this.orders.stopLeading();
  }

  /** Appends to the leader's own log; a refused write stops the node. */
  appendAsLeader(entry: RaftEntry): boolean {
    if (this.log.append(entry)) return true;
    this.halt('the disk refused a log write');
    return false;
  }

  /** An AppendEntries of the current term arrived. */
  heardFromLeader(): void {
    this.heardLeaderAt = this.ctx.monotonic();
    this.election.postpone();
  }

  persistHardState(done?: () => void): void {
    const state: HardState = { term: this.term, votedFor: this.votedFor ?? null };
    this.ctx.disk.put(HARD_STATE_KEY, state, done && ((ok) => ok && done()));
  }

  /** Stops taking part (see the header). */
  halt(reason: string): void {
    if (this.role === 'leader') this.stopLeading();
    this.election.stopTimer();
    this.halted = true;
    this.role = 'follower';
    this.leaderId = undefined;
    this.ctx.note(`stopped: ${reason}`);
    this.ctx.declareRole('down', this.term);
    this.ctx.setTimer(this.config.restartAfterHaltUs, 'raft-halt-check');
  }

  private checkDiskAgain(): void {
    const disk = this.ctx.disk;
    const dataGone = disk.get(HARD_STATE_KEY) === undefined;
    if (dataGone || disk.failed || disk.full) {
      if (!dataGone) this.ctx.setTimer(this.config.restartAfterHaltUs, 'raft-halt-check');
      return;
    }
    this.boot(false);
  }
}
