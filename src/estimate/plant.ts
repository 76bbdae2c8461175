/**
 * The plant: a design's nodes with the reliability data attached, as both the component
 * sampler (`components.ts`) and the ideal (`ideal.ts`) see it.
 *
 *   node units      every node has every node component type (server, process, nic, disk,
 *                   gcPause, deadlock): one unit that is down while any of them is; and an
 *                   `agent` element per HA agent process the design runs (every process of
 *                   `NodeSpec.processes` after the first, the service: keepalived, patroni,
 *                   cluster-stack), which only the nodes running that process have (`absent`)
 *   shared elements every access switch, rack, power domain and datacenter the data gives a
 *                   rate for: each takes out the nodes placed in it, all at once
 *
 * Shared elements fail independently of the node units and of each other, and are repaired
 * by their own people (no repair crew).
 *
 * The clients' definition of down. An order is served when it is acked within the client
 * timeout (check/outages.ts), so a component down for no longer than the timeout (a GC pause
 * of 200 ms) delays the orders it holds but serves every one of them: it is no outage, in a
 * run or in the ideal. A longer down period is an outage from the first order sent in it (or
 * already waiting) to its end, and the simulated clients send their orders at the incident
 * rate (`hasim estimate` simulates 10/s, a scope's share of it for a design that serves in
 * scopes), so they see it from the first order after its start: on average one order gap
 * later. `seenOutage` is that, exactly, for Poisson and constant arrivals; the component
 * sampler counts each down period through it (the ideal its mean) so that the structural
 * figures and the protocol figure measure downtime the same way, and the protocol's cost is
 * what the protocol adds. Without it the ideal counted every pause as downtime while the
 * simulated clients did not, and `single`, which has no protocol to lose time in, showed a
 * negative protocol cost (-1.5 min/yr under p1; -0.14 with the timeout alone).
 */
import { SECOND, type Micros } from '../sim/time.ts';
import { DEFAULT_WORKLOAD } from '../world/client.ts';
import { placementOf } from '../world/world.ts';
import type { Design, NodeSpec, ParamValues, ProcessSpec } from '../world/design.ts';
import type { ResolvedEstimateSpec } from './declarations.ts';
import { standbyAgingFactor, type ComponentReliability, type ReliabilityData } from './reliability.ts';
import { scopeCount, shareTable } from './structure.ts';

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
  /** The elements of a node unit: the data's node types, `agent` expanded to one per agent process (its `process` set). */
  nodeComponents: ComponentReliability[];
  /** Bit k of `absent[i]`: node i has no element k (an agent process it does not run); it never fails. */
  absent: Uint32Array;
  /** Node component types the data gives that this design has no element for (`agent` when no node runs an agent process). */
  notApplicable: string[];
  shared: SharedElement[];
  /** The share of the service up (structure.ts) for each node-up bit mask: 1 up, 0 down, between: some scopes down. */
  table: Float64Array;
  /** Node indices of the standby group in preference order, and how many of them serve. */
  standbyOrder: number[];
  standbyNeed: number;
  /** How fast an idle standby ages (1 hot, 0 cold). */
  idleAging: number;
  crews: number;
  /** How the incident simulations' clients see a down period (`seenOutage`). */
  clients: ClientView;
}

/** The incident workload as far as outages go: the client timeout, a scope's mean order gap, and the arrival process. */
export interface ClientView {
  timeout: Micros;
  /** Mean time between two orders of one scope (0: continuous, every instant is seen). */
  orderGap: Micros;
  arrivals: 'poisson' | 'constant';
}

/** The continuous view (every instant seen) with the default client timeout: the ideal as a formula. */
export const CONTINUOUS_CLIENTS: ClientView = { timeout: DEFAULT_WORKLOAD.timeout, orderGap: 0, arrivals: 'poisson' };

/**
 * The expected outage the clients see of a down period of length `down` (every time in one
 * unit): E[(down - x) 1(x < down - timeout)] over the first order's arrival x after its start
 * (exponential with mean `orderGap` for Poisson arrivals, uniform over one gap for constant):
 * that order waits past its timeout only when sent before `down - timeout`, and the outage then
 * runs from its send to the end of the period.
 */
export function seenOutage(down: number, clients: ClientView): number {
  if (down <= clients.timeout) return 0;
  const gap = clients.orderGap;
  const a = down - clients.timeout;
  if (gap <= 0) return down;
  if (clients.arrivals === 'constant') {
    const m = Math.min(a, gap);
    return (down * m - (m * m) / 2) / gap;
  }
  const e = Math.exp(-a / gap);
  return (down - gap) * (1 - e) + a * e;
}

