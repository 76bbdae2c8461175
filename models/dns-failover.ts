/**
 * dns-failover: health-checked DNS failover, Amazon Route 53 style, in front of a primary and
 * a secondary server: the HA document's §3 "DNS FAILOVER" (TTL 5 s, "Health Check -> Update
 * DNS -> Clients resolve to new IP").
 *
 * Stands for: a Route 53 failover routing policy (PRIMARY record -> server `a` with an HTTP
 * health check, SECONDARY record -> server `b`), record TTL 5 s, clients resolving the name
 * through their stub resolver or runtime cache. Route 53 only changes answers; the failover
 * hook that promotes the secondary (a CloudWatch alarm on the health check running a script,
 * or the monitoring script of the document's "Health Check -> Update DNS") promotes `b` at
 * the moment the record switches. Node `hc` is that health checker and hook; it serves nothing.
 *
 * Mechanisms modelled:
 * - The health checker (src/parts/health-probe.ts, fixed rate) requests `a`'s health endpoint
 *   every `requestInterval`; a request not answered within `connectTimeout` fails; after
 *   `failureThreshold` failures in a row the endpoint is unhealthy: the record now answers
 *   `b` and `b` is promoted (it stops applying `a`'s stream and acks orders itself). Route 53
 *   uses the same threshold to mark the endpoint healthy again, and a failover record answers
 *   with the primary whenever it is healthy (`failback`): the record returns to `a`, but
 *   nothing demotes `b`.
 * - Clients cache the answer for max(ttl, clientMinCache) and keep sending to the address they
 *   cached, dead or not: failover completes only when their caches expire. RTO is therefore
 *   about failureThreshold x requestInterval (detection) + the cache time.
 * - No fencing: a primary that only the checker cannot reach (a partition between them) is
 *   failed over while it is alive and still serving every client whose cache points at it:
 *   two primaries acking orders (split brain) until those caches expire; a crashed `a` that
 *   restarts believes it is primary again (its configuration says so).
 * - Asynchronous replication of the order log from the primary to the secondary (the
 *   document's §4), shipped once an order is durable locally: a primary crash loses what it
 *   had acked but not yet shipped; orders acked on both sides of a split brain diverge.
 * - The health endpoint answers on its own `health` thread: an order thread deadlocked behind
 *   a healthy endpoint is never failed over (gray failure).
 *
 * - Failed lookups (`resolverNode`): the clients' recursive resolver is node `dns`; while it
 *   is down or cut off a lookup fails after the stub resolver's timeouts (resolv.conf(5):
 *   `timeout` 5 s x `attempts` 2 with one nameserver), and a client whose cached answer has
 *   expired cannot reach even a healthy primary: the resolver is in series with the pair (the
 *   estimate structure says so). A JVM then caches the failure for
 *   `networkaddress.cache.negative.ttl` = 10 s (java.security) before asking again.
 * - Negative caching (`recordUpdate: delete-create`): a hook that deletes the record and
 *   creates it again in a second change (`recordChangeGap` later) leaves the name nonexistent
 *   in between; a lookup then gets NXDOMAIN, which the recursive resolver caches for
 *   min(SOA TTL, SOA MINIMUM) (RFC 2308 §5, "the TTL of this record is set from the minimum of
 *   the MINIMUM field of the SOA record and the TTL of the SOA itself") and serves to every
 *   client: with Route 53's SOA (TTL 900 s, MINIMUM 86400 s) the clients that asked in the gap
 *   cannot see the new record for 15 minutes. Route 53's UPSERT (one atomic change batch, the
 *   default here) never answers NXDOMAIN (test/models/dns-failover-knobs.test.ts).
 *
 * Left out: Route 53's ~15 health checkers in several regions and its 18 % rule (one checker
 * stands for them), health checks of the secondary, DNS propagation within Route 53 (seconds),
 * SERVFAIL caching by the recursive resolver when it cannot reach the authoritative servers
 * (RFC 9520: at least 1 s, at most 5 min; the resolver's own failure stands for it), the
 * resolver's positive cache (each client's cache stands for it),
 * resolvers that enforce a minimum TTL of their own (model them with `clientMinCache`),
 * connection reuse (a client resolves afresh for every attempt once its cache has expired).
 *
 * Defaults and sources:
 * - requestInterval 10 s: Route 53 "fast" health checks (RequestInterval 10; standard 30 s),
 *   Route 53 Developer Guide, "Values that you specify when you create or update health checks".
 * - failureThreshold 3: Route 53 FailureThreshold default 3 (same guide).
 * - connectTimeout 4 s: Route 53 requires a TCP connection within four seconds (then a 2xx/3xx
 *   within two seconds), "How Amazon Route 53 determines whether a health check is healthy".
 * - ttl 5 s: the HA document ("TTL: 5 seconds (very low for fast failover)").
 * - clientMinCache 0 s: clients honour the TTL. A JVM caches 30 s by default
 *   (`networkaddress.cache.ttl`, java.security; forever under a security manager):
 *   `--set clientMinCache=30s`.
 * - clientResolver ttl: native clients (glibc getaddrinfo, no nscd) honour the TTL. `jvm`: the
 *   JDK's InetAddress cache keeps a positive answer `networkaddress.cache.ttl` = 30 s when no
 *   security manager is installed; `jvm-security-manager`: with a security manager installed
 *   and the property unset the JDK caches a positive answer forever (java.security:
 *   "networkaddress.cache.ttl ... default value is -1 (forever) when a security manager is
 *   installed"), so such a client never follows a DNS failover until restarted
 *   (test/models/dns-failover-knobs.test.ts).
 * - resolverNode false (the resolver never fails, as before); resolvTimeout 5 s and
 *   resolvAttempts 2: resolv.conf(5) RES_TIMEOUT and RES_DFLRETRY; recordUpdate upsert:
 *   Route 53 ChangeResourceRecordSets applies one change batch atomically; recordChangeGap 1 s:
 *   an assumption (two API calls back to back); soaTtl 900 s, soaMinimum 86400 s: the SOA
 *   record Route 53 creates for a public hosted zone (Developer Guide, "NS and SOA records that
 *   Amazon Route 53 creates for a public hosted zone").
 * - failback true: Route 53 failover routing answers with the primary record whenever its
 *   health check is healthy (Developer Guide, "Failover routing").
 * - restartSec 5 s: systemd `Restart=always`, `RestartSec=5s` (as for `single`).
 */
