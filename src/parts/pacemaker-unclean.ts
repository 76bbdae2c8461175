/**
 * A Pacemaker controller's record of unclean nodes: nodes lost unexpectedly (or whose resource
 * stop failed) whose state is unknown, so nothing of theirs may move until they are fenced
 * ("Fencing", Pacemaker Explained / Clusters from Scratch: a node is fenced before its
 * resources are recovered elsewhere). The DC asks the fencer (stonith.ts) to fence them, with
 * whether each ran the resources (priority-fencing-delay); the CIB is shared, so the DC also
 * fences what any member of its partition holds unclean. A node clears from the record when
 * its fence is confirmed, or when it rejoins with a restarted stack and runs nothing (it is
 * clean: the restart stopped everything).
 *
 * It also keeps when each node was last heard and last confirmed fenced: a node the DC fenced
 * before this node's own membership change noticed the loss needs no second fence, and a fence
 * just confirmed is not repeated for a member's view that lags a beat behind it.
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import type { Stonith } from './stonith.ts';

export class UncleanNodes {
  /** Unclean nodes (insertion order: the order they are fenced in), with whether each ran the resources and its boot count when lost. */
  private readonly lost = new Map<string, { ranResources: boolean; boots: number }>();
  /** When each node was last confirmed fenced. */
  private readonly fencedAt = new Map<string, Micros>();
  /** When each peer was last heard. */
  private readonly heardAt = new Map<string, Micros>();

  constructor(private readonly ctx: NodeContext) {}

  get size(): number {
    return this.lost.size;
  }

  has(node: string): boolean {
    return this.lost.has(node);
  }

  /** The unclean nodes, as a node's view carries them. */
  list(): string[] {
    return [...this.lost.keys()];
  }

  /** `node` must be fenced before anything of its moves. */
  add(node: string, ranResources: boolean, boots: number): void {
    this.lost.set(node, { ranResources, boots });
  }

  /** A beat from `node`. */
  heard(node: string): void {
    this.heardAt.set(node, this.ctx.monotonic());
  }

  /** Whether `node` was confirmed fenced since it was last heard (the DC fenced it before this node saw it go). */
  fencedSinceHeard(node: string): boolean {
    return (this.fencedAt.get(node) ?? -Infinity) >= (this.heardAt.get(node) ?? Infinity);
  }

  /** Whether `node` was confirmed fenced within the last `withinUs`. */
  fencedWithin(node: string, withinUs: Micros): boolean {
    return this.ctx.monotonic() - (this.fencedAt.get(node) ?? -Infinity) < withinUs;
  }

  /** An unclean node is back with a restarted stack (`boots` above its count when lost) and runs nothing: clean again. */
  rejoinedRestarted(node: string, boots: number, runsResources: boolean): boolean {
    const entry = this.lost.get(node);
    if (!entry || !(boots > entry.boots) || runsResources) return false;
    this.lost.delete(node);
    return true;
  }

  /** `node` is confirmed fenced: whether it was unclean here. */
  fenced(node: string): boolean {
    this.fencedAt.set(node, this.ctx.monotonic());
    return this.lost.delete(node);
  }

  /**
   * The DC's fencing: every node held unclean here, then those the members' views hold unclean
   * and this node does not (not itself, not one fenced within `recentUs`).
   */
  fenceAll(stonith: Stonith, self: string, membersUnclean: readonly (readonly string[])[], recentUs: Micros): void {
    for (const [target, { ranResources }] of this.lost) stonith.fence(target, ranResources);
    for (const unclean of membersUnclean) {
      for (const target of unclean) {
        if (target !== self && !this.lost.has(target) && !this.fencedWithin(target, recentUs)) stonith.fence(target, false);
      }
    }
  }
}
