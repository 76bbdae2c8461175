/**
 * Raft leader election (§5.2 of the paper) with etcd's additions: PreVote (the dissertation's
 * §9.6) and, under CheckQuorum, leader stickiness ("a server that heard from a leader within
 * the minimum election timeout ignores vote requests", paper §6; etcd's `inLease`).
 *
 *   follower --timeout--> [pre-candidate --majority of pre-votes-->] candidate --majority--> leader
 *       ^                                                                 |
 *       +--------------- a higher term, or a leader of this term ---------+
 *
 * The election timer counts ticks of the node's own free-running ticker (`raft-ticker.ts`), as
 * etcd's `tickElection` does (etcd-io/raft raft.go): a follower campaigns at the R-th tick after
 * it last heard from a leader, R drawn uniformly in [T, max) ticks at each transition (etcd's
 * `resetRandomizedElectionTimeout`, max = 2T; the Raft paper's Figure 16 varies both ends, on
 * continuous timers: a tick of 1 us). A learner never campaigns and is never asked for a vote.
 * Hearing from the leader only moves the count's start; the one timer re-arms itself lazily
 * when it fires early, so a steady stream of AppendEntries costs no timer operations.
 *
 * CheckQuorum's lease is counted the same way (raft.go `Step`: `inLease := r.checkQuorum &&
 * r.lead != None && r.electionElapsed < r.electionTimeout`): a follower ignores a vote request
 * until T of its own ticks have passed since it heard the leader, which can be a tick less than
 * T. When the first candidate fires at R = T ticks, the other voter's ticker may still be a tick
 * short: the request is ignored, the candidate's term is lost, and without PreVote the election
 * takes a second round (3 of 30 etcd 3.4 leader kills, calibration/fixtures). With PreVote only
 * the poll is lost: the ignoring voter, once its own timeout fires, wins the poll from the
 * (pre-)candidate, which has no leader and so no lease, and the term is raised once.
 *
 * A vote is granted only once the vote (with the term) is durable (`disk.put` + fsync); the
 * candidate counts its own vote only once that is durable too.
 */
import type { Micros } from '../sim/time.ts';
import type { TimerHandle } from '../world/actor.ts';
import type { VoteRequest, VoteResponse } from './raft-config.ts';
import type { RaftNode } from './raft-node.ts';
import { emitsProbe } from '../world/probes.ts';
import { ELECTION_STARTED as SHARED_STARTED, ELECTION_WON as SHARED_WON } from './common-probes.ts';

const ELECTION_STARTED = emitsProbe(import.meta.url, SHARED_STARTED);
const ELECTION_WON = emitsProbe(import.meta.url, SHARED_WON);

export class RaftElection {
  /** The current randomised timeout R, in ticks. */
  private timeoutTicks = 0;
  /** Monotonic instant the timeout counts from (last transition, vote granted or leader heard). */
  private since: Micros = 0;
  private timer: TimerHandle | undefined;
  /** Voters (other than this node) that granted this node's (pre-)vote in its current attempt. */
  private readonly granted = new Set<string>();
  /** Whether this candidate's vote for itself is durable. */
  private ownVoteDurable = false;

  constructor(private readonly node: RaftNode) {}

  /**
   * Restarts the countdown with a freshly drawn timeout (every role transition); `advanceTicks`
   * count as already elapsed (etcd's initial election tick advance).
   */
  restartTimer(advanceTicks = 0): void {
    const { ctx, config } = this.node;
    const spreadTicks = config.electionTicksMax - config.electionTicks;
    this.timeoutTicks = config.electionTicks + Math.floor(ctx.rng.float() * spreadTicks) - advanceTicks;
    this.since = ctx.monotonic();
    ctx.cancelTimer(this.timer);
    this.timer = ctx.setTimer(this.deadline() - this.since, 'raft-election');
  }

  /** The leader was heard (or a vote granted): the countdown starts again, lazily. */
  postpone(): void {
    this.since = this.node.ctx.monotonic();
  }

  stopTimer(): void {
    this.node.ctx.cancelTimer(this.timer);
    this.timer = undefined;
  }

  /** The tick at which the current countdown ends. */
  private deadline(): Micros {
    return this.node.ticker.nthTickAfter(this.since, this.timeoutTicks);
  }

  onTimer(): void {
    const node = this.node;
    this.timer = undefined;
    if (node.role === 'leader' || !node.isVoter) return;
    const remaining = this.deadline() - node.ctx.monotonic();
    if (remaining > 0) {
      this.timer = node.ctx.setTimer(remaining, 'raft-election');
      return;
    }
    if (node.config.preVote) this.startPreVote();
    else this.startCampaign();
  }

