/**
 * Each node's external effects (acks sent, orders the exchange accepted), folded per segment
 * of the control events: for the effects recorded between control events s-1 and s (segment
 * s), the first and last instant. Split-brain and false-failover judgements only ask for a
 * node's first and last effect between two control events (a primary interval starts and ends
 * at a `role` or `node-state` event), so segments answer them exactly, with one entry per
 * node per segment in which it acted instead of one per effect.
 */
import type { Micros } from '../../sim/time.ts';

export interface NodeEffects {
  /** Ascending segment numbers in which the node acted. */
  segment: number[];
  first: Micros[];
  last: Micros[];
}

export class EffectSegments {
  readonly byNode = new Map<string, NodeEffects>();

  /** `node` acted at `time`, after `controlCount` control events. */
  add(node: string, time: Micros, controlCount: number): void {
    let effects = this.byNode.get(node);
    if (!effects) this.byNode.set(node, (effects = { segment: [], first: [], last: [] }));
    const n = effects.segment.length;
    if (n > 0 && effects.segment[n - 1] === controlCount) effects.last[n - 1] = time;
    else {
      effects.segment.push(controlCount);
      effects.first.push(time);
      effects.last.push(time);
    }
  }
}
