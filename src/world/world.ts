/**
 * The world of one run: the design's nodes placed in racks, power domains, switches and
 * datacenters; the network between them; the clients, the exchange, the routing and the power
 * controller. Designs see it only through their NodeContext; faults act on it through the
 * control methods below; everything observable goes to the history.
 *
 *   clients --(routing: direct | VIP)--> nodes <--> nodes        nodes --> exchange
 *                                          ^
 *                        power controller (IPMI, mgmt network)
 */
import { checkedTopology } from './topology-check.ts';
import { HistoryRecorder, type FinalNodeState, type NodeState, type Role } from '../history/history.ts';
import { lognormalFromP99, sampler } from '../sim/distributions.ts';
import type { Simulator } from '../sim/simulator.ts';
import { SECOND, type Micros } from '../sim/time.ts';
import type { Actor, FenceAction, Msg, NodeContext } from './actor.ts';
import { Client, type Workload } from './client.ts';
import { processNamesOf, type Design, type NodeSpec, type ParamValues, type Topology } from './design.ts';
import { Disk } from './disk.ts';
import { Exchange } from './exchange.ts';
import { LoadBalancer } from './load-balancer.ts';
import { Network } from './network.ts';
import { ProbeBus, ROLE_PRIMARY } from './probes.ts';
import { SimNode } from './node.ts';
import { MgmtPort, PowerController } from './power.ts';
import { Routing } from './routing.ts';
import { TRACE_NODE_STATE, TRACE_ROLE } from '../sim/trace-codes.ts';

