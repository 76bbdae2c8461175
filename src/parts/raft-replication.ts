/**
 * Raft log replication (§5.3) in etcd's shape: the leader keeps a Progress per follower, in
 * `probe` (one AppendEntries at a time until the follower's log is found to match) or
 * `replicate` (pipelined: AppendEntries go out without waiting for answers, up to
 * `maxInflightAppends` unanswered ones, etcd's `Inflights`; when the window is full only empty
 * heartbeats go until answers free it, etcd-io/raft raft.go `maybeSendAppend`). Heartbeats are
 * AppendEntries with no entries, every `heartbeatTicks`, and carry the commit index.
 *
 * Batching follows etcd's Ready loop (etcdserver/raft.go `raftNode.start`): a node processes one
 * Ready at a time, and the next waits until the previous one's WAL fsync is done (`Advance`).
 * The leader's Ready sends its queued AppendEntries first, then fsyncs the new entries; so orders
 * that arrive while an fsync is in flight wait for it, and the next Ready carries all of them in
 * one AppendEntries per follower (every entry not yet sent to it, up to `maxEntriesPerAppend`:
 * etcd's MaxSizePerMsg) under one fsync. A follower's Ready fsyncs everything it received since
 * the last, then answers once for all of it. Followers can therefore differ by the entries in
 * flight, in the network or in a follower's fsync, when a leader dies.
 *
 * A follower acknowledges only what is durable: it answers at once when nothing new needs an
 * fsync (a heartbeat), otherwise after the fsync. The leader counts itself only once its own
 * fsync is done, then commits by the current-term rule (`commitIndexFor`).
 *
 * Every answer echoes the `sentAt` of the latest AppendEntries the follower accepted: the
 * leader's lease (`leaseValid`) and CheckQuorum read it.
 */
import type { Micros } from '../sim/time.ts';
import type { InstallSnapshot } from './raft-snapshots.ts';
import type { TimerHandle } from '../world/actor.ts';
import { electionTimeoutUs, leaseUs, type AppendEntries, type AppendResponse, type RaftEntry } from './raft-config.ts';
import { RaftInflights } from './raft-inflights.ts';
import { commitIndexFor } from './raft-log.ts';
import type { RaftNode } from './raft-node.ts';

const NO_ENTRIES: readonly RaftEntry[] = [];

/** What the leader knows of one follower. */
class Progress {
  /** Next index to send. */
  next = 1;
  /** Highest index known durable and matching on the follower. */
  match = 0;
  /** Probe: the follower's match point is unknown; one AppendEntries in flight at a time. */
  probing = true;
  probeSent = false;
  /** Replicate: the last index of each unanswered AppendEntries with entries, oldest first. */
  readonly inflight = new RaftInflights();
  /** The leader's send time (monotonic) of the latest AppendEntries the follower answered. */
  answeredSentAt: Micros = -Infinity;
  /** When the leader last heard from it (monotonic), for CheckQuorum. */
  heardAt: Micros = -Infinity;

  constructor(
    readonly id: string,
    /** Whether it votes (counts for commit, lease and CheckQuorum); a learner does not. */
    readonly voter: boolean,
  ) {}
}

export class RaftReplication {
  private progress: Progress[] = [];
  private readonly byId = new Map<string, Progress>();
  private heartbeatTimer: TimerHandle | undefined;
  private checkQuorumTimer: TimerHandle | undefined;
  /** The ticks (monotonic instants) the running heartbeat and CheckQuorum timers were set for. */
  private heartbeatAt: Micros = 0;
  private checkQuorumAt: Micros = 0;
  private readonly matchScratch: Float64Array;
  /**
   * The entries of the last AppendEntries sent, by index range: a Ready sends the same range to
   * followers in step, and they share one array (a leader's log only grows, so a range's entries
   * do not change while it leads).
   */
  private sentFrom = 0;
  private sentTo = 0;
  private sentEntries: readonly RaftEntry[] = NO_ENTRIES;
  private readonly termAt = (index: number): number => this.node.log.termAt(index);
  // follower side
  /** Highest index known to match the current term's leader. */
  private verifiedIndex = 0;
  private verifiedTerm = -1;
  private latestSentAt: Micros = 0;
  /** An answer waits for an fsync. */
  private answerPending = false;

  constructor(private readonly node: RaftNode) {
    this.matchScratch = new Float64Array(node.voterPeers.length + 1);
  }

