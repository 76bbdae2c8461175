/**
 * The conditions faults impose on a node without ending its life: a slowdown of every event
 * (memory leak, swapping), configuration errors (wrong parameter values from the next boot on,
 * a wrong peer address) and a failed market-data feed. Each is kept as a count or a stack of
 * layers, so overlapping faults compose and each heals its own part. SimNode (node.ts) extends
 * this: its delivery path reads `slowdownUs` on every event, so it stays a field of the node.
 */
import type { Micros } from '../sim/time.ts';
import type { ParamValues } from './design.ts';

export class NodeConditions {
  /** Extra processing delay per event (memory leak, swapping): the sum of every fault's share. */
  protected slowdownUs: Micros = 0;
  /** Parameter overrides of configuration errors in force, applied at boot, in order. */
  private configLayers: ParamValues[] = [];
  /** Configuration errors in force that point the node at a wrong peer address. */
  private wrongPeers = 0;
  /** Market-data feed failures in force for this node. */
  private feedCuts = 0;

  /** Adds `delay` to the handling of every event (a memory leak's share); `unslow` takes it back. */
  slow(delay: Micros): void {
    this.slowdownUs = Math.max(0, this.slowdownUs + delay);
  }

  unslow(delay: Micros): void {
    this.slowdownUs = Math.max(0, this.slowdownUs - delay);
  }

  /** Extra processing delay per event now. */
  get slowdown(): Micros {
    return this.slowdownUs;
  }

  /**
   * Configures the node with wrong parameter values from its next boot on; returns the layer
   * to pass to `restoreConfig`. Overlapping errors stack, later ones win.
   */
  overrideConfig(values: ParamValues): ParamValues {
    const layer = { ...values };
    this.configLayers.push(layer);
    return layer;
  }

  restoreConfig(layer: ParamValues): void {
    this.configLayers = this.configLayers.filter((l) => l !== layer);
  }

  /** The parameter overrides a boot applies now (undefined: none). */
  get configOverrides(): ParamValues | undefined {
    return this.configLayers.length === 0 ? undefined : Object.assign({}, ...this.configLayers);
  }

  /** Points the node at a wrong peer address (counted; `fixPeer` undoes one). */
  misconfigurePeer(): void {
    this.wrongPeers++;
  }

  fixPeer(): void {
    if (this.wrongPeers > 0) this.wrongPeers--;
  }

  /** Whether the node is configured with a wrong peer address. */
  get wrongPeer(): boolean {
    return this.wrongPeers > 0;
  }

  /** The node's market-data feed fails (counted; `restoreFeed` undoes one). */
  cutFeed(): void {
    this.feedCuts++;
  }

  restoreFeed(): void {
    if (this.feedCuts > 0) this.feedCuts--;
  }

  get feedUp(): boolean {
    return this.feedCuts === 0;
  }
}
