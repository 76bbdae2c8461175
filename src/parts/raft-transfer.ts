/**
 * Leadership transfer on a graceful stop (SIGTERM), as etcd does it: a leader that is asked to
 * stop hands its leadership to a follower first, so a planned restart costs a round trip or two,
 * not an election timeout.
 *
 *   leader: SIGTERM --> transferring (proposals refused) --transferee caught up--> TimeoutNow
 *   transferee: TimeoutNow --> campaigns at once (no PreVote, no wait), votes ignore the lease
 *   leader: hears the higher term --> follower; exits once it knows the transferee leads
 *
 * Sources (etcd v3.5): server/etcdserver/server.go `Stop` calls `TryTransferLeadershipOnShutdown`
 * (only a leader with other voters transfers), which picks a transferee (`longestConnected`) and
 * calls `MoveLeader`: `r.TransferLeadership`, then it polls every `TickMs` until `Lead()` is the
 * transferee, giving up after `ReqTimeout()` (5 s + 2 x election timeout); then `HardStop`.
 * etcd-io/raft raft.go `stepLeader` case `MsgTransferLeader`: if the transferee's `Match` is the
 * leader's last index it sends `MsgTimeoutNow` at once, else it sends it entries and sends
 * `MsgTimeoutNow` when a `MsgAppResp` shows it caught up; while `leadTransferee` is set proposals
 * are dropped (`ErrProposalDropped`), and the transfer is abandoned after an election timeout
 * (`tickHeartbeat` → `abortLeaderTransfer`). `MsgTimeoutNow` makes the transferee `hup` with
 * `campaignTransfer`: a real campaign (no PreVote) whose vote requests voters grant even within
 * their CheckQuorum lease (`Step`: `force := bytes.Equal(m.Context, []byte(campaignTransfer))`).
 *
 * The transferee: etcd's `longestConnected` picks the member whose peer stream has been up
 * longest, which in a steady cluster says nothing about the log; the model takes, among the
 * voters the leader heard from within the election timeout, the one with the most of the log
 * (ties by member order), so no catch-up is modelled where etcd might wait one. The old leader's
 * lease ends when it sends TimeoutNow: the forced votes break the argument it rests on (see
 * `raft-node.ts`), so from then on it neither acks nor sends to the exchange (conservative: etcd
 * would still apply, and its acks of committed entries would be correct).
 */
import type { Micros } from '../sim/time.ts';
import type { TimerHandle } from '../world/actor.ts';
import { electionTimeoutUs, type TimeoutNow } from './raft-config.ts';
import type { RaftNode } from './raft-node.ts';

/** etcd `ReqTimeout()`: 5 s plus twice the election timeout. */
function requestTimeoutUs(node: RaftNode): Micros {
  return 5_000_000 + 2 * electionTimeoutUs(node.config);
}

export class RaftTransfer {
  /** The follower leadership is being handed to (etcd `leadTransferee`), while transferring. */
  transferee: string | undefined;
  /** TimeoutNow went out: the old leader's lease no longer holds. */
  timeoutNowSent = false;
  private exit: (() => void) | undefined;
  private pollTimer: TimerHandle | undefined;
  private startedAt: Micros = 0;

  constructor(private readonly node: RaftNode) {}

  /** SIGTERM: a leader transfers first, anything else exits at once (etcd `Stop`). */
  onStop(exit: () => void): void {
    const node = this.node;
    const target = node.role === 'leader' && !node.halted ? this.pickTransferee() : undefined;
    if (target === undefined) return exit();
    this.exit = exit;
    this.transferee = target;
    this.startedAt = node.ctx.monotonic();
    node.ctx.note(`SIGTERM: transferring leadership to ${target} before exiting`);
    this.maybeSendTimeoutNow();
    this.pollTimer = node.ctx.setTimer(node.config.tickUs, 'raft-stop-poll');
  }

  private pickTransferee(): string | undefined {
    const node = this.node;
    const since = node.ctx.monotonic() - electionTimeoutUs(node.config);
    let best: string | undefined;
    let bestMatch = -1;
    for (const id of node.voterPeers) {
      const p = node.replication.progressOf(id);
      if (p === undefined || p.heardAt < since) continue;
      if (p.match > bestMatch) {
        best = id;
        bestMatch = p.match;
      }
    }
    return best;
  }

  /** raft: TimeoutNow once the transferee's durable log reaches the leader's last index. */
  maybeSendTimeoutNow(): void {
    const node = this.node;
    if (this.transferee === undefined || this.timeoutNowSent || node.role !== 'leader') return;
    const p = node.replication.progressOf(this.transferee);
    if (p === undefined || p.match < node.log.lastIndex) return;
    this.timeoutNowSent = true;
    const msg: TimeoutNow = { type: 'raft-timeout-now', term: node.term };
    node.ctx.send(this.transferee, msg);
  }

  /** MoveLeader's poll, every tick: done once the transferee leads, or given up at ReqTimeout. */
  onPoll(): void {
    const node = this.node;
    this.pollTimer = undefined;
    if (this.exit === undefined) return;
    const elapsed = node.ctx.monotonic() - this.startedAt;
    if (node.leaderId === this.transferee && node.role !== 'leader') return this.finish();
    if (elapsed >= requestTimeoutUs(node)) {
      node.ctx.note('leadership transfer timed out; exiting anyway');
      return this.finish();
    }
    // raft abandons a transfer that has not completed within an election timeout (leader only)
    if (node.role === 'leader' && elapsed >= electionTimeoutUs(node.config) && this.transferee !== undefined) {
      node.ctx.note(`leadership transfer to ${this.transferee} abandoned after the election timeout`);
      this.transferee = undefined;
      this.timeoutNowSent = false;
    }
    this.pollTimer = node.ctx.setTimer(node.config.tickUs, 'raft-stop-poll');
  }

  private finish(): void {
    const exit = this.exit!;
    this.exit = undefined;
    this.transferee = undefined;
    exit();
  }
}
