/**
 * What a design file in `models/` exports: its parameters (with the real system's defaults and
 * their sources), its topology (nodes, racks, power, switches, datacenters, routing) and the
 * Actor that runs on each node. `defineDesign` only types it; the world does the rest.
 *
 * ```ts
 * export default defineDesign({
 *   name: 'single', description: 'one server, no redundancy',
 *   params: { fsyncLatency: { kind: 'duration', default: '200us', doc: '...', source: '...' } },
 *   topology: () => ({ nodes: [{ id: 'a' }], routing: { kind: 'direct', targets: ['a'] } }),
 *   createNode: (ctx, p) => new SingleServer(ctx, p),
 * });
 * ```
 */
import type { Micros } from '../sim/time.ts';
import { InputError } from '../sim/input-error.ts';
import type { DistributionSpec } from '../sim/distributions.ts';
import type { Actor, NodeContext } from './actor.ts';
import type { DiscoverySpec } from './discovery.ts';
import type { DesignEstimate } from './estimate-declaration.ts';
import type { Invariant } from '../history/invariant.ts';

export type ParamSpec =
  /** `positive`: zero is refused too (an interval or a timeout of 0 makes no sense). */
  | { kind: 'duration'; default: string; positive?: boolean; doc: string; source: string }
  | { kind: 'number'; default: number; min?: number; max?: number; unit?: string; doc: string; source: string }
  /** `oneOf`: the only values allowed (a cluster of 3 or 5), instead of a range. */
  | { kind: 'integer'; default: number; min?: number; max?: number; oneOf?: readonly number[]; unit?: string; doc: string; source: string }
  | { kind: 'boolean'; default: boolean; doc: string; source: string }
  | { kind: 'enum'; default: string; values: readonly string[]; doc: string; source: string }
  /**
   * One value per node (or one for all), written `100,50,100`: each element an integer in
   * [min, max]. The resolved value is that normalised text; a design reads it with
   * `perNode(value, count, name)`, which gives one value per node (a single value applies to
   * every node) and refuses a list of another length.
   */
  | { kind: 'integer-list'; default: string; min?: number; max?: number; doc: string; source: string }
  /** One duration per node (or one for all), `0s,10s`; resolved to microseconds, read with `perNode`. */
  | { kind: 'duration-list'; default: string; doc: string; source: string };

export type ParamSpecs = Record<string, ParamSpec>;

/** Resolved parameter values: durations in microseconds, the rest as declared. */
export type ParamValues = Record<string, number | boolean | string>;

/** A typed view of resolved values: `duration`, `number` and `integer` become numbers. */
export type Resolved<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends { kind: 'boolean' } ? boolean : S[K] extends { kind: 'enum' | 'integer-list' | 'duration-list' } ? string : number;
};

export interface NodeSpec {
  id: string;
  /** Rack (also the default power domain and switch). */
  rack?: string;
  /** Power domain (PDU / circuit); defaults to the rack. */
  power?: string;
  /** Access switch; defaults to `sw-<rack>`. */
  switch?: string;
  /** Datacenter; defaults to `dc1`. */
  dc?: string;
  /** Whether a crashed process is restarted by a supervisor, and after how long (default: not). */
  supervisedRestart?: Micros;
  /** Whether this node serves clients (false for a witness, a DCS member, a sentinel). */
  serving?: boolean;
  /**
   * The processes the host runs, when it runs several that fail separately (Patroni and
   * PostgreSQL; keepalived and the trading service). Absent: one process, the whole Actor.
   * The first is the service (it also owns the threads no process names); every further one is
   * an HA agent beside it, which `hasim estimate` fails at the reliability data's `agent` rate
   * (and its `process` rate kills the first). See processes.ts.
   */
  processes?: ProcessSpec[];
}

/**
 * One process of a host that runs several. The design's Actor stays one object; a process is
 * the set of its threads (`Actor.threadOf`): while the process is dead, every message, timer
 * and callback of those threads is dropped, its TCP peers are reset by the kernel, and the
 * Actor is told (`onProcessExit` / `onProcessStart`) so it can drop and rebuild that process's
 * volatile state. The first process also owns every thread no process names.
 *
 * ```ts
 * nodes: [{ id: 'a', processes: [
 *   { name: 'trading-service', threads: ['main', 'health'] },
 *   { name: 'keepalived', threads: ['heartbeat'], supervisedRestart: 5 * SECOND },
 * ] }]
 * ```
 */
