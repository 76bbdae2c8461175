/**
 * Where a Pacemaker partition starts the resources when nobody runs them, for the
 * hot-standby-stonith design: which node is the designated controller (DC), and the DC's
 * placement (a cold start, a fenced primary, nodes back after a fence race, a node shutting
 * down or whose resource failed). The DC picks the node with the newest data, an UpToDate one
 * if there is any (DRBD compares generations), the preferred one on a tie (`pickStartNode`),
 * and starts the resources there: itself, or by asking that node (a transition). The start
 * operations then run on that node (`resourceStartTime`) and the resources answer once they are
 * done, if nothing changed meanwhile. After a fence the transition also starts the fenced
 * node's fence device on the survivor; the two starts are not ordered (a fence device needs
 * only quorum, the resources the fence), so the device's start delays the resources only when
 * the DC runs the transition one action at a time, which it does while a node reports high
 * load (`throttled`, see startTime in pacemaker-node.ts). After start-up nothing is decided until every node was seen or
 * dc-deadtime passed (Pacemaker Explained, cluster options: dc-deadtime 20 s).
 */
import { MS, type Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import { pickStartNode, type PeerView } from './pacemaker-view.ts';

/** The timer of the start operations here (the cluster stack's). */
export const STARTED_TIMER = 'pcmk-started';
/**
 * Pacemaker's dc-deadtime (default 20 s): after starting, a node waits this long for the other
 * nodes before the cluster decides where resources run (two nodes: wait_for_all does that).
 */
const DC_DEADTIME: Micros = 20_000 * MS;

export interface PlacementOptions {
  /** Every node, in order of preference (a location constraint). */
  order: readonly string[];
  /** Every other node, in order of preference. */
  peers: readonly string[];
  /** The current membership. */
  members(): ReadonlySet<string>;
  /** The last view heard from each member. */
  views: ReadonlyMap<string, PeerView>;
  /** This node's own view. */
  ownView(): PeerView;
  /** This node may not be the DC (it is shutting down, or its stop failed: the fencer runs elsewhere). */
  ineligibleHere(): boolean;
  /** Something here forbids a start now: shutting down, running the resources, an unclean node, no quorum. */
  blocked(): boolean;
  /** This node's disk takes writes. */
  diskOk(): boolean;
  /** How long a transition's start request stays in flight before the DC may start elsewhere. */
  startRequestPatience(): Micros;
  /** The start operations' duration here, drawn per start (`afterFence`: a fenced node's device is started in the same transition). */
  startTime(afterFence: boolean): Micros;
  /** Starts the resource group here now; `out`: the peers acks cannot wait for. */
  promote(out: readonly string[]): void;
  /** Asks `node` to start the resources (a transition). */
  askToStart(node: string): void;
}

export class ResourcePlacement {
  /**
   * The DC's last start request: for a while nothing else is started (the member's view will
   * show it running), and a refused one is repeated once a second, not every beat.
   */
  private lastStartRequest: { node: string; at: Micros } | undefined;
  /** The resources' start operations are running here (`resourceStartTime`). */
  private starting = false;
  /** A node was fenced since the last start here: its fence device starts in the same transition (`fenceDeviceStartTime`). */
  private fencedSinceStart = false;
  private bootAt: Micros = 0;
  /** This node has seen the whole cluster since it started, or waited dc-deadtime for it. */
  private formed = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: PlacementOptions,
  ) {}

  /** The node (re)started: dc-deadtime runs from now. */
  booted(): void {
    this.bootAt = this.ctx.monotonic();
  }

  /** A node was fenced: the next start here starts its fence device too. */
  fenced(): void {
    this.fencedSinceStart = true;
  }

  /** The designated controller: the first node, in preference order, of this partition, not shutting down. */
  isDc(): boolean {
    const { views } = this.options;
    const members = this.options.members();
    const eligible = (n: string) => (n === this.ctx.id ? !this.options.ineligibleHere() : members.has(n) && !views.get(n)?.shutdown && !views.get(n)?.stopFailed);
    return this.options.order.find(eligible) === this.ctx.id;
  }

  /** Whether `peer` is shutting down (its resources are moving off it). */
  shuttingDown(peer: string): boolean {
    return this.options.views.get(peer)?.shutdown === true;
  }

  /**
   * Nobody in this partition runs the resources and nothing is unclean (cold start, a fenced
   * primary, or nodes back after a fence race): the DC picks the node with the newest data, an
   * UpToDate one if there is any (DRBD compares generations), the preferred one on a tie, and
   * starts the resources there (itself, or by asking that node).
   */
  decide(): void {
    const { order, peers, views } = this.options;
    const members = this.options.members();
    this.formed ||= members.size === peers.length || this.ctx.monotonic() - this.bootAt >= DC_DEADTIME;
    if (!this.free() || !this.isDc()) return;
    if (order.length > 2 && !this.formed) return;
    // the DC decides for the partition even when its own disk failed; it is then no candidate
    const own = this.options.ownView();
    const candidates: [string, PeerView][] = own.diskOk && !own.banned ? [[this.ctx.id, own]] : [];
    for (const member of members) {
      const view = views.get(member);
      if (!view) return; // not heard since it joined: wait for its state
      if (view.primary) return;
      if (view.diskOk && !view.shutdown && !view.banned) candidates.push([member, view]);
    }
    if (candidates.length === 0) return;
    const [best, bestView] = pickStartNode(candidates, order);
    // with a node out of the membership only an UpToDate node may start: the one out may hold
    // newer data (DRBD refuses to promote an Outdated/Consistent disk then)
    const missing = peers.some((n) => !members.has(n) || this.shuttingDown(n));
    if (missing && !bestView.upToDate) return;
    // a start already asked of a member is a transition in flight: the DC waits for its result
    // (seen in that member's view) instead of starting the resources somewhere else meanwhile
    const now = this.ctx.monotonic();
    const last = this.lastStartRequest;
    if (last && now - last.at < this.options.startRequestPatience() && members.has(last.node)) return;
    if (best !== this.ctx.id) {
      this.lastStartRequest = { node: best, at: now };
      return this.options.askToStart(best);
    }
    this.startHere();
  }

  /** Whether the resources may start in this partition: nobody runs them, nothing is unclean, quorum (the DC's own disk may have failed: it then starts them elsewhere). */
  private free(): boolean {
    if (this.starting || this.options.blocked()) return false;
    for (const member of this.options.members()) if (this.options.views.get(member)?.primary) return false;
    return true;
  }

  /** The DC chose this node: start unless something changed meanwhile. */
  startIfFree(): void {
    if (this.free() && this.options.diskOk()) this.startHere();
  }

  /** The transition's start operations run here; the resources answer once they are done. */
  private startHere(): void {
    const startIn = this.options.startTime(this.fencedSinceStart);
    if (startIn <= 0) return this.startNow();
    if (this.starting) return;
    this.starting = true;
    this.ctx.setTimer(startIn, STARTED_TIMER);
  }

  /** The start operations are done: the resources run here, if nothing changed meanwhile. */
  started(): void {
    this.starting = false;
    this.fencedSinceStart = false;
    if (this.free() && this.options.diskOk()) this.startNow();
  }

  private startNow(): void {
    const { peers, views } = this.options;
    const members = this.options.members();
    const out = peers.filter((n) => !members.has(n) || views.get(n)?.diskOk === false || this.shuttingDown(n));
    this.options.promote(out);
  }
}