/** A design threw: the run fails with its seed instead of crashing the campaign. */
export class ModelError extends Error {
  constructor(readonly node: string, readonly time: Micros, override readonly cause: unknown) {
    super(`design code threw on node ${node} at t=${time}us: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ModelError';
  }
}

export interface Placement {
  rack: string;
  power: string;
  switch: string;
  dc: string;
}

/** Where a node sits; unset fields default from its rack (its own rack `rack-<id>` by default). */
export function placementOf(spec: NodeSpec): Placement {
  const rack = spec.rack ?? `rack-${spec.id}`;
  return { rack, power: spec.power ?? rack, switch: spec.switch ?? `sw-${rack}`, dc: spec.dc ?? 'dc1' };
}

const DEFAULT_LINK_LATENCY = lognormalFromP99(50, 250);
const DEFAULT_FSYNC_LATENCY = lognormalFromP99(200, 2_000);

export class World {
  readonly history = new HistoryRecorder();
  /** Probe counters and the listeners of triggered faults. */
  readonly probes: ProbeBus;
  readonly network: Network;
  readonly exchange: Exchange;
  readonly routing: Routing;
  readonly power: PowerController;
  readonly nodeIds: readonly string[];
  /** The processes the hosts run, when the design declares several per host (else none); not the kernel's entries, which no fault names. */
  readonly processNames: readonly string[];
  readonly clientIds: readonly string[];
  readonly topology: Topology;
  /** The workload, with at least the design's `minClients` clients. */
  readonly workload: Workload;
  readonly placement = new Map<string, Placement>();
  /** Nodes held off by a confirmed fence until rebooted or powered on. */
  readonly fencedOff = new Set<string>();
  /**
   * The end of boot on the simulator's clock (design.md §2, run/run.ts): the instant the
   * service first served. Schedule times (fault `at`, chaos, heal, settle) count from here, and
   * so does every time in the history once the run is finished. The one place the boot offset
   * lives: whatever schedules from a schedule file adds it (faults/injector.ts).
   */
  origin: Micros = 0;
  /** The load balancer, when the design's routing is `lb`. */
  loadBalancer: LoadBalancer | undefined;
  private readonly nodes = new Map<string, SimNode>();
  private readonly clients: Client[] = [];
  /** Per node, per scope (`''`: the whole service; else e.g. a shard): its current role. */
  private readonly roles = new Map<string, Map<string, { role: Role; epoch: number }>>();
  private readonly domainDown = new Map<string, number>();

  constructor(
    readonly sim: Simulator,
    readonly design: Design,
    readonly params: ParamValues,
    workload: Workload,
  ) {
    this.probes = new ProbeBus(this.history, () => sim.now);
    const t = checkedTopology(design, params, design.name);
    this.topology = t;
    this.network = new Network(sim, sampler(t.linkLatency ?? DEFAULT_LINK_LATENCY), t.interDcLatency ?? {}, t.datagramMessages);
    this.exchange = new Exchange(this, t.exchangeChecksTokens ?? false, t.exchangeTokenScope ?? 'global');
    this.routing = new Routing(this, t.routing);
    this.power = new PowerController(this, t.separateFenceNetwork ?? true, t.bootTime ?? 30 * SECOND, t.fencePowerOffTime ?? 0);
    this.nodeIds = t.nodes.map((n) => n.id);
    this.processNames = processNamesOf(t.nodes);
    const clients = Math.max(workload.clients, t.minClients ?? 0);
    this.workload = { ...workload, clients };
    this.clientIds = Array.from({ length: clients }, (_, i) => `client:${i + 1}`);
    this.build(t.nodes);
  }

  private build(specs: NodeSpec[]): void {
    const t = this.topology;
    const fsync = sampler(t.fsyncLatency ?? DEFAULT_FSYNC_LATENCY);
    const clientDc = t.clientDc ?? 'dc1';
    specs.forEach((spec, index) => {
      const place = placementOf(spec);
      this.placement.set(spec.id, place);
      const disk = new Disk(this.sim, fsync, this.sim.rng(`disk:${spec.id}`));
      const node = new SimNode(spec.id, this, disk, index, spec.processes);
      node.supervisedRestart = spec.supervisedRestart;
      this.nodes.set(spec.id, node);
      this.network.attach(node, place.switch, place.dc);
      if (this.power.separateNetwork) this.network.attach(new MgmtPort(`mgmt:${spec.id}`, node), `mgmt-${place.dc}`, place.dc);
    });
    for (const id of this.clientIds) {
      const client = new Client(id, this, this.workload);
      this.clients.push(client);
      this.network.attach(client, 'sw-clients', clientDc);
    }
    this.network.attach(this.exchange, 'sw-exchange', clientDc);
    if (t.routing.kind === 'lb') {
      this.loadBalancer = new LoadBalancer(this, t.routing);
      this.network.attach(this.loadBalancer, 'sw-lb', clientDc);
    }
    const mgmtDc = this.placement.get(this.nodeIds[0])?.dc ?? 'dc1';
    this.network.attach(this.power, this.power.separateNetwork ? `mgmt-${mgmtDc}` : 'sw-mgmt', mgmtDc);
  }

  /** Boots every node and starts the clients. */
  start(): void {
    for (const node of this.nodes.values()) {
      node.state = 'crashed';
      node.boot('started');
    }
    this.loadBalancer?.start();
    this.routing.discovery?.start();
    for (const client of this.clients) client.start();
  }

  stopClients(): void {
    for (const client of this.clients) client.stop();
  }

  createActor(ctx: NodeContext, overrides: ParamValues | undefined): Actor {
    const params = overrides ? { ...this.params, ...overrides } : this.params;
    return this.design.createNode(ctx, params as never);
  }

  /** Runs design code; an exception becomes a ModelError naming the node and time. */
  runGuarded(node: SimNode, run: () => void): void {
    try {
      run();
    } catch (cause) {
      if (cause instanceof ModelError) throw cause;
      throw new ModelError(node.id, this.sim.now, cause);
    }
  }

  /** Fires a timer of a node's running process (a hot path too; no closure). */
  runTimer(node: SimNode, kind: string, data: unknown): void {
    try {
      node.actor?.onTimer?.(kind, data);
    } catch (cause) {
      if (cause instanceof ModelError) throw cause;
      throw new ModelError(node.id, this.sim.now, cause);
    }
  }

  /** Delivers a message to a node's running process (the hot path of every run). */
  runMessage(node: SimNode, from: string, msg: Msg): void {
    try {
      node.actor!.onMessage(from, msg);
    } catch (cause) {
      if (cause instanceof ModelError) throw cause;
      throw new ModelError(node.id, this.sim.now, cause);
    }
  }

  // --- lookups --------------------------------------------------------------------------

  node(id: string): SimNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    return node;
  }

  isNode(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The current declared role of a node in `scope` (undefined after a crash until it declares again). */
  roleOf(id: string, scope = ''): { role: Role; epoch: number } | undefined {
    return this.roles.get(id)?.get(scope);
  }

  /** The highest epoch in which a node currently believes it is primary, in any scope. */
  private primaryEpoch(id: string): number | undefined {
    let epoch: number | undefined;
    for (const r of this.roles.get(id)?.values() ?? []) if (r.role === 'primary' && (epoch === undefined || r.epoch > epoch)) epoch = r.epoch;
    return epoch;
  }

  /** Nodes that currently believe they are primary (in any scope) and are up or paused, highest epoch first. */
  primaries(): string[] {
    return this.nodeIds
      .filter((id) => this.primaryEpoch(id) !== undefined && this.isRunning(id))
      .sort((a, b) => this.primaryEpoch(b)! - this.primaryEpoch(a)!);
  }

  /** Nodes that are running, serve clients and do not believe they are primary in any scope. */
  standbys(): string[] {
    const serving = new Set(this.topology.nodes.filter((n) => n.serving !== false).map((n) => n.id));
    return this.nodeIds.filter((id) => serving.has(id) && this.isRunning(id) && this.primaryEpoch(id) === undefined);
  }

  isRunning(id: string): boolean {
    const state = this.node(id).state;
    return state === 'up' || state === 'paused';
  }

  nodesWhere(key: keyof Placement, value: string): string[] {
    return this.nodeIds.filter((id) => this.placement.get(id)![key] === value);
  }

  valuesOf(key: keyof Placement): string[] {
    return [...new Set(this.nodeIds.map((id) => this.placement.get(id)![key]))];
  }

  powerDomainDown(id: string): boolean {
    return (this.domainDown.get(this.placement.get(id)!.power) ?? 0) > 0;
  }

  // --- what designs and the world record -----------------------------------------------

  /** Records a role declaration; `scope` names the part of the service it is about (a shard). */
  declareRole(node: string, role: Role, epoch: number, scope = ''): void {
    let scopes = this.roles.get(node);
    if (!scopes) this.roles.set(node, (scopes = new Map()));
    const prev = scopes.get(scope);
    if (prev && prev.role === role && prev.epoch === epoch) return;
    scopes.set(scope, { role, epoch });
    if (role === 'primary') this.probes.emit(ROLE_PRIMARY, node, scope === '' ? undefined : scope);
    const sim = this.sim;
    sim.trace.add(sim.now, TRACE_ROLE, this.node(node).index, sim.trace.id(scope === '' ? role : `${role}@${scope}`), epoch);
    this.history.record(scope === '' ? { type: 'role', time: sim.now, node, role, epoch } : { type: 'role', time: sim.now, node, role, epoch, scope });
  }

  roleLost(node: string): void {
    this.roles.delete(node);
  }

  recordAckSent(node: string, orderId: string): void {
    this.history.recordAckSent(this.sim.now, node, orderId);
  }

  recordNodeState(node: string, state: NodeState, reason: string): void {
    const sim = this.sim;
    sim.trace.add(sim.now, TRACE_NODE_STATE, this.node(node).index, sim.trace.id(state));
    if (state === 'off') this.routing.nodeDown(node);
    this.history.record({ type: 'node-state', time: sim.now, node, state, reason });
  }

  recordFence(node: string, target: string, action: FenceAction, ok: boolean): void {
    this.history.record({ type: 'fence', time: this.sim.now, node, target, action, ok });
  }

  note(node: string, text: string): void {
    this.history.record({ type: 'note', time: this.sim.now, node, text });
  }

  // --- controls for faults ---------------------------------------------------------------

  /** Cuts power to a domain (a PDU, a rack's circuit): its nodes go off, its switches down. */
  powerDomainOff(domain: string): void {
    this.domainDown.set(domain, (this.domainDown.get(domain) ?? 0) + 1);
    for (const sw of this.switchesPoweredBy(domain)) this.network.switchDown(sw);
    for (const id of this.nodesWhere('power', domain)) this.node(id).powerOff(`power domain ${domain} lost`);
  }

  powerDomainOn(domain: string): void {
    const n = (this.domainDown.get(domain) ?? 0) - 1;
    if (n > 0) this.domainDown.set(domain, n);
    else this.domainDown.delete(domain);
    if (n > 0) return;
    for (const sw of this.switchesPoweredBy(domain)) this.network.switchUp(sw);
    for (const id of this.nodesWhere('power', domain)) this.node(id).powerOn(`power domain ${domain} restored`);
  }

  /** A node's access switch is powered by the domain of the nodes in its rack. */
  private switchesPoweredBy(domain: string): string[] {
    return [...new Set(this.nodesWhere('power', domain).map((id) => this.placement.get(id)!.switch))];
  }

  /** The durable state every invariant reads at the end. */
  finalState(): FinalNodeState[] {
    const last = this.lastDeclared();
    return this.nodeIds.map((id) => {
      const node = this.node(id);
      const byScope = last.get(id);
      const role = byScope?.get('');
      const final: FinalNodeState = {
        node: id,
        state: node.state,
        durableLog: node.disk.durableLog(),
        lastRole: role?.role,
        lastEpoch: role?.epoch,
      };
      const scoped = [...(byScope ?? [])].filter(([scope]) => scope !== '');
      if (scoped.length > 0) final.lastRoleByScope = Object.fromEntries(scoped);
      return final;
    });
  }

  /** The last role each node declared in each scope, kept across crashes (for the final state). */
  private lastDeclared(): Map<string, Map<string, { role: Role; epoch: number }>> {
    const last = new Map<string, Map<string, { role: Role; epoch: number }>>();
    for (const e of this.history.events) {
      if (e.type !== 'role') continue;
      let scopes = last.get(e.node);
      if (!scopes) last.set(e.node, (scopes = new Map()));
      scopes.set(e.scope ?? '', { role: e.role, epoch: e.epoch });
    }
    return last;
  }
}