  /**
   * Under CheckQuorum, whether this node believes a leader is alive: it is the leader, or a
   * follower that heard from one (or booted) fewer than T of its ticks ago. Such a node ignores
   * vote requests, so a partitioned node cannot depose a working leader, and a leader's majority
   * cannot vote for anyone else within T - 1 tick of answering it: the leader's lease rests on
   * this. A (pre-)candidate has no leader (etcd: `r.lead == None`), so it is never in lease.
   */
  inLease(): boolean {
    const node = this.node;
    if (!node.config.checkQuorum) return false;
    if (node.role === 'leader') return true;
    if (node.role !== 'follower') return false;
    return node.ticker.ticksBetween(node.heardLeaderAt, node.ctx.monotonic()) < node.config.electionTicks;
  }

  private startPreVote(): void {
    const node = this.node;
    node.becomePreCandidate();
    this.granted.clear();
    this.ownVoteDurable = true; // a pre-vote changes nothing durable
    this.request('raft-prevote', node.term + 1);
    this.checkWon();
  }

  /**
   * The leader handed over its leadership (etcd raft `MsgTimeoutNow`): a voter of the same term
   * campaigns at once, without PreVote or waiting for its timeout, and asks for forced votes.
   */
  onTimeoutNow(term: number): void {
    const node = this.node;
    if (!node.isVoter || node.role === 'leader' || term !== node.term) return;
    this.startCampaign(true);
  }

  /** Raises the term, votes for itself (counted once durable) and asks the others. */
  private startCampaign(force = false): void {
    const node = this.node;
    node.ctx.probe(ELECTION_STARTED);
    node.becomeCandidate();
    this.granted.clear();
    this.ownVoteDurable = false;
    const term = node.term;
    node.persistHardState(() => {
      if (node.role !== 'candidate' || node.term !== term) return;
      this.ownVoteDurable = true;
      this.checkWon();
    });
    this.request('raft-vote', term, force);
  }

  private request(type: VoteRequest['type'], term: number, force = false): void {
    const { ctx, log, voterPeers } = this.node;
    const msg: VoteRequest = { type, term, lastIndex: log.lastIndex, lastTerm: log.lastTerm };
    if (force) msg.force = true;
    for (const peer of voterPeers) ctx.send(peer, msg);
  }

  onVoteRequest(from: string, m: VoteRequest): void {
    const node = this.node;
    if (m.term > node.term && !m.force && this.inLease()) return; // etcd: ignored, no answer
    const pre = m.type === 'raft-prevote';
    if (m.term < node.term) return this.answer(from, pre, node.term, false);
    if (pre) {
      // a pre-vote changes nothing here: grant if a real vote in m.term could be granted
      const canVote = m.term > node.term || node.votedFor === from || (node.votedFor === undefined && node.leaderId === undefined);
      const grant = canVote && node.log.isUpToDate(m.lastTerm, m.lastIndex);
      return this.answer(from, true, grant ? m.term : node.term, grant);
    }
    if (m.term > node.term) node.becomeFollower(m.term, undefined);
    const canVote = node.votedFor === from || (node.votedFor === undefined && node.leaderId === undefined);
    if (!canVote || !node.log.isUpToDate(m.lastTerm, m.lastIndex)) return this.answer(from, false, node.term, false);
    node.votedFor = from;
    this.postpone();
    const term = node.term;
    node.persistHardState(() => {
      if (node.term === term && node.votedFor === from) this.answer(from, false, term, true);
    });
  }

  onVoteResponse(from: string, m: VoteResponse): void {
    const node = this.node;
    if (m.type === 'raft-prevote-response') {
      if (node.role !== 'pre-candidate') return;
      if (m.granted && m.term === node.term + 1) {
        this.granted.add(from);
        this.checkWon();
      } else if (!m.granted && m.term > node.term) {
        node.becomeFollower(m.term, undefined);
      }
      return;
    }
    if (m.term > node.term) return node.becomeFollower(m.term, undefined);
    if (node.role !== 'candidate' || m.term !== node.term || !m.granted) return;
    this.granted.add(from);
    this.checkWon();
  }

  private checkWon(): void {
    const node = this.node;
    if (!this.ownVoteDurable || this.granted.size + 1 < node.majority) return;
    if (node.role === 'pre-candidate') this.startCampaign();
    else if (node.role === 'candidate') {
      node.ctx.probe(ELECTION_WON);
      node.becomeLeader();
    }
  }

  private answer(to: string, pre: boolean, term: number, granted: boolean): void {
    const msg: VoteResponse = { type: pre ? 'raft-prevote-response' : 'raft-vote-response', term, granted };
    this.node.ctx.send(to, msg);
  }
}
