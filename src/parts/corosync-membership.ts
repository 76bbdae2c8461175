/**
 * Cluster membership as corosync's totem protocol and votequorum decide it, at the level of
 * detail a failover needs. Members beat continuously (the token circulates); a member silent
 * for `token` is suspected, and the new membership without it forms `consensus` later
 * (corosync.conf(5): consensus defaults to 1.2 x token).
 *
 * The token timer restarts when the token arrives, and on an idle ring (a Pacemaker cluster
 * between transitions) the token does not race round: the ring's representative holds it
 * ("Hold onto token when there is no activity on ring and this processor is the ring rep",
 * corosync exec/totemsrp.c, message_handler_orf_token) and sends it on after `hold`
 * (exec/totemconfig.c: token_retransmit = token / (token_retransmits_before_loss_const + 0.2),
 * hold = token_retransmit x 0.8 - 1000/HZ; 561 ms for token 3000, read back from a running
 * corosync 3.1.7 with `corosync-cmapctl runtime.config.totem.hold`). So a peer's last token
 * came up to one rotation before it died, and it is suspected `token` after that, not after
 * its death: 2.44-3.0 s for token 3000 (calibration/fixtures/pacemaker--host-death.jsonl).
 * `tokenRotation` sets that period; Pacemaker's own messages (CPG) cancel the hold and go at
 * once, so the beats that carry its state keep their fine interval. Only then does Pacemaker learn the
 * peer is gone and, the peer's state being unknown, schedule it for fencing. A member that is
 * heard again joins the next membership.
 *
 * Quorum (votequorum(5)): with `twoNode` each node of a two-node cluster keeps quorum alone,
 * which is why fencing is mandatory there; `waitForAll` (implied by two_node) withholds quorum
 * after boot until every node has been seen once, so a node that boots alone does nothing.
 * With a quorum device (qnetd, see qnetd.ts) the arbiter's votes count too (nodes - 1 of them):
 * two nodes and the device make three votes, two of them a quorum.
 *
 * A clean leave (`leave()`: corosync stopped by `pcs cluster stop` / systemd, which calls
 * `corosync-cfgtool -H` semantics, cfg's shutdown: totem announces the leave) takes the node out
 * of every peer's membership at once, without the token timeout and consensus; the peers are
 * told through `onMemberLeft`, not `onMemberLost` (corosync's totemsrp forms the new ring on
 * the leave message; votequorum keeps expected_votes, so the others stay quorate as before).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import { SilenceDetector } from './heartbeat.ts';

export interface MembershipOptions {
  peers: readonly string[];
  /** `totem.token`: silence before a member is suspected. */
  token: Micros;
  /** `totem.consensus`: time to agree on the new membership after a token loss. */
  consensus: Micros;
  /** How often beats carry Pacemaker's state (its CPG messages go out at once; this is resolution). */
  beatInterval: Micros;
  /**
   * How often the token comes round an idle ring (corosync's token hold: see the header); the
   * token timer restarts only then. 0: at every beat.
   */
  tokenRotation?: Micros;
  twoNode: boolean;
  waitForAll: boolean;
  /** A quorum device's vote (one vote), when the cluster has one (two_node is then off). */
  qdeviceVote?: () => boolean;
  /** What every beat carries (Pacemaker's view of the node: role, epoch, log). */
  payload(): Record<string, unknown>;
  /** Every beat from a peer, with its payload. */
  onPeerState?(peer: string, payload: Record<string, unknown>): void;
  onMemberLost(peer: string): void;
  onMemberJoined?(peer: string): void;
  /** A peer left the membership cleanly (its corosync was stopped). */
  onMemberLeft?(peer: string): void;
}

/** The leave a stopping corosync announces to its peers. */
interface LeaveMsg extends Msg {
  type: 'cs-leave';
}

