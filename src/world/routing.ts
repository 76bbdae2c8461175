/**
 * How clients find the service.
 *
 * - `direct`: a client sends to its current guess (first of `targets`), moves to the next on a
 *   timeout and follows a refusal's leader hint (Raft clients, smart drivers).
 * - `vip`: a virtual IP. A node that takes it sends `garpCount` gratuitous ARPs, `garpInterval`
 *   apart, to the clients' segment (they travel as messages, so a partition or loss stops them).
 *   Each client caches IP -> node for `arpCacheTtl`; a stale cache keeps sending to the old
 *   holder until a GARP arrives or the entry expires, then the client ARPs and the most recent
 *   reachable claimant answers.
 * - `dns`: a DNS record a design updates (`ctx.updateDns`); each client caches the answer for
 *   max(ttl, clientMinCache) and keeps using a dead address until the cache expires. A lookup
 *   fails when the clients' recursive resolver is down or cut off (after `lookupTimeout`) or the
 *   name does not exist (NXDOMAIN, between a delete and a create; the resolver caches it for
 *   `negativeTtl`, RFC 2308); a client caches a failure for `clientNegativeTtl`, and has no
 *   route meanwhile.
 * - `lb`: clients send to the load balancer endpoint `lb` (see load-balancer.ts).
 * - `discovery`: clients ask discovery nodes (Sentinels) for the primary (see discovery.ts).
 */
import type { Micros } from '../sim/time.ts';
import type { DnsLookupSpec, RoutingSpec } from './design.ts';
import type { World } from './world.ts';
import type { Msg } from './actor.ts';
import { Discovery } from './discovery.ts';

interface ArpEntry {
  node: string;
  expiresAt: Micros;
}

/** A client's ARP cache entry for a VIP; `updatedAt` is what the neighbour locktime counts from. */
interface NeighEntry extends ArpEntry {
  updatedAt: Micros;
}

/** A client's cached DNS answer; `node` undefined: a cached failure (negative caching). */
interface DnsEntry {
  node: string | undefined;
  expiresAt: Micros;
}

export class Routing {
  /** Per VIP: the nodes holding it, with the time they claimed it (several after a split brain). */
  private readonly claims = new Map<string, Map<string, Micros>>();
  private readonly arpCache = new Map<string, NeighEntry>();
  private readonly directGuess = new Map<string, number>();
  private dnsRecord: string | undefined;
  private readonly dnsCache = new Map<string, DnsEntry>();
  /** Until when the recursive resolver answers NXDOMAIN from its negative cache. */
  private nxdomainUntil: Micros = -1;
  /** Bumped by every record change, so a stale delayed create does not undo a newer one. */
  private dnsGeneration = 0;
  /** The discovery service clients ask, when the routing is `discovery`. */
  readonly discovery: Discovery | undefined;

  constructor(
    private readonly world: World,
    readonly spec: RoutingSpec,
  ) {
    if (spec.kind === 'dns') this.dnsRecord = spec.initial;
    if (spec.kind === 'vip') for (const vip of spec.vips ?? ['vip']) this.claims.set(vip, new Map());
    this.discovery = spec.kind === 'discovery' ? new Discovery(world, spec) : undefined;
  }

  /** Whether the client has no route yet because it is asking for one (its orders wait). */
  awaitingDiscovery(client: string): boolean {
    return this.discovery?.waiting(client) ?? false;
  }

  /** A discovery answer or push; true when the client now has a route. */
  discovered(client: string, from: string, msg: Msg): boolean {
    return this.discovery?.onMessage(client, from, msg) ?? false;
  }

  /** The VIP a client uses: clients are spread over the design's VIPs (one per shard). */
  vipOf(client: string): string {
    const vips = this.spec.kind === 'vip' ? (this.spec.vips ?? ['vip']) : ['vip'];
    return vips[this.world.clientIds.indexOf(client) % vips.length];
  }

  /**
   * The part of the service a client's orders belong to (its scope): the VIP it uses when the
   * design serves in scopes, one VIP per shard (`vips`); undefined when it is one service.
   */
  scopeOf(client: string): string | undefined {
    return this.spec.kind === 'vip' && this.spec.vips ? this.vipOf(client) : undefined;
  }

  /** The endpoint a client sends its next attempt to (undefined: no route). */
  resolve(client: string): string | undefined {
    const spec = this.spec;
    if (spec.kind === 'direct') return spec.targets[this.directGuess.get(client) ?? 0];
    if (spec.kind === 'lb') return 'lb';
    if (spec.kind === 'discovery') return this.discovery!.resolve(client);
    const now = this.world.sim.now;
    if (spec.kind === 'dns') {
      const cached = this.dnsCache.get(client);
      if (cached && cached.expiresAt > now) return cached.node;
      const entry = this.lookup(client, spec, now);
      this.dnsCache.set(client, entry);
      return entry.node;
    }
    const cached = this.arpCache.get(client);
    if (cached && cached.expiresAt > now) return cached.node;
    const holder = this.arpLookup(client);
    if (holder) this.arpCache.set(client, { node: holder, expiresAt: now + spec.arpCacheTtl, updatedAt: now });
    else this.arpCache.delete(client);
    return holder;
  }

  /** The attempt sent to `node` timed out: direct clients try the next target. */
  timedOut(client: string, node: string | undefined): void {
    this.discovery?.failed(client);
    if (this.spec.kind !== 'direct') return;
    const targets = this.spec.targets;
    const at = node === undefined ? -1 : targets.indexOf(node);
    this.directGuess.set(client, (at + 1) % targets.length);
  }