export interface ProcessSpec {
  /** The name faults use (`process-crash` `component: keepalived`). */
  name: string;
  /** The Actor's threads that run in this process. */
  threads: readonly string[];
  /** A supervisor restarts it alone after this long (default: the node's `supervisedRestart`). */
  supervisedRestart?: Micros;
  /**
   * Only the design itself starts it again (Pacemaker its resources, Patroni its PostgreSQL):
   * no systemd restart, and a fault that leaves the restart to the `supervisor` does not start
   * it when it ends either (the design decides whether, and where, it runs again).
   */
  startedByDesign?: boolean;
  /**
   * Not a process but the host's kernel (a kernel module such as DRBD): its threads run while
   * the host runs. No `process-crash` or `graceful-stop` reaches it, with or without
   * `component` (a fault cannot name it, and a kill of every process leaves it running); a
   * deadlock of the processes does not stall it; it is never an estimate `agent`. It dies only
   * with the host (crash, power loss, fence, watchdog reset).
   */
  kernel?: boolean;
}

/**
 * How the clients' kernel treats gratuitous ARP (Linux ip-sysctl: arp_accept, neigh locktime;
 * net/ipv4/arp.c arp_process). All optional; unset: every GARP updates or creates the entry.
 * - `arpAccept` 0 (Linux's default): a GARP for an address with no entry in the cache creates
 *   none (the client ARPs when it next sends); 1: it creates one.
 * - `arpLocktime`: an existing entry updated less than this long ago is not overridden (the
 *   first of several answers wins), unless `garpOverridesLocktime`: current kernels treat a GARP
 *   for an existing entry as an override whatever its age; older ones (Linux 3.10, or 4.x with
 *   arp_accept 0) apply the locktime to GARPs too, so a GARP that follows an update within the
 *   locktime is ignored and the client keeps the old MAC until its entry expires.
 */
export interface ClientArpSpec {
  arpAccept?: 0 | 1;
  arpLocktime?: Micros;
  garpOverridesLocktime?: boolean;
}

/**
 * Failed DNS lookups and negative caching (all optional; unset: every lookup succeeds and
 * nothing negative is cached).
 * - `resolver`: the clients' recursive resolver, a node faults can crash or cut off. A lookup it
 *   cannot answer fails after `lookupTimeout` (glibc: resolv.conf timeout 5 s x attempts 2).
 * - A name that does not exist (a record deleted and re-created, `ctx.updateDns(target, gap)`)
 *   answers NXDOMAIN, which the recursive resolver caches for `negativeTtl` (RFC 2308 §5: the
 *   minimum of the SOA record's TTL and its MINIMUM field) and answers every client from.
 * - A client caches a failed lookup (NXDOMAIN, or the resolver's silence) for
 *   `clientNegativeTtl` (a JVM: networkaddress.cache.negative.ttl = 10 s; glibc: 0).
 */
export interface DnsLookupSpec {
  resolver?: string;
  lookupTimeout?: Micros;
  negativeTtl?: Micros;
  clientNegativeTtl?: Micros;
}

export type RoutingSpec =
  /** Clients send to `targets[0]`; on timeout they try the next; a refusal's hint redirects. */
  | { kind: 'direct'; targets: string[] }
  /**
   * Virtual IPs moved by gratuitous ARP; clients cache the mapping for `arpCacheTtl`. One VIP
   * named `vip` unless `vips` names several (one per shard); clients are spread over them.
   */
  | ({ kind: 'vip'; garpCount: number; garpInterval: Micros; arpCacheTtl: Micros; vips?: string[] } & ClientArpSpec)
  /**
   * A DNS name: the record points at `initial` until a node calls `ctx.updateDns(target)`.
   * Clients cache an answer for max(`ttl`, `clientMinCache`): resolvers and runtimes often
   * cache longer than the TTL (a JVM caches 30 s by default). Failed lookups are `DnsLookupSpec`'s.
   */
  | ({ kind: 'dns'; initial: string; ttl: Micros; clientMinCache: Micros } & DnsLookupSpec)
  /**
   * A load balancer (endpoint `lb`) that health-checks `targets` every `healthCheckInterval`
   * and forwards each order to the next healthy one (round robin); nodes answer the client
   * directly. A target is marked down after `unhealthyThreshold` failed checks in a row and up
   * after `healthyThreshold` good ones (HAProxy's `fall` and `rise`).
   */
  | { kind: 'lb'; targets: string[]; healthCheckInterval: Micros; healthCheckTimeout: Micros; unhealthyThreshold: number; healthyThreshold: number }
  /** Clients ask discovery nodes (Redis Sentinels) for the primary, as redis-py or Jedis do (discovery.ts). */
  | DiscoverySpec;