/**
 * The plant an estimate's incidents are simulated on: `buildPlant` with the clients' view of
 * outages at the incident simulations' order rate and workload (one place for the estimate, its
 * chunks and its incident log, so they cannot disagree on which outages the clients see).
 */
export function incidentPlant(design: Design, params: ParamValues, data: ReliabilityData, spec: ResolvedEstimateSpec, workload: Parameters<typeof clientView>[0], ordersPerSecond: number): Plant {
  return buildPlant(design, params, data, spec, clientView(workload, ordersPerSecond, scopeCount(spec.structure)));
}

/** The view of an incident workload: `ordersPerSecond` over every client, spread over `scopes` scopes. */
export function clientView(workload: { timeout?: Micros; arrivals?: { kind: string } } | undefined, ordersPerSecond: number, scopes: number): ClientView {
  return {
    timeout: workload?.timeout ?? DEFAULT_WORKLOAD.timeout,
    orderGap: ordersPerSecond > 0 ? (SECOND * scopes) / ordersPerSecond : 0,
    arrivals: workload?.arrivals?.kind === 'constant' ? 'constant' : 'poisson',
  };
}

export function buildPlant(design: Design, params: ParamValues, data: ReliabilityData, spec: ResolvedEstimateSpec, clients: ClientView = CONTINUOUS_CLIENTS): Plant {
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
  const { nodeComponents, absent, notApplicable } = nodeElements(data.node, topology.nodes);
  return {
    nodes,
    nodeComponents,
    absent,
    notApplicable,
    shared,
    table: shareTable(spec.structure, nodes),
    standbyOrder: spec.standby ? spec.standby.of.map((id) => nodes.indexOf(id)) : [],
    standbyNeed: spec.standby?.need ?? 0,
    idleAging: standbyAgingFactor(data.standby),
    crews: data.repairCrews,
    clients,
  };
}

/**
 * The elements of the node units: every node component type of the data, but `agent`, which
 * becomes one element per agent process the design's nodes run (in the order the nodes declare
 * them; each with its `agent:<process>` rates if the data gives them, else `agent`'s), absent
 * on the nodes that do not run it, and dropped (`notApplicable`: `agent`, or `agent:<process>`)
 * when none does. A design names its agents by declaring them after its service in
 * `NodeSpec.processes`.
 */
export function nodeElements(types: readonly ComponentReliability[], nodes: readonly NodeSpec[]): Pick<Plant, 'nodeComponents' | 'absent' | 'notApplicable'> {
  const agents: string[] = [];
  for (const node of nodes) for (const spec of agentProcesses(node)) if (!agents.includes(spec.name)) agents.push(spec.name);
  // an agent process takes its own `agent:<process>` rates, else `agent`'s; the agent elements
  // sit where the data's first agent entry does
  const generic = types.find((c) => c.type === 'agent' && c.process === undefined);
  const ratesOf = (name: string) => types.find((c) => c.type === 'agent' && c.process === name) ?? generic;
  const firstAgent = types.findIndex((c) => c.type === 'agent');
  const nodeComponents = types.flatMap((c, i) => {
    if (c.type !== 'agent') return [c];
    if (i !== firstAgent) return [];
    return agents.flatMap((name) => {
      const rates = ratesOf(name);
      return rates ? [{ ...rates, process: name }] : [];
    });
  });
  if (nodeComponents.length > 32) throw new RangeError(`${nodeComponents.length} node elements: at most 32 fit the absent masks`);
  const absent = new Uint32Array(nodes.length);
  nodes.forEach((node, i) => {
    const runs = agentProcesses(node).map((spec) => spec.name);
    nodeComponents.forEach((c, k) => {
      if (c.process !== undefined && !runs.includes(c.process)) absent[i] |= 1 << k;
    });
  });
  const notApplicable = [
    ...(generic && agents.length === 0 ? ['agent'] : []),
    ...types.flatMap((c) => (c.type === 'agent' && c.process !== undefined && !agents.includes(c.process) ? [`agent:${c.process}`] : [])),
  ];
  return { nodeComponents, absent, notApplicable };
}

/** A node's HA agent processes: every process it declares after the first (the service), but not the kernel's. */
export function agentProcesses(node: NodeSpec): readonly ProcessSpec[] {
  return node.processes?.slice(1).filter((p) => !p.kernel) ?? [];
}

/** Whether node `i` of the plant has element `k`. */
export function hasElement(plant: Plant, i: number, k: number): boolean {
  return (plant.absent[i] & (1 << k)) === 0;
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
