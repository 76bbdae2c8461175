/**
 * Raft's settings and the messages its nodes exchange. The settings are etcd's (see
 * `models/raft.ts` for the source of every default); the messages follow Figure 2 of the
 * Raft paper (Ongaro & Ousterhout 2014), plus etcd's PreVote and two fields hasim needs:
 * `sentAt` (the leader's monotonic send time, echoed back, so a leader knows how fresh its
 * majority is) and `exchangeKnown` (how far every order is known to be at the exchange).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';

export interface RaftConfig {
  /**
   * The length of one tick of each node's free-running ticker (see `raft-ticker.ts`); every
   * timeout below is counted in these ticks. etcd: the server's `--heartbeat-interval`. 1 (the
   * simulator's resolution): no ticker, continuous timers in microseconds.
   */
  tickUs: Micros;
  /** How often a leader sends AppendEntries to every follower, even when idle (etcd: 1 tick). */
  heartbeatTicks: number;
  /** The base election timeout T: a follower campaigns after a random timeout in [T, max) ticks. */
  electionTicks: number;
  /** The upper end of the randomised timeout (exclusive; equal to T: no randomness). etcd: 2T. */
  electionTicksMax: number;
  /**
   * The voting members; the others are learners (etcd `member add --learner`): they receive
   * the log but never vote, campaign or count towards a majority.
   */
  voters: readonly string[];
  learners: readonly string[];
  /** Whether a node first asks whether it could win (PreVote) before raising its term. */
  preVote: boolean;
  /** Whether a leader steps down without hearing from a majority for T, and whether nodes that
   * heard from a leader within T ignore vote requests (etcd ties both to CheckQuorum). */
  checkQuorum: boolean;
  /** Most entries one AppendEntries carries. */
  maxEntriesPerAppend: number;
  /** Most unanswered AppendEntries with entries per follower (etcd's MaxInflightMsgs). */
  maxInflightAppends: number;
  /** A node stopped by a disk error tries again after this long (its supervisor's restart). */
  restartAfterHaltUs: Micros;
  /**
   * A follower that knows a leader forwards a client's proposal to it (etcd), instead of
   * refusing it with a leader hint. Optional: absent means false.
   */
  forwardProposals?: boolean;
  /** A snapshot every this many applied entries, then compaction (etcd --snapshot-count). Optional: `raft-snapshots.ts` defaults. */
  snapshotCount?: number;
  /** Entries kept before a snapshot's index when compacting, for slow followers (etcd SnapshotCatchUpEntries). */
  snapshotCatchUpEntries?: number;
}

/** Whether timeouts run on a ticker (etcd) rather than continuously (tick of 1 us). */
export function ticked(config: RaftConfig): boolean {
  return config.tickUs > 1;
}

/** The base election timeout T in microseconds. */
export function electionTimeoutUs(config: RaftConfig): Micros {
  return config.electionTicks * config.tickUs;
}

/**
 * How long a leader may act on a majority's last answers: T minus one heartbeat, a margin for
 * clock drift between the leader and its voters, and, on a ticker, minus one more tick: a voter
 * counts T in its own ticks from the answer, so it may vote again a tick less than T after it
 * (see the lease argument in `raft-node.ts`).
 */
export function leaseUs(config: RaftConfig): Micros {
  const quantisationUs = ticked(config) ? config.tickUs : 0;
  return (config.electionTicks - config.heartbeatTicks) * config.tickUs - quantisationUs;
}

/** The smallest majority of `nodes` voters. */
export function majorityOf(nodes: number): number {
  return Math.floor(nodes / 2) + 1;
}

/** A log entry: a client's order, or the no-op a new leader appends. */
export interface RaftEntry extends DiskEntry {
  orderId: string;
  term: number;
  /** True for a leader's no-op (its `orderId` is a label no client uses). */
  noop?: boolean;
}

/** Leader -> follower: entries after (prevIndex, prevTerm), or none (a heartbeat). */
export interface AppendEntries extends Msg {
  type: 'raft-append';
  term: number;
  prevIndex: number;
  prevTerm: number;
  entries: readonly RaftEntry[];
  /** The leader's commit index. */
  commit: number;
  /** Every order at or below this index is known to have been sent to the exchange. */
  exchangeKnown: number;
  /** The leader's monotonic clock when it sent this. */
  sentAt: Micros;
}

/** Follower -> leader. */
export interface AppendResponse extends Msg {
  type: 'raft-append-response';
  term: number;
  success: boolean;
  /** Highest index known to match the leader's log (success only). */
  matchedIndex: number;
  /** Highest index both matching and durable on this follower (success only). */
  durableIndex: number;
  /** On refusal: the prevIndex refused, and where the leader should look instead. */
  rejectedIndex: number;
  hintIndex: number;
  /** The `sentAt` of the latest AppendEntries this follower accepted in `term`. */
  sentAt: Micros;
}

/** Candidate -> voter (`raft-vote`), or a pre-candidate's poll (`raft-prevote`, term + 1). */
export interface VoteRequest extends Msg {
  type: 'raft-vote' | 'raft-prevote';
  term: number;
  lastIndex: number;
  lastTerm: number;
  /**
   * A leadership transfer's campaign (etcd raft `campaignTransfer`): voters grant it even within
   * their CheckQuorum lease, since the leader asked for it (see `raft-transfer.ts`).
   */
  force?: boolean;
}

/** Leader -> its chosen successor: campaign now (etcd raft `MsgTimeoutNow`). */
export interface TimeoutNow extends Msg {
  type: 'raft-timeout-now';
  term: number;
}

export interface VoteResponse extends Msg {
  type: 'raft-vote-response' | 'raft-prevote-response';
  term: number;
  granted: boolean;
}