  /** A refusal named the leader: direct clients go there next; discovery clients (redis-py) ask again. */
  redirect(client: string, leaderHint: string | undefined, refusedBy: string): void {
    this.discovery?.failed(client);
    if (this.spec.kind !== 'direct') return;
    const targets = this.spec.targets;
    const hinted = leaderHint === undefined ? -1 : targets.indexOf(leaderHint);
    this.directGuess.set(client, hinted >= 0 ? hinted : (targets.indexOf(refusedBy) + 1) % targets.length);
  }

  /** ARP who-has: the most recent claimant that is up and reachable from the client answers. */
  private arpLookup(client: string): string | undefined {
    let best: string | undefined;
    let bestAt = -Infinity;
    for (const [node, at] of this.claims.get(this.vipOf(client)) ?? []) {
      // the kernel answers ARP: a host whose process died still holds the address (a client
      // then reaches it and is refused); a host without power, or frozen whole, does not
      const state = this.world.node(node).state;
      if (at > bestAt && (state === 'up' || state === 'crashed') && this.world.network.connected(node, client)) {
        best = node;
        bestAt = at;
      }
    }
    return best;
  }

  claimVip(node: string, vip: string): void {
    if (this.spec.kind !== 'vip') return;
    const holders = this.claims.get(vip);
    if (!holders) throw new Error(`design claims unknown VIP ${vip} (declared: ${[...this.claims.keys()].join(', ')})`);
    const sim = this.world.sim;
    holders.set(node, sim.now);
    this.world.history.record({ type: 'vip', time: sim.now, node, vip });
    const { garpCount, garpInterval } = this.spec;
    for (let i = 0; i < garpCount; i++) {
      sim.after(i * garpInterval, () => {
        if (!holders.has(node) || this.world.node(node).state !== 'up') return;
        for (const client of this.world.clientIds) this.world.network.send(node, client, { type: 'garp', vip });
      });
    }
  }

  /** Whether `node`'s host has `vip` configured now. */
  holds(node: string, vip: string): boolean {
    return this.claims.get(vip)?.has(node) ?? false;
  }

  /** The nodes whose hosts have `vip` configured now (several after a split brain), in claim order. */
  holdersOf(vip: string): string[] {
    return [...(this.claims.get(vip)?.keys() ?? [])];
  }

  releaseVip(node: string, vip: string): void {
    this.claims.get(vip)?.delete(node);
  }

  /** A node lost its power: its addresses are gone (a process crash leaves them configured). */
  nodeDown(node: string): void {
    for (const holders of this.claims.values()) holders.delete(node);
  }

  /**
   * Points the DNS record at `node` (visible to clients as their caches expire). With
   * `deleteFor` the record is deleted now and created again that much later (two separate
   * changes): in between the name does not exist.
   */
  updateDns(node: string, deleteFor: Micros = 0): void {
    if (this.spec.kind !== 'dns' || this.dnsRecord === node) return;
    const generation = ++this.dnsGeneration;
    if (deleteFor <= 0) return this.setDnsRecord(node);
    this.dnsRecord = undefined;
    this.world.sim.after(deleteFor, () => {
      if (this.dnsGeneration === generation) this.setDnsRecord(node);
    });
  }

  private setDnsRecord(node: string): void {
    this.dnsRecord = node;
    this.world.history.record({ type: 'dns', time: this.world.sim.now, node });
  }

  /** One lookup through the recursive resolver: an answer, NXDOMAIN, or no answer at all. */
  private lookup(client: string, spec: DnsLookupSpec & { ttl: Micros; clientMinCache: Micros }, now: Micros): DnsEntry {
    const failedFor = spec.clientNegativeTtl ?? 0;
    const resolver = spec.resolver;
    if (resolver !== undefined && !this.resolverAnswers(client, resolver)) {
      // the stub resolver waits out its timeouts, then the runtime caches the failure
      return { node: undefined, expiresAt: now + (spec.lookupTimeout ?? 0) + failedFor };
    }
    if (this.dnsRecord === undefined || this.nxdomainUntil > now) {
      if (this.dnsRecord === undefined && this.nxdomainUntil <= now) this.nxdomainUntil = now + (spec.negativeTtl ?? 0);
      return { node: undefined, expiresAt: now + failedFor };
    }
    return { node: this.dnsRecord, expiresAt: now + Math.max(spec.ttl, spec.clientMinCache) };
  }

  private resolverAnswers(client: string, resolver: string): boolean {
    const network = this.world.network;
    return this.world.node(resolver).state === 'up' && network.connected(client, resolver) && network.connected(resolver, client);
  }

  /**
   * A client received a gratuitous ARP from `node` for `vip`: arp_process. Without an entry it
   * creates one only under arp_accept 1; an entry is overridden once its locktime has passed
   * since its last update, or at once where the kernel lets a GARP override (see ClientArpSpec).
   * An expired entry still exists (Linux keeps it STALE until garbage collection).
   */
  garp(client: string, node: string, vip: string): void {
    const spec = this.spec;
    if (spec.kind !== 'vip' || vip !== this.vipOf(client)) return;
    const now = this.world.sim.now;
    const entry = this.arpCache.get(client);
    if (!entry && spec.arpAccept === 0) return;
    if (entry && entry.node !== node && !(spec.garpOverridesLocktime ?? true) && now - entry.updatedAt < (spec.arpLocktime ?? 0)) return;
    this.arpCache.set(client, { node, expiresAt: now + spec.arpCacheTtl, updatedAt: now });
  }
}
