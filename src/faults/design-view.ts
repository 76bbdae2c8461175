/**
 * A design's names without a run: its node ids and where each node sits (rack, power domain,
 * switch, datacenter), read from `design.topology(params)` with the World's own placement
 * defaults. Random schedules are drawn, and shrunk schedules simplified, against this view, so
 * neither needs to build a World. A test pins that it agrees with the World's own view.
 */
import type { Design, NodeSpec, ParamValues } from '../world/design.ts';
import { placementOf } from '../world/world.ts';
import type { DesignParamsView } from './kind.ts';
import type { DesignView, Place } from './targets.ts';

export interface StaticDesignView extends DesignView {
  /** For checks of parameter names (config-error `set`). */
  readonly design: DesignParamsView;
  /** The node ids at a place, e.g. `nodesAt('rack', 'r1')`. */
  nodesAt(place: Place, name: string): string[];
}

/** The view of `design` with resolved parameter values (they may shape the topology). */
export function staticDesignView(design: Design, params: ParamValues): StaticDesignView {
  const topology = design.topology(params as never);
  const placement = new Map<string, Record<Place, string>>(topology.nodes.map((spec) => [spec.id, placementOf(spec)]));
  const nodeIds = topology.nodes.map((n) => n.id);
  return {
    nodeIds,
    processNames: processNamesOf(topology.nodes),
    design: { name: design.name, params: design.params },
    valuesOf: (place) => [...new Set(nodeIds.map((id) => placement.get(id)![place]))],
    nodesAt: (place, name) => nodeIds.filter((id) => placement.get(id)![place] === name),
  };
}

/**
 * Every process name the design's hosts declare, in declaration order, each once: the names a
 * fault's `component` may take. The kernel's entries (ProcessSpec.kernel) are none: no fault kills them.
 */
export function processNamesOf(nodes: readonly NodeSpec[]): string[] {
  return [...new Set(nodes.flatMap((n) => (n.processes ?? []).filter((p) => !p.kernel).map((p) => p.name)))];
}
