/**
 * The plant: a design's nodes with the reliability data attached, as both the component
 * sampler (`components.ts`) and the ideal (`ideal.ts`) see it.
 *
 *   node units      every node has every node component type (server, process, nic, disk,
 *                   gcPause, deadlock): one unit that is down while any of them is
 *   shared elements every access switch, rack, power domain and datacenter the data gives a
 *                   rate for: each takes out the nodes placed in it, all at once
 *
 * Shared elements fail independently of the node units and of each other, and are repaired
 * by their own people (no repair crew).
 */
import { placementOf } from '../world/world.ts';
import type { Design, ParamValues } from '../world/design.ts';
import type { ResolvedEstimateSpec } from './declarations.ts';
import { standbyAgingFactor, type ComponentReliability, type ReliabilityData } from './reliability.ts';
import { shareTable } from './structure.ts';

export type SharedKind = 'switch' | 'rack' | 'power' | 'dc';

export interface SharedElement {
  /** `rack:r1`, `switch:sw-r1`... */
  id: string;
  kind: SharedKind;
  /** The placement value (`r1`, `sw-r1`, `dc1`). */
  name: string;
  reliability: ComponentReliability;
  /** Bit i set: node i is taken out while this element is down. */
  mask: number;
}

export interface Plant {
  nodes: string[];
  nodeComponents: ComponentReliability[];
  shared: SharedElement[];
  /** The share of the service up (structure.ts) for each node-up bit mask: 1 up, 0 down, between: some scopes down. */
  table: Float64Array;
  /** Node indices of the standby group in preference order, and how many of them serve. */
  standbyOrder: number[];
  standbyNeed: number;
  /** How fast an idle standby ages (1 hot, 0 cold). */
  idleAging: number;
  crews: number;
}

export function buildPlant(design: Design, params: ParamValues, data: ReliabilityData, spec: ResolvedEstimateSpec): Plant {
  const topology = design.topology(params as never);
  const nodes = topology.nodes.map((n) => n.id);
  const places = topology.nodes.map(placementOf);
  const shared: SharedElement[] = [];
  const add = (kind: SharedKind, key: 'switch' | 'rack' | 'power' | 'dc', reliability: ComponentReliability | undefined) => {
    if (!reliability) return;
    for (const name of [...new Set(places.map((p) => p[key]))]) {
      let mask = 0;
      places.forEach((p, i) => {
        if (p[key] === name) mask |= 1 << i;
      });
      shared.push({ id: `${kind}:${name}`, kind, name, reliability, mask });
    }
  };
  add('switch', 'switch', data.switch);
  add('rack', 'rack', data.domains.rack);
  add('power', 'power', data.domains.power);
  add('dc', 'dc', data.domains.dc);
  return {
    nodes,
    nodeComponents: data.node,
    shared,
    table: shareTable(spec.structure, nodes),
    standbyOrder: spec.standby ? spec.standby.of.map((id) => nodes.indexOf(id)) : [],
    standbyNeed: spec.standby?.need ?? 0,
    idleAging: standbyAgingFactor(data.standby),
    crews: data.repairCrews,
  };
}

/**
 * Aging speed of each node given which nodes are up (bit mask): in the standby group the
 * first `standbyNeed` up nodes serve (speed 1) and the other up ones idle (`idleAging`);
 * nodes outside the group always serve. The sampler and the CTMC both use this rule.
 */
export function agingSpeeds(plant: Plant, upMask: number, out: Float64Array): Float64Array {
  out.fill(1);
  if (plant.idleAging === 1 || plant.standbyOrder.length === 0) return out;
  let serving = 0;
  for (const i of plant.standbyOrder) {
    if (!(upMask & (1 << i))) continue;
    if (serving < plant.standbyNeed) serving++;
    else out[i] = plant.idleAging;
  }
  return out;
}