  // --- leader ---------------------------------------------------------------------------

  startLeading(): void {
    const { ctx, config, log, peers } = this.node;
    this.progress = peers.map((id) => new Progress(id, this.node.voterPeers.includes(id)));
    this.byId.clear();
    this.sentEntries = NO_ENTRIES;
    this.sentFrom = this.sentTo = 0;
    for (const p of this.progress) {
      p.next = log.lastIndex + 1;
      this.byId.set(p.id, p);
    }
    // etcd's reset() zeroes heartbeatElapsed and electionElapsed: both count from this tick
    this.heartbeatAt = this.checkQuorumAt = ctx.monotonic();
    this.heartbeatTimer = this.armAfterTicks('heartbeatAt', config.heartbeatTicks, 'raft-heartbeat');
    if (config.checkQuorum) this.checkQuorumTimer = this.armAfterTicks('checkQuorumAt', config.electionTicks, 'raft-check-quorum');
  }

  /**
   * Sets a leader timer for the `ticks`-th tick after the one it was last set for (so a timer
   * that fires a microsecond early under clock drift does not fire twice for one tick).
   */
  private armAfterTicks(at: 'heartbeatAt' | 'checkQuorumAt', ticks: number, kind: string): TimerHandle {
    const { ctx, ticker } = this.node;
    this[at] = ticker.nthTickAfter(this[at], ticks);
    return ctx.setTimer(this[at] - ctx.monotonic(), kind);
  }

  stopLeading(): void {
    const ctx = this.node.ctx;
    ctx.cancelTimer(this.heartbeatTimer);
    ctx.cancelTimer(this.checkQuorumTimer);
    this.heartbeatTimer = this.checkQuorumTimer = undefined;
    this.progress = [];
    this.byId.clear();
    this.sentEntries = NO_ENTRIES;
    this.sentFrom = this.sentTo = 0;
  }

  /**
   * New entries were appended: the Ready loop sends them to every follower and fsyncs them, now
   * or, while an fsync is in flight, once it is done.
   */
  broadcast(): void {
    this.ready();
  }

  /** The leader's Ready: queued AppendEntries go out, then one fsync of the new entries. */
  private ready(): void {
    const node = this.node;
    if (node.log.syncing) return; // the next Ready waits for this fsync (etcd: Advance)
    for (const p of this.progress) if (!p.probing || !p.probeSent) this.sendAppend(p, false);
    node.log.sync();
  }

  /**
   * Whether a majority (this leader included) answered an AppendEntries sent less than the
   * lease ago. Its voters then ignore vote requests for T after that send, so no other leader
   * can exist yet: acting (acking a client, sending to the exchange) is safe.
   */
  leaseValid(): boolean {
    const node = this.node;
    if (node.transfer.timeoutNowSent) return false; // forced votes void the lease (raft-transfer.ts)
    let fresh = 1;
    const since = node.ctx.monotonic() - leaseUs(node.config);
    for (const p of this.progress) if (p.voter && p.answeredSentAt >= since) fresh++;
    return fresh >= node.majority;
  }

  /** The leader's view of follower `id` (undefined when not leading). */
  progressOf(id: string): { readonly match: number; readonly heardAt: Micros } | undefined {
    return this.byId.get(id);
  }

  onHeartbeat(): void {
    const node = this.node;
    this.heartbeatTimer = this.armAfterTicks('heartbeatAt', node.config.heartbeatTicks, 'raft-heartbeat');
    for (const p of this.progress) this.sendAppend(p, true);
    node.orders.onHeartbeat();
  }

  /** CheckQuorum: a leader that has not heard from a majority for T steps down. */
  onCheckQuorum(): void {
    const node = this.node;
    const since = node.ctx.monotonic() - electionTimeoutUs(node.config);
    let active = 1;
    for (const p of this.progress) if (p.voter && p.heardAt >= since) active++;
    if (active < node.majority) {
      node.ctx.note(`check-quorum: heard from ${active} of ${node.voterPeers.length + 1} within the election timeout; stepping down`);
      this.checkQuorumTimer = undefined;
      node.becomeFollower(node.term, undefined);
      return;
    }
    this.checkQuorumTimer = this.armAfterTicks('checkQuorumAt', node.config.electionTicks, 'raft-check-quorum');
  }

