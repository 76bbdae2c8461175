/**
 * A corosync quorum device: `corosync-qnetd` on a third host, and the `corosync-qdevice`
 * client on each cluster node. The arbiter holds one vote (nodes - 1 in general; one for two
 * nodes) and gives it to one partition only, so a 50:50 split leaves exactly one side quorate.
 *
 *   node --(qdevice-status: my partition, on every membership change and every second)--> qnetd
 *   qnetd --(qdevice-vote: ack | nack)--> node      the vote is valid for `voteValidity`
 *
 * Algorithms (corosync-qdevice(8)):
 * - `ffsplit` ("fifty-fifty split"): the vote goes to the partition with more than half of the
 *   nodes, or on an exact half to the one the tie-breaker names (`tie_breaker: lowest`, the
 *   lowest node id); a partition smaller than half never gets it;
 * - `lms` ("last man standing"): the vote goes to the largest partition the arbiter still
 *   hears, however small (a last node standing stays quorate), the tie-breaker deciding equal
 *   sizes.
 * With two nodes both behave alike; they differ from four nodes up.
 *
 * Left out: TLS, the qnetd heartbeat negotiation, `sync_timeout`, several clusters per qnetd.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';

/** A node's report of the partition it sees (corosync-qdevice's membership notification). */
export interface QdeviceStatus extends Msg { type: 'qdevice-status'; partition: string[] }
/** The arbiter's answer: whether the node's partition holds its vote. */
export interface QdeviceVote extends Msg { type: 'qdevice-vote'; ack: boolean }
const NODE_MESSAGES = messageKinds<QdeviceVote>('qdevice-vote');
const ARBITER_MESSAGES = messageKinds<QdeviceStatus>('qdevice-status');

export type QdeviceAlgorithm = 'ffsplit' | 'lms';

/** The cluster node's side: reports its partition and holds the vote it was given. */
export class QdeviceClient {
  private voteUntil: Micros = -Infinity;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: {
      arbiter: string;
      /** The partition this node is in (itself included). */
      partition: () => readonly string[];
      /** How long an ack counts without a fresh one (corosync-qdevice `timeout`). */
      voteValidity: Micros;
    },
  ) {}

  /**
   * Sends this node's partition (periodically, and at once on a membership change). On a
   * change the vote is dropped until the arbiter answers, as corosync-qdevice casts no vote
   * while it waits for qnetd's decision on the new membership.
   */
  report(membershipChanged = false): void {
    if (membershipChanged) this.voteUntil = -Infinity;
    this.ctx.send(this.options.arbiter, { type: 'qdevice-status', partition: [...this.options.partition()].sort() });
  }

  handle(msg: Msg): boolean {
    if (!NODE_MESSAGES.has(msg)) return false;
    this.voteUntil = msg.ack ? this.ctx.monotonic() + this.options.voteValidity : -Infinity;
    return true;
  }

  /** Whether the arbiter's vote is with this node's partition. */
  hasVote(): boolean {
    return this.ctx.monotonic() < this.voteUntil;
  }
}

interface Report {
  partition: string[];
  at: Micros;
}

/** corosync-qnetd: decides, from the partitions the nodes report, which one gets the vote. */
export class Qnetd implements Actor {
  private readonly reports = new Map<string, Report>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: {
      /** The cluster's nodes, in node-id order (the tie-breaker picks the lowest). */
      clusterNodes: readonly string[];
      algorithm: QdeviceAlgorithm;
      /** A node not heard from for this long no longer counts. */
      staleAfter: Micros;
    },
  ) {}

  onMessage(from: string, msg: Msg): void {
    if (!ARBITER_MESSAGES.has(msg)) return;
    const now = this.ctx.monotonic();
    this.reports.set(from, { partition: msg.partition, at: now });
    const { winner, settled } = this.decide(now);
    // every node whose partition is settled hears the decision (the asker, and the others at once)
    for (const node of settled) this.ctx.send(node, { type: 'qdevice-vote', ack: winner !== undefined && winner.includes(node) });
  }

  /**
   * The partition that gets the vote now, among the nodes heard recently, and the nodes told.
   * The arbiter decides only once the reports are settled: every member of every reported
   * partition reports that same partition. While one node has not reported a change yet (or
   * has not gone silent for `staleAfter`), nobody gets an answer.
   */
  private decide(now: Micros): { winner: readonly string[] | undefined; settled: string[] } {
    const heard = new Set<string>();
    for (const [node, r] of this.reports) if (now - r.at <= this.options.staleAfter) heard.add(node);
    const partitions = new Map<string, string[]>();
    const settled: string[] = [];
    for (const node of heard) {
      const reported = this.reports.get(node)!.partition;
      const key = reported.join(',');
      if (!reported.every((m) => !heard.has(m) || this.reports.get(m)!.partition.join(',') === key)) return { winner: undefined, settled: [] };
      const members = reported.filter((m) => heard.has(m));
      partitions.set(key, members);
      settled.push(node);
    }
    const order = this.options.clusterNodes;
    const lowest = (p: readonly string[]) => Math.min(...p.map((m) => order.indexOf(m)));
    const ranked = [...partitions.values()].sort((x, y) => y.length - x.length || lowest(x) - lowest(y));
    let winner: readonly string[] | undefined = ranked[0];
    if (winner && this.options.algorithm === 'ffsplit' && 2 * winner.length < order.length) winner = undefined;
    return { winner, settled };
  }
}