export class CorosyncMembership {
  /** Peers in the current membership. */
  readonly members = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly detector: SilenceDetector;
  /** Peers whose loss is being agreed on (token lost, consensus running). */
  private readonly leaving = new Set<string>();
  /**
   * Peers that left cleanly, with when: a beat from them makes them members again, unless it
   * comes within a beat interval of the leave (a beat sent before it, overtaken in flight).
   */
  private readonly left = new Map<string, Micros>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: MembershipOptions,
  ) {
    this.detector = new SilenceDetector(ctx, {
      peers: options.peers,
      beatInterval: options.beatInterval,
      timeout: options.token,
      rearmEvery: options.tokenRotation,
      payload: options.payload,
      onHeard: (peer, payload, wasLost) => this.onHeard(peer, payload, wasLost),
      onLost: (peer) => this.onTokenLost(peer),
    });
  }

  /** Starts beating at a random phase of the beat interval (from the node's seeded stream). */
  start(): void {
    this.detector.start(Math.round(this.ctx.rng.float() * this.options.beatInterval));
  }

  /** Whether this node's partition has quorum (votequorum). */
  quorate(): boolean {
    const { peers, twoNode, waitForAll } = this.options;
    if (waitForAll && this.seen.size < peers.length) return false;
    if (twoNode && peers.length === 1) return true;
    const qdevice = this.options.qdeviceVote;
    // the device holds nodes - 1 votes (corosync-qdevice(8)): one for two nodes
    if (qdevice) return 2 * (this.members.size + 1 + (qdevice() ? peers.length : 0)) > 2 * peers.length + 1;
    return this.members.size + 1 > (peers.length + 1) / 2;
  }

  handle(from: string, msg: Msg): boolean {
    if (msg.type === 'cs-leave') {
      this.onLeave(from);
      return true;
    }
    return this.detector.handle(from, msg);
  }

  /** This node's corosync is stopping: tell every member, which drops it at once. */
  leave(): void {
    for (const peer of this.members) this.ctx.send(peer, { type: 'cs-leave' } satisfies LeaveMsg);
  }

  private onLeave(peer: string): void {
    if (!this.members.has(peer)) return;
    this.members.delete(peer);
    this.leaving.delete(peer);
    this.left.set(peer, this.ctx.monotonic());
    // corosync's "A new membership (...) was formed. Members left: ..." after the leave message
    this.ctx.note(`corosync: new membership, left ${peer}`);
    this.options.onMemberLeft?.(peer);
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'cs-consensus') {
      this.onConsensus(data as string);
      return true;
    }
    return this.detector.onTimer(kind, data);
  }

  private onHeard(peer: string, payload: Record<string, unknown>, wasLost: boolean): void {
    const leftAt = this.left.get(peer);
    if (leftAt !== undefined) {
      if (this.ctx.monotonic() - leftAt < this.options.beatInterval) return; // sent before the leave
      this.left.delete(peer);
      wasLost = true;
    }
    this.seen.add(peer);
    if (wasLost && !this.leaving.has(peer) && !this.members.has(peer)) {
      this.members.add(peer);
      this.options.onMemberJoined?.(peer);
    }
    this.options.onPeerState?.(peer, payload);
  }

  private onTokenLost(peer: string): void {
    if (!this.members.has(peer) || this.leaving.has(peer)) return;
    this.leaving.add(peer);
    // corosync's "A processor failed, forming new configuration: token timed out"
    this.ctx.note(`corosync: token lost (${peer}), forming new configuration`);
    this.ctx.setTimer(this.options.consensus, 'cs-consensus', peer);
  }

  /**
   * The new membership is agreed: the peer is out, even if it beat again meanwhile, and so is
   * every other peer whose token was lost by now (totem forms one new ring without all of them,
   * so a node cut off from several peers never counts some of them toward its quorum).
   */
  private onConsensus(peer: string): void {
    if (!this.leaving.has(peer)) return; // already out with an earlier ring change
    const out = this.options.peers.filter((p) => this.leaving.has(p));
    for (const p of out) {
      this.leaving.delete(p);
      this.members.delete(p);
    }
    // corosync's "A new membership (...) was formed. Members left: ..."
    this.ctx.note(`corosync: new membership, left ${out.join(', ')}`);
    for (const p of out) this.options.onMemberLost(p);
    for (const p of out) {
      if (this.detector.alive(p)) {
        this.members.add(p);
        this.options.onMemberJoined?.(p);
      }
    }
  }
}

/** Thread kinds of the cluster stack (run on the heartbeat thread, beside the service). */
export const MEMBERSHIP_KINDS: ReadonlySet<string> = new Set(['cs-consensus', 'cs-leave']);