  private sendAppend(p: Progress, heartbeat: boolean): void {
    const node = this.node;
    const log = node.log;
    if (p.next - 1 < log.compactedIndex && !node.snapshots.pending(p.id)) {
      p.probing = true;
      p.inflight.reset();
      if (p.heardAt >= node.ctx.monotonic() - electionTimeoutUs(node.config)) {
        // the entries it needs are compacted: it gets the snapshot, and appends to it pause
        p.next = node.snapshots.send(p.id) + 1;
        p.probeSent = true;
        return;
      }
      // not heard from lately (etcd's maybeSendSnapshot skips a follower not RecentActive): a
      // probe from the first entry still held finds out whether it is there
      if (!heartbeat) return;
      p.next = log.compactedIndex + 1;
      p.probeSent = false;
    }
    const last = log.lastIndex;
    // a probe already in flight is not repeated with its entries: an empty one finds the match;
    // entries go only in a Ready (not during the leader's fsync) and within the inflight window
    const windowFull = !p.probing && p.inflight.count >= node.config.maxInflightAppends;
    const withEntries = p.next <= last && !(p.probing && p.probeSent) && !log.syncing && !windowFull;
    if (!withEntries && !heartbeat) return;
    const entries = withEntries ? this.entriesFor(p.next, Math.min(last, p.next + node.config.maxEntriesPerAppend - 1)) : NO_ENTRIES;
    const prevIndex = p.next - 1;
    const msg: AppendEntries = {
      type: 'raft-append',
      term: node.term,
      prevIndex,
      prevTerm: log.termAt(prevIndex),
      entries,
      commit: node.commitIndex,
      exchangeKnown: node.orders.exchangeKnownToShare(),
      sentAt: node.ctx.monotonic(),
    };
    node.ctx.send(p.id, msg);
    if (p.probing) p.probeSent = true;
    else {
      p.next = prevIndex + entries.length + 1;
      if (entries.length > 0) p.inflight.add(p.next - 1);
    }
  }

  /** Entries `from` to `to` (inclusive), shared with the previous AppendEntries if it had the same. */
  private entriesFor(from: number, to: number): readonly RaftEntry[] {
    if (from !== this.sentFrom || to !== this.sentTo) {
      this.sentEntries = this.node.log.slice(from, to);
      this.sentFrom = from;
      this.sentTo = to;
    }
    return this.sentEntries;
  }

  onAppendResponse(from: string, m: AppendResponse): void {
    const node = this.node;
    if (m.term > node.term) return node.becomeFollower(m.term, undefined);
    if (node.role !== 'leader' || m.term !== node.term) return;
    const p = this.byId.get(from);
    if (!p) return;
    p.heardAt = node.ctx.monotonic();
    if (m.sentAt > p.answeredSentAt) p.answeredSentAt = m.sentAt;
    if (m.success) {
      node.snapshots.answered(from);
      if (m.durableIndex > p.match) p.match = m.durableIndex;
      p.inflight.freeLE(m.matchedIndex);
      if (p.probing) {
        p.probing = false;
        p.probeSent = false;
        p.next = m.matchedIndex + 1;
      } else if (m.matchedIndex + 1 > p.next) {
        p.next = m.matchedIndex + 1;
      }
      this.maybeCommit();
      if (p.next <= node.log.lastIndex) this.sendAppend(p, false); // catching up, batch by batch
      node.transfer.maybeSendTimeoutNow();
    } else if (this.backOff(p, m.rejectedIndex, m.hintIndex)) {
      this.sendAppend(p, true);
    }
    node.orders.applyCommitted();
  }

  /** A refusal: probe from where the follower's log can match. False if the refusal is stale. */
  private backOff(p: Progress, rejectedIndex: number, hintIndex: number): boolean {
    if (this.node.snapshots.pending(p.id)) return false; // it lacks what the snapshot brings
    if (p.probing ? rejectedIndex !== p.next - 1 : rejectedIndex <= p.match) return false;
    p.probing = true;
    p.probeSent = false;
    p.inflight.reset();
    p.next = Math.max(p.match + 1, Math.min(rejectedIndex, hintIndex + 1));
    return true;
  }

  /** Advances the commit index by the current-term rule, this leader counted once durable. */
  maybeCommit(): void {
    const node = this.node;
    const scratch = this.matchScratch;
    scratch[0] = node.log.durableIndex;
    let n = 1;
    for (const p of this.progress) if (p.voter) scratch[n++] = p.match;
    node.commitIndex = commitIndexFor(scratch, node.majority, node.term, this.termAt, node.commitIndex);
  }