import { SECOND } from '../src/sim/time.ts';
import { defineDesign, type Resolved } from '../src/world/design.ts';
import { oneOf } from '../src/world/estimate-declaration.ts';
import type { Actor, Msg, NodeContext } from '../src/world/actor.ts';
import { AsyncPairNode } from '../src/parts/async-pair.ts';
import { HealthProbe } from '../src/parts/health-probe.ts';

const params = {
  requestInterval: { kind: 'duration', positive: true, default: '10s', doc: 'time between two health checks of the primary', source: 'Route 53 health check RequestInterval: 10 s (fast) or 30 s (standard)' },
  failureThreshold: { kind: 'integer', default: 3, min: 1, max: 10, doc: 'checks in a row that must fail (or pass) to change the endpoint status', source: 'Route 53 health check FailureThreshold, default 3' },
  connectTimeout: { kind: 'duration', positive: true, default: '4s', doc: 'a health check not answered by then has failed', source: 'Route 53: TCP connection within 4 s, then a 2xx/3xx within 2 s' },
  ttl: { kind: 'duration', default: '5s', doc: 'TTL of the service record', source: 'HA document §3: TTL 5 seconds' },
  clientResolver: { kind: 'enum', default: 'ttl', values: ['ttl', 'jvm', 'jvm-security-manager'], doc: 'how clients cache answers: honour the TTL, a JVM (at least 30 s), a JVM with a security manager (forever)', source: 'JDK java.security networkaddress.cache.ttl: 30 s, -1 (forever) with a security manager' },
  clientMinCache: { kind: 'duration', default: '0s', doc: 'clients cache an answer at least this long, whatever the TTL', source: 'JVM networkaddress.cache.ttl: 30 s by default (java.security); 0 = honour the TTL' },
  resolverNode: { kind: 'boolean', default: false, doc: 'the clients\' recursive resolver is node `dns`, which faults can crash or cut off (lookups then fail)', source: 'resolv.conf(5): one nameserver; a failed lookup takes timeout x attempts' },
  resolvTimeout: { kind: 'duration', positive: true, default: '5s', doc: 'resolverNode: how long the stub resolver waits for one answer', source: 'resolv.conf(5) options timeout:n, default RES_TIMEOUT = 5 s' },
  resolvAttempts: { kind: 'integer', default: 2, min: 1, max: 5, doc: 'resolverNode: queries per lookup before it fails', source: 'resolv.conf(5) options attempts:n, default RES_DFLRETRY = 2, capped at 5' },
  recordUpdate: { kind: 'enum', default: 'upsert', values: ['upsert', 'delete-create'], doc: 'how the failover hook changes the record: one atomic UPSERT, or a DELETE then a CREATE (NXDOMAIN in between)', source: 'Route 53 ChangeResourceRecordSets: a change batch is atomic (UPSERT); DELETE and CREATE in two batches are not' },
  recordChangeGap: { kind: 'duration', positive: true, default: '1s', doc: 'delete-create: time between the DELETE and the CREATE', source: 'assumption: two API calls back to back' },
  soaTtl: { kind: 'duration', default: '900s', doc: 'TTL of the zone\'s SOA record (bounds how long NXDOMAIN is cached)', source: 'Route 53 Developer Guide, "NS and SOA records that Amazon Route 53 creates for a public hosted zone": SOA TTL 900 s' },
  soaMinimum: { kind: 'duration', default: '86400s', doc: 'the SOA MINIMUM field: the negative-caching TTL', source: 'Route 53 SOA record default minimum TTL 86400 s; RFC 2308 §4-5' },
  failback: { kind: 'boolean', default: true, doc: 'the record returns to the primary once its health check passes again', source: 'Route 53 failover routing: the primary record is answered whenever it is healthy' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const PRIMARY = 'a';
/** The clients' recursive resolver, when `resolverNode`. */
const RESOLVER = 'dns';
const SECONDARY = 'b';
const CHECKER = 'hc';

/** The DNS provider's health checker and the failover hook. */
class HealthChecker implements Actor {
  private readonly probe: HealthProbe;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.probe = new HealthProbe(ctx, {
      target: PRIMARY,
      intervalUs: p.requestInterval,
      timeoutUs: p.connectTimeout,
      loop: 'fixed-rate',
      failureThreshold: p.failureThreshold,
      successThreshold: p.failureThreshold,
      firstCheckDelayUs: Math.floor(ctx.rng.float() * p.requestInterval),
      onCheck: (ok, failures) => {
        // the hook retries while the primary stays down (its first call is at `onDown`)
        if (!ok && !this.probe.up && failures > p.failureThreshold) this.promoteSecondary();
      },
      onDown: () => {
        ctx.note(`health check of ${PRIMARY} failed ${p.failureThreshold} times: failing over to ${SECONDARY}`);
        ctx.updateDns(SECONDARY, this.deleteFor());
        this.promoteSecondary();
      },
      onUp: () => {
        if (this.p.failback) ctx.updateDns(PRIMARY, this.deleteFor());
      },
    });
  }

  onStart(): void {
    this.probe.start();
  }

  onMessage(from: string, msg: Msg): void {
    this.probe.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    this.probe.onTimer(kind, data);
  }

  /** delete-create: the name is gone for `recordChangeGap` while the record changes. */
  private deleteFor(): number {
    return this.p.recordUpdate === 'delete-create' ? this.p.recordChangeGap : 0;
  }

  private promoteSecondary(): void {
    this.ctx.send(SECONDARY, { type: 'promote' });
  }
}

/** A trading server: `a` is configured primary, `b` secondary until promoted. */
class TradingServer implements Actor {
  private readonly pair: AsyncPairNode;

  constructor(private readonly ctx: NodeContext) {
    const peer = ctx.id === PRIMARY ? SECONDARY : PRIMARY;
    this.pair = new AsyncPairNode(ctx, peer, (ctx.disk.get('epoch') as number | undefined) ?? (ctx.id === PRIMARY ? 1 : 0));
  }

  onStart(): void {
    // the primary by configuration, or a secondary whose promotion was written to disk
    if (this.ctx.id === PRIMARY || this.ctx.disk.get('promoted') === true) this.pair.becomePrimary();
    else this.pair.becomeStandby();
  }

  threadOf(kind: string): string {
    return kind === 'health-check' ? 'health' : 'main';
  }

  onMessage(from: string, msg: Msg): void {
    if (this.pair.handle(from, msg)) return;
    if (msg.type === 'promote' && !this.pair.primary) this.promote();
  }

  onTimer(kind: string, data: unknown): void {
    this.pair.onTimer(kind, data);
  }

  private promote(): void {
    this.pair.epoch += 1;
    this.ctx.disk.put('epoch', this.pair.epoch);
    this.ctx.disk.put('promoted', true);
    this.ctx.note('promoted by the failover hook');
    this.pair.becomePrimary();
  }
}

/** How long each kind of client keeps a positive answer at least (JDK: 30 s; forever under a security manager). */
const RESOLVER_MIN_CACHE: Record<string, number> = { ttl: 0, jvm: 30_000_000, 'jvm-security-manager': 100 * 365 * 86_400 * 1_000_000 }; // forever: a century
/** How long each kind of client keeps a failed lookup (glibc: not at all; JDK networkaddress.cache.negative.ttl = 10 s, security manager or not). */
const RESOLVER_NEGATIVE_CACHE: Record<string, number> = { ttl: 0, jvm: 10_000_000, 'jvm-security-manager': 10_000_000 };

/** When the design stays down with `a` or `b` up (the estimate report prints it beside such incidents). */
const STAYS_DOWN =
  "node `hc` is the health checker and the hook that promotes `b`: while it is down a primary that fails is not failed over (the record keeps answering `a`) until `hc` or `a` is back. That is real for the HA document's one monitoring script; Route 53's own checkers are about 15, so one node overstates it there. Clients that cache an answer for ever (`clientResolver=jvm-security-manager`) stay on a dead primary until it is repaired.";

/** The estimate's default settle (30 s), which the protocol gets before quiet time is fast-forwarded. */
const BASE_SETTLE = 30 * SECOND;
/** A client cache longer than this is never waited out in an incident: it stays stuck until a repair, as it would for real. */
const MAX_SETTLE_CACHE = 15 * 60 * SECOND;

/**
 * How long an incident simulation must run after a change before fast-forwarding: the slowest
 * failover, plus the default settle as margin. The estimate treats an outage still open at the
 * end of `settle` as lasting until the next change (a 10 h repair), so a settle shorter than the
 * RTO turns a 40 s failover into a 10 h outage. The slowest failover: the crash lands just after
 * a check (a whole `requestInterval`), `failureThreshold` checks fail each after `connectTimeout`
 * at most, then the clients' cached answer (TTL or their minimum), a failed lookup's timeouts
 * when the resolver is a node, and under delete-create the negative-cache TTL. A client cache
 * longer than `MAX_SETTLE_CACHE` (a JVM with a security manager: forever) is not waited out:
 * those clients really stay on the dead primary, and the estimate counts that downtime.
 */
function settleOf(p: Params): number {
  const detection = (p.failureThreshold + 1) * p.requestInterval + p.connectTimeout;
  const cache = Math.max(p.ttl, p.clientMinCache, RESOLVER_MIN_CACHE[p.clientResolver]);
  const lookup = p.resolverNode ? p.resolvTimeout * p.resolvAttempts + RESOLVER_NEGATIVE_CACHE[p.clientResolver] : 0;
  const negative = p.recordUpdate === 'delete-create' ? p.recordChangeGap + Math.min(p.soaTtl, p.soaMinimum) : 0;
  return BASE_SETTLE + detection + (cache <= MAX_SETTLE_CACHE ? cache : 0) + lookup + Math.min(negative, MAX_SETTLE_CACHE);
}

/** The recursive resolver: answers lookups while it is up and reachable (routing.ts); no protocol of its own here. */
class RecursiveResolver implements Actor {
  onMessage(): void {}
}

export default defineDesign({
  name: 'dns-failover',
  description: 'health-checked DNS failover (Route 53 style): 10 s checks, 3 failures, TTL 5 s, async replication, no fencing',
  params,
  topology: (p) => {
    return {
      nodes: [
        { id: PRIMARY, rack: 'r1', supervisedRestart: p.restartSec },
        { id: SECONDARY, rack: 'r2', supervisedRestart: p.restartSec },
        { id: CHECKER, rack: 'r3', serving: false },
        ...(p.resolverNode ? [{ id: RESOLVER, rack: 'r4', serving: false }] : []),
      ],
      routing: {
        kind: 'dns',
        initial: PRIMARY,
        ttl: p.ttl,
        clientMinCache: Math.max(p.clientMinCache, RESOLVER_MIN_CACHE[p.clientResolver]),
        resolver: p.resolverNode ? RESOLVER : undefined,
        lookupTimeout: p.resolvTimeout * p.resolvAttempts,
        // RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM)
        negativeTtl: Math.min(p.soaTtl, p.soaMinimum),
        clientNegativeTtl: RESOLVER_NEGATIVE_CACHE[p.clientResolver],
      },
    };
  },
  createNode: (ctx, p) => (ctx.id === CHECKER ? new HealthChecker(ctx, p) : ctx.id === RESOLVER ? new RecursiveResolver() : new TradingServer(ctx)),
  // the health checker only triggers failover: not structural; the clients' resolver is (once
  // their cached answers expire, nothing is reachable without it)
  estimate: (p, t) => {
    const pair = { ...oneOf(t.nodes[0].id, t.nodes[1].id), settle: settleOf(p), staysDown: STAYS_DOWN };
    return p.resolverNode ? { ...pair, structure: { all: [RESOLVER, pair.structure] } } : pair;
  },
});