export interface Topology {
  nodes: NodeSpec[];
  routing: RoutingSpec;
  /** Datacenter where clients and the exchange gateway sit (default `dc1`). */
  clientDc?: string;
  /** One-way latency between datacenters, e.g. `{ 'dc1>dc2': 8000 }` in µs (symmetric if one side given). */
  interDcLatency?: Record<string, Micros>;
  /** Whether the exchange rejects orders with a fencing token lower than one it has seen. */
  exchangeChecksTokens?: boolean;
  /**
   * What a token fences (default `global`): `global` compares it with every token seen (a
   * leader's term fences all of an older leader's orders); `order` only with tokens seen for
   * the same order id (a per-resource lock's token, as in Kleppmann's fencing of one resource:
   * concurrent holders of different locks do not fence each other).
   */
  exchangeTokenScope?: 'global' | 'order';
  /**
   * Message types the design sends as datagrams (VRRP adverts, corosync/knet, ARP): lost
   * outright, no connection for a kernel to reset. Every other message rides a TCP connection.
   */
  datagramMessages?: readonly string[];
  /** Whether the power controller (IPMI) sits on its own management network (default true). */
  separateFenceNetwork?: boolean;
  /** One-way latency of a link within a datacenter (default: lognormal, median 50us). */
  linkLatency?: DistributionSpec;
  /** At least this many clients (e.g. one per shard); the order rate is shared among them. */
  minClients?: number;
  /** fsync latency of every node's disk (default: lognormal, median 200us). */
  fsyncLatency?: DistributionSpec;
  /**
   * How long a fencing device takes from receiving a power-off to the target being off (default
   * 0: at once, as an IPMI hard power-off nearly is). Cloud and hypervisor fence agents take
   * seconds to minutes; meanwhile the target runs on, and may fence its fencer.
   */
  fencePowerOffTime?: Micros;
  /** How long a server takes to boot after a power-on or a fencing reboot (default 30 s). */
  bootTime?: Micros;
  /** The design's recovery-time target (default 60 s, the RTO of the HA requirements). */
  rtoTarget?: Micros;
  /**
   * Nodes that serve clients' reads directly, each read to one of them at random (a read-replica
   * pool, such as HAProxy's replica port in front of PostgreSQL hot standbys). Default: reads go
   * through the routing, like orders.
   */
  readTargets?: string[];
}

export interface Design<S extends ParamSpecs = ParamSpecs> {
  /** The file stem, e.g. `hot-standby-naive`. */
  name: string;
  /** One line for `hasim list`. */
  description: string;
  params: S;
  topology(params: Resolved<S>): Topology;
  /** Creates the Actor for one boot of node `ctx.id`. */
  createNode(ctx: NodeContext, params: Resolved<S>): Actor;
  /**
   * What `hasim estimate` needs: which nodes must be up for the service to be up, which idle
   * as standbys (see estimate-declaration.ts). A design without it cannot be estimated.
   */
  estimate?: DesignEstimate<Resolved<S>, Topology>;
  /**
   * Properties of this design's runs beyond the built-in invariants (names of their own),
   * checked in every run of it, in worker threads too (they load this file).
   */
  invariants?: Invariant[];
  /**
   * Its nodes answer clients' reads (`read` messages; workload `readsPerSecond`) with whether an
   * order is there. Reads sent to any other design would go unanswered and measure nothing, so
   * `--reads` refuses it.
   */
  servesReads?: boolean;
}

/**
 * Every process name the design's hosts declare, in declaration order, each once: the names a
 * fault's `component` may take. The kernel's entries (ProcessSpec.kernel) are none: no fault kills them.
 */
export function processNamesOf(nodes: readonly NodeSpec[]): string[] {
  return [...new Set(nodes.flatMap((n) => (n.processes ?? []).filter((p) => !p.kernel).map((p) => p.name)))];
}

/**
 * Refuses reads (`readsPerSecond` > 0) for a design that does not serve them, naming `source`
 * (the flag or field that asked for them), before any run.
 */
export function checkServesReads(design: Pick<Design, 'name' | 'servesReads'>, workload: { readsPerSecond?: number } | undefined, source: string): void {
  if ((workload?.readsPerSecond ?? 0) > 0 && !design.servesReads) {
    throw new InputError(source, '', `0 for ${design.name}: it does not serve reads (postgres-patroni does)`, String(workload!.readsPerSecond));
  }
}

export function defineDesign<S extends ParamSpecs>(design: Design<S>): Design<S> {
  return design;
}