  // --- follower -------------------------------------------------------------------------

  onAppend(from: string, m: AppendEntries): void {
    const node = this.node;
    if (m.term < node.term) return this.answer(from, false, m.prevIndex, 0, m.sentAt); // a deposed leader learns the term
    this.follow(from, m.term, m.sentAt);
    const log = node.log;
    let prevIndex = m.prevIndex;
    let entries = m.entries;
    if (prevIndex < log.compactedIndex) {
      // entries this node compacted are committed, so they match any current leader's (etcd's
      // handleAppendEntries answers below its commit index without checking terms)
      const skip = Math.min(entries.length, log.compactedIndex - prevIndex);
      entries = skip === 0 ? entries : entries.slice(skip);
      prevIndex = Math.max(prevIndex + skip, log.compactedIndex);
    } else if (log.termAt(prevIndex) !== m.prevTerm) {
      return this.answer(from, false, m.prevIndex, log.rejectHint(m.prevIndex, node.commitIndex), this.latestSentAt);
    }
    if (entries.length > 0 && !log.merge(prevIndex, entries)) return node.halt('the disk refused a log write');
    log.sync(); // the follower's Ready: one fsync for all it received (or at the next, if one is in flight)
    const matched = m.prevIndex + m.entries.length;
    if (matched > this.verifiedIndex) this.verifiedIndex = matched;
    const commit = Math.min(m.commit, this.verifiedIndex);
    if (commit > node.commitIndex) node.commitIndex = commit;
    node.orders.learnExchangeKnown(m.exchangeKnown);
    node.snapshots.afterApply(node.commitIndex);
    if (log.durableIndex >= this.verifiedIndex) this.answer(from, true, 0, 0, this.latestSentAt);
    else this.answerPending = true;
  }

  /**
   * A message from a leader of this node's term or a later one (AppendEntries or a snapshot):
   * follow it, and start the prefix verified against it afresh in a new term.
   */
  private follow(from: string, term: number, sentAt: Micros): void {
    const node = this.node;
    if (term > node.term || node.role !== 'follower') node.becomeFollower(term, from);
    node.leaderId = from;
    node.heardFromLeader();
    if (this.verifiedTerm !== node.term) {
      this.verifiedTerm = node.term;
      this.verifiedIndex = 0;
      this.answerPending = false;
    }
    if (sentAt > this.latestSentAt) this.latestSentAt = sentAt;
  }

  /** A leader's snapshot (the entries this follower needs are compacted on the leader). */
  onSnapshot(from: string, m: InstallSnapshot): void {
    const node = this.node;
    if (m.term < node.term) return this.answer(from, false, m.index, 0, m.sentAt);
    this.follow(from, m.term, m.sentAt);
    node.snapshots.install(m);
    if (m.index > this.verifiedIndex) this.verifiedIndex = m.index;
    if (node.log.durableIndex >= this.verifiedIndex) this.answer(from, true, 0, 0, this.latestSentAt);
    else this.answerPending = true;
  }

  /**
   * An fsync finished: the Ready loop goes on. The leader may commit, and sends and fsyncs what
   * queued meanwhile; a follower answers for what is now durable and fsyncs what arrived meanwhile.
   */
  onSynced(): void {
    const node = this.node;
    if (node.role === 'leader') {
      this.maybeCommit();
      node.orders.applyCommitted();
      if (node.role === 'leader') this.ready();
      node.orders.onReadyDone(node.log.syncing);
      return;
    }
    node.log.sync();
    if (this.answerPending && node.role === 'follower' && node.leaderId !== undefined && this.verifiedTerm === node.term) {
      if (node.log.durableIndex >= this.verifiedIndex) this.answerPending = false;
      this.answer(node.leaderId, true, 0, 0, this.latestSentAt);
    }
    node.orders.onReadyDone(node.log.syncing);
  }

  private answer(to: string, success: boolean, rejectedIndex: number, hintIndex: number, sentAt: Micros): void {
    const node = this.node;
    const matched = success ? this.verifiedIndex : 0;
    const msg: AppendResponse = {
      type: 'raft-append-response',
      term: node.term,
      success,
      matchedIndex: matched,
      durableIndex: Math.min(matched, node.log.durableIndex),
      rejectedIndex,
      hintIndex,
      sentAt,
    };
    node.ctx.send(to, msg);
  }
}
