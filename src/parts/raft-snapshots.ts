/**
 * Raft log compaction and snapshot catch-up, as etcd does them, so a node's log stays bounded
 * in a long run:
 *
 * - a node snapshots its applied state every `snapshotCount` applied entries and then compacts
 *   its in-memory log to `snapshotCatchUpEntries` before the snapshot, keeping those for slow
 *   followers (etcd v3.5.17 server/etcdserver/server.go: `triggerSnapshot`, line 1491,
 *   `ep.appliedi-ep.snapi <= s.Cfg.SnapshotCount`; `DefaultSnapshotCount = 100000`, line 74
 *   (10,000 from v3.6); the compaction goroutine, line 2596, `compacti = snapi -
 *   SnapshotCatchUpEntries`, `DefaultSnapshotCatchUpEntries = 5000`, line 81);
 * - a leader does not compact while a snapshot it sent is in flight (same place, line 2589:
 *   "skip compaction since there is an inflight snapshot");
 * - a follower that needs an entry the leader compacted gets the snapshot instead, if the
 *   leader heard from it within an election timeout (etcd-io/raft raft.go `maybeSendAppend`:
 *   the term or entries at `Next` are unavailable -> `maybeSendSnapshot`, which skips a
 *   follower that is not `RecentActive`; hasim probes it from the first entry still held
 *   until it answers), and `BecomeSnapshot(sindex)` pauses appends to it until the
 *   follower answers); the follower restores it unless it already committed that far (raft.go
 *   `restore`: ignored at or below its commit index; fast-forwarded when its own log has the
 *   snapshot's entry) and answers with its last index (`handleSnapshot`). A snapshot lost on
 *   the way is sent again after an election timeout without an answer (etcd learns it from
 *   rafthttp's failed send, `ReportSnapshot`).
 *
 * hasim's state machine is the set of orders, so a snapshot is the log's compact prefix
 * (`DiskSnapshot`: the order ids as a set). Two model choices: a node compacts no further than
 * the orders known to be at the exchange (`exchangeKnown`), and a leader's snapshot stops
 * there too, since the exchange reconciliation reads the log's entries above that point (a
 * trading application keeps its unconfirmed orders in its own journal); and a snapshot's
 * transfer and save take one message's time, whatever its size.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg } from '../world/actor.ts';
import type { DiskSnapshot } from '../world/disk.ts';
import { electionTimeoutUs } from './raft-config.ts';
import type { RaftNode } from './raft-node.ts';

/** etcd v3.5 `DefaultSnapshotCount`. */
export const DEFAULT_SNAPSHOT_COUNT = 100_000;
/** etcd `DefaultSnapshotCatchUpEntries`. */
export const DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5_000;

/** Leader -> follower: the state up to `snapshot.length` (etcd MsgSnap). */
export interface InstallSnapshot extends Msg {
  type: 'raft-snapshot';
  term: number;
  snapshot: DiskSnapshot;
  /** The snapshot's last index and term. */
  index: number;
  snapshotTerm: number;
  exchangeKnown: number;
  sentAt: Micros;
}

export class RaftSnapshots {
  /** The applied index of the latest snapshot (etcd `ep.snapi`). */
  private snapshotIndex: number;
  /** Followers with a snapshot in flight: when it was sent (monotonic). */
  private readonly inFlight = new Map<string, Micros>();

  constructor(private readonly node: RaftNode) {
    this.snapshotIndex = node.log.compactedIndex;
  }

  private get snapshotCount(): number {
    return this.node.config.snapshotCount ?? DEFAULT_SNAPSHOT_COUNT;
  }

  /**
   * Entries up to `applied` have been applied: every `snapshotCount` of them, a snapshot, and
   * the log compacted to `snapshotCatchUpEntries` before it.
   */
  afterApply(applied: number): void {
    if (applied - this.snapshotIndex <= this.snapshotCount) return;
    this.snapshotIndex = applied;
    const node = this.node;
    if (node.role === 'leader' && this.anyInFlight()) return;
    const catchUp = node.config.snapshotCatchUpEntries ?? DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES;
    const upTo = Math.min(applied - catchUp, node.orders.exchangeKnownToShare(), node.log.durableIndex);
    if (upTo > node.log.compactedIndex) node.log.compact(upTo);
  }

  private anyInFlight(): boolean {
    const since = this.node.ctx.monotonic() - electionTimeoutUs(this.node.config);
    for (const sentAt of this.inFlight.values()) if (sentAt >= since) return true;
    return false;
  }

  /** Whether a snapshot sent to `follower` awaits its answer (appends to it are paused). */
  pending(follower: string): boolean {
    const sentAt = this.inFlight.get(follower);
    if (sentAt === undefined) return false;
    if (sentAt >= this.node.ctx.monotonic() - electionTimeoutUs(this.node.config)) return true;
    this.inFlight.delete(follower); // lost on the way: the next append sends it again
    return false;
  }

  /** The follower answered after the snapshot: appends go on. */
  answered(follower: string): void {
    this.inFlight.delete(follower);
  }

  stopLeading(): void {
    this.inFlight.clear();
  }

  /**
   * Sends `follower` the latest snapshot, no further than the orders known at the exchange, and
   * returns its last index (the follower's next index is the one after it).
   */
  send(follower: string): number {
    const node = this.node;
    const log = node.log;
    const index = Math.max(log.compactedIndex, Math.min(this.snapshotIndex, node.orders.exchangeKnownToShare(), node.commitIndex));
    const msg: InstallSnapshot = {
      type: 'raft-snapshot',
      term: node.term,
      snapshot: log.snapshot(index),
      index,
      snapshotTerm: log.termAt(index),
      exchangeKnown: node.orders.exchangeKnownToShare(),
      sentAt: node.ctx.monotonic(),
    };
    node.ctx.note(`sending a snapshot to ${follower} (index ${index}): the entries it needs are compacted`);
    node.ctx.send(follower, msg);
    this.inFlight.set(follower, msg.sentAt);
    return index;
  }

  /**
   * Follower: restores a leader's snapshot unless its log already has it; returns whether its
   * log now matches the leader's up to the snapshot's index.
   */
  install(m: InstallSnapshot): boolean {
    const node = this.node;
    const log = node.log;
    node.orders.learnExchangeKnown(m.exchangeKnown);
    if (m.index <= node.commitIndex) return true; // raft `restore`: obsolete, already committed
    if (log.termAt(m.index) === m.snapshotTerm) {
      node.commitIndex = m.index; // fast-forward: the log has the snapshot's entry
      return true;
    }
    node.ctx.note(`restoring a snapshot from the leader (index ${m.index})`);
    log.restore(m.snapshot);
    node.commitIndex = m.index;
    this.snapshotIndex = m.index;
    return true;
  }
}
