/**
 * A design's names without a run: its node ids and where each node sits (rack, power domain,
 * switch, datacenter), read from `design.topology(params)` with the World's own placement
 * defaults. Random schedules are drawn, and shrunk schedules simplified, against this view, so
 * neither needs to build a World. A test pins that it agrees with the World's own view.
 */
import { processNamesOf, type Design, type ParamValues } from '../world/design.ts';

export { processNamesOf };
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

