/**
 * A node's corosync as corosync.conf configures it: the totem timings (token grown by
 * token_coefficient per node beyond two, consensus, the idle ring's token hold), votequorum's
 * two_node and wait_for_all, and an optional quorum device (corosync-qdevice talking to a
 * corosync-qnetd arbiter, qnetd.ts), wired into one `CorosyncMembership`
 * (corosync-membership.ts holds the protocol; this file turns the configuration into it).
 *
 * - token: the effective token is token + (nodes - 2) x token_coefficient (corosync.conf(5),
 *   Corosync 3: 3000 ms for two nodes, 3650 ms for three);
 * - consensus: 0 means derived, "automatically calculated at 1.2 * token" (corosync.conf(5));
 * - hold: the token's rotation on an idle ring, token_retransmit x 0.8 - 1000/HZ with
 *   token_retransmit = token / (token_retransmits_before_loss_const + 0.2) (exec/totemconfig.c;
 *   HZ 100: 561 ms for token 3000, as `corosync-cmapctl runtime.config.totem.hold` shows on
 *   corosync 3.1.7);
 * - two_node only in a two-node cluster, and it implies wait_for_all; a quorum device turns it
 *   off (votequorum(5), corosync-qdevice(8)).
 * Every membership change is reported to the arbiter at once (the device's vote is dropped
 * until it answers).
 */
import { MS, type Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import { CorosyncMembership } from './corosync-membership.ts';
import { QdeviceClient } from './qnetd.ts';

/** The corosync.conf / votequorum settings a design exposes. */
export interface CorosyncConf {
  /** Every other node of the cluster. */
  peers: readonly string[];
  /** `totem.token` for two nodes, and `token_coefficient` added per node beyond two. */
  token: Micros;
  tokenCoefficient: Micros;
  /** `totem.consensus`; 0: 1.2 x the effective token. */
  consensus: Micros;
  tokenRetransmitsBeforeLossConst: number;
  twoNode: boolean;
  waitForAll: boolean;
  /** How often beats carry Pacemaker's state (resolution of its CPG messages). */
  beatInterval: Micros;
  /** The qnetd arbiter's node, when the cluster has a quorum device, and its vote's validity. */
  arbiter?: string;
  qdeviceTimeout: Micros;
}

/** What the cluster manager above corosync hears. */
export interface CorosyncHooks {
  payload(): Record<string, unknown>;
  onPeerState(peer: string, payload: Record<string, unknown>): void;
  onMemberLost(peer: string): void;
  onMemberJoined(peer: string): void;
  onMemberLeft(peer: string): void;
}

/** The token's rotation on an idle ring: corosync's `hold` (see the header). */
export function tokenHold(token: Micros, retransmitsBeforeLoss: number): Micros {
  const retransmit = Math.floor(token / MS / (retransmitsBeforeLoss + 0.2));
  return Math.floor(retransmit * 0.8 - 10) * MS;
}

/** A node's membership (and its quorum device's client, if any) as `conf` sets them up. */
export function corosyncFor(ctx: NodeContext, conf: CorosyncConf, hooks: CorosyncHooks): { membership: CorosyncMembership; qdevice: QdeviceClient | undefined } {
  const n = conf.peers.length + 1;
  // corosync.conf(5): the effective token grows by token_coefficient per node beyond two
  const token = conf.token + Math.max(0, n - 2) * conf.tokenCoefficient;
  const arbiter = conf.arbiter;
  const qdevice = arbiter !== undefined
    ? new QdeviceClient(ctx, { arbiter, voteValidity: conf.qdeviceTimeout, partition: () => [ctx.id, ...membership.members] })
    : undefined;
  // votequorum(5): two_node only in a two-node cluster (it implies wait_for_all); a device turns it off
  const twoNode = conf.twoNode && n === 2 && !qdevice;
  const membership: CorosyncMembership = new CorosyncMembership(ctx, {
    peers: conf.peers,
    token,
    consensus: conf.consensus > 0 ? conf.consensus : Math.round(1.2 * token),
    beatInterval: conf.beatInterval,
    tokenRotation: tokenHold(token, conf.tokenRetransmitsBeforeLossConst),
    twoNode,
    waitForAll: conf.waitForAll && twoNode,
    qdeviceVote: qdevice ? () => qdevice.hasVote() : undefined,
    payload: hooks.payload,
    onPeerState: hooks.onPeerState,
    onMemberLost: (peer) => {
      qdevice?.report(true);
      hooks.onMemberLost(peer);
    },
    onMemberJoined: (peer) => {
      qdevice?.report(true);
      hooks.onMemberJoined(peer);
    },
    onMemberLeft: (peer) => {
      qdevice?.report(true);
      hooks.onMemberLeft(peer);
    },
  });
  return { membership, qdevice };
}
