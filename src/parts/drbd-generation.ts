/**
 * DRBD's data generation on one node, for the hot-standby-stonith design: a number kept on the
 * node's disk that a node raises when it becomes primary (a new generation), that a secondary
 * takes over from the primary after a resync, and that the cluster compares when nobody runs
 * the resources (the newest data starts them; DRBD compares its generation identifiers and
 * refuses to promote Outdated data). The node also remembers the newest generation any peer
 * has shown, so a new one is above every generation seen.
 */
import type { NodeContext } from '../world/actor.ts';

/** Where the generation is kept on the node's disk (it survives reboots). */
const GENERATION_KEY = 'drbd.generation';

export class DrbdGeneration {
  /** The newest generation seen on any node. */
  private newest = 0;

  constructor(private readonly ctx: NodeContext) {}

  /** This node's data generation (durable). */
  get current(): number {
    return (this.ctx.disk.get(GENERATION_KEY) as number | undefined) ?? 0;
  }

  /** Takes `generation` if it is newer (a resync from the primary, a promotion). */
  raiseTo(generation: number): void {
    if (generation > this.current) this.ctx.disk.put(GENERATION_KEY, generation);
  }

  /** A peer showed `generation`. */
  seen(generation: number): void {
    this.newest = Math.max(this.newest, generation);
  }

  /** A new generation, above every one seen. */
  next(): number {
    this.newest = Math.max(this.newest, this.current) + 1;
    return this.newest;
  }
}
