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
 *   max(ttl, clientMinCache) and keeps using a dead address until the cache expires.
 * - `lb`: clients send to the load balancer endpoint `lb` (see load-balancer.ts).
 * - `discovery`: clients ask discovery nodes (Sentinels) for the primary (see discovery.ts).
 */
import type { Micros } from '../sim/time.ts';
import type { RoutingSpec } from './design.ts';
import type { World } from './world.ts';
import type { Msg } from './actor.ts';
import { Discovery } from './discovery.ts';

interface ArpEntry {
  node: string;
  expiresAt: Micros;
}

export class Routing {
  /** Per VIP: the nodes holding it, with the time they claimed it (several after a split brain). */
  private readonly claims = new Map<string, Map<string, Micros>>();
  private readonly arpCache = new Map<string, ArpEntry>();
  private readonly directGuess = new Map<string, number>();
  private dnsRecord: string | undefined;
  private readonly dnsCache = new Map<string, ArpEntry>();
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
      if (this.dnsRecord !== undefined) this.dnsCache.set(client, { node: this.dnsRecord, expiresAt: now + Math.max(spec.ttl, spec.clientMinCache) });
      return this.dnsRecord;
    }
    const cached = this.arpCache.get(client);
    if (cached && cached.expiresAt > now) return cached.node;
    const holder = this.arpLookup(client);
    if (holder) this.arpCache.set(client, { node: holder, expiresAt: now + spec.arpCacheTtl });
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

  releaseVip(node: string, vip: string): void {
    this.claims.get(vip)?.delete(node);
  }

  /** A node lost its power: its addresses are gone (a process crash leaves them configured). */
  nodeDown(node: string): void {
    for (const holders of this.claims.values()) holders.delete(node);
  }

  /** Points the DNS record at `node` (visible to clients as their caches expire). */
  updateDns(node: string): void {
    if (this.spec.kind !== 'dns' || this.dnsRecord === node) return;
    this.dnsRecord = node;
    this.world.history.record({ type: 'dns', time: this.world.sim.now, node });
  }

  /** A client received a gratuitous ARP from `node` for `vip`. */
  garp(client: string, node: string, vip: string): void {
    if (this.spec.kind !== 'vip' || vip !== this.vipOf(client)) return;
    this.arpCache.set(client, { node, expiresAt: this.world.sim.now + this.spec.arpCacheTtl });
  }
}
