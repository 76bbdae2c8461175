/**
 * dr-site: a primary datacenter with a local HA pair and a disaster-recovery site, the HA
 * document's §6 "DR ARCHITECTURE" (Primary DC NYC -> DR site Chicago) with its
 * `dr_failover.sh`: detect the primary DC's failure, promote the DR site, update DNS.
 *
 *        clients + exchange gateway (dc-clients, the primary DC's metro)
 *          | DNS (TTL)           \____________ 8 ms ____________
 *   dc1:  p1 (primary) --local sync--> p2            dc2:  d1 (DR standby) [d2]
 *          \__________________ DR stream / log shipping / snapshots ___^
 *
 * Stands for: a trading service in two datacenters: in dc1 a primary and a local hot standby
 * (the document's hot-standby pair), in dc2 one or two DR standbys, replicated across ~8 ms
 * of fibre, with DNS (Route 53) pointing clients at the primary.
 *
 * Mechanisms modelled:
 * - every node beats to every other every `heartbeatInterval` (heartbeat thread,
 *   `heartbeat.ts`); beats carry role and epoch, so a node learns who is primary;
 * - local HA: the primary replicates to the other node of its own site, synchronously by
 *   default (`sync-replicator.ts`, falling back to async after `syncStallTimeout`) or
 *   asynchronously; that standby promotes itself when the primary is silent for `deadTime`
 *   (no fencing, like the document's pair) and points DNS at itself. It checks neither its own
 *   link nor a quorum: the document's `monitorPeer` promotes as soon as `sendHeartbeat(peer)`
 *   fails (`if (role_ == Role::SECONDARY && !peer_alive) promoteToePrimary()`), so a standby
 *   cut off by its own NIC promotes itself too (keepalived, the document's other local
 *   mechanism, would not: its instance enters FAULT on carrier loss; see keepalived-vrrp.ts).
 *   Its DNS update fails behind the dead NIC (the provider's API is over the network), and it
 *   is retried each tick once the link is back: the isolated node is then the newest primary,
 *   which p1 steps down to (below), and without the name the clients would be sent to a
 *   standby until an operator stepped in. What p1 acked meanwhile is lost (the newest epoch's
 *   log wins): the price of a promotion without quorum or fencing. `checkOwnLink` is the
 *   keepalived way: a node acts on silence (local failover, DR runbook) only while its own
 *   interface has carrier, so a dead NIC or access switch port no longer promotes it (a
 *   partition with the links up still does: that takes quorum or fencing);
 * - DR replication per `mode` (`async-replicator.ts`): `real-time` streams every entry at
 *   once (RPO: what is in flight, ~ms); `log-shipping` is PostgreSQL WAL archiving
 *   (`wal-archiver.ts`): a 16 MB segment (`walSegmentSizeMb`) is shipped when it is full or
 *   `archiveTimeout` after the last switch, so the RPO depends on the write volume (order rate x
 *   `walBytesPerOrder`): at 200 orders/s x 320 B a segment fills in ~260 s and the 60 s timeout
 *   bounds the RPO; with archive_timeout = 0 (PostgreSQL's default) a quiet primary keeps hours
 *   of acked orders in an unfilled segment, while a busy one fills a segment in seconds
 *   (test/models/dr-site-wal.test.ts); `snapshots` ships the state every
 *   `snapshotInterval` (RPO up to the interval; modelled as shipping what the log gained
 *   since the last snapshot, the same state for an append-only order log). A standby applies
 *   what arrives in order and resyncs on a gap or a new primary (`standby-replica.ts`,
 *   `resync.ts`);
 * - DR promotion (the runbook): when no node of the primary's site has been heard for
 *   `drDetectionTimeout`, or its nodes still beat but none of them has been primary for that
 *   long (p1 down and p2 resigned on a failed disk: the site is up and serves nothing, which
 *   the document's step 1, "Detect primary DC failure", and the Route 53 health check its
 *   timeout comes from see as the site's failure), the first DR node starts `dr_failover.sh`;
 *   `promotionDelay` later (the script's or the operator's time) it checks once more that the
 *   site has still failed, promotes itself at a new epoch and updates DNS; clients follow as
 *   their cached answer expires (`dnsTtl`, at least `clientMinCache`). Silence is all the DR
 *   site sees, so a cross-DC partition looks exactly like a DC loss: without `confirmDcDown`
 *   the DR site promotes while dc1 still serves the clients that have not re-resolved: a
 *   split brain.
 *   With `confirmDcDown` the runbook first asks an observer beside the clients (the operator
 *   phoning the primary DC; a third-site monitor) whether a primary of dc1 answers it, and
 *   promotes only if not;
 * - DR detection by a health check of the service (`drDetection: health-check`, off by
 *   default: the document's runbook watches the site's heartbeats). A Route 53-style HTTP check
 *   from outside both DCs (node `hc`, src/parts/dr-health-check.ts) requests each site's
 *   service address every `healthCheckInterval`; a node answers it on its order thread, healthy
 *   only while it serves, so the site passes when its primary answers within
 *   `healthCheckTimeout`. `healthCheckFailureThreshold` failed checks in a row make the site
 *   unhealthy, and that status turning (a CloudWatch alarm on the check) is what starts the
 *   runbook, which aborts when a check passes again (the status lags by the threshold's passed
 *   checks: an alarm-triggered script that did not look again would fail over a primary whose
 *   deadlock ended meanwhile, split the brain for a beat and drop its acks since); the rest is the same (`promotionDelay`, `confirmDcDown`, `fenceOldSite`, DNS). What it changes:
 *   a primary deadlocked behind its beating heartbeat thread, which nothing fails over with
 *   heartbeats, fails the check and the DR site takes over (after 60-90 s of checks plus the
 *   runbook); a cross-DC partition the checker sees through no longer promotes the DR site
 *   (no split brain without `confirmDcDown`); detection is slower (3 x 30 s against 30 s), so a
 *   DC loss costs ~40 s more and a partition that also cuts dc1 from the checker splits the
 *   brain as before, for longer; and a dc1 that only the checker cannot reach (its path to the
 *   checkers, not the clients' or the DR link) is failed over while it serves: d1 is promoted,
 *   p1 steps down on its next beat and drops what it acked in between (a false DR failover,
 *   test/models/dr-site-health-check.test.ts). The local pair still watches heartbeats only. The
 *   checker is one node of the plant, failing like a server (Route 53's ~15 checkers in several
 *   regions fail far less); while its status is older than two intervals the runbook does not
 *   act on it (an alarm without data);
 * - a primary whose log disk fails or fills up resigns (a failed resource) and the local
 *   standby takes over at once; it rejoins as a standby and resyncs once its disk works;
 * - a node that restarts comes back as standby, follows the newest primary it hears, and
 *   resumes as primary only if it was the primary and hears no newer one within `deadTime`;
 *   after a DR promotion the returning dc1 nodes follow the DR site (no automatic failback)
 *   and resync, dropping what they acked that the DR site never got; a primary that hears a
 *   newer one steps down the same way, and one that hears an older one claim the service
 *   points the DNS record back at itself. A primary that returns after its successor died
 *   resumes without the successor's orders (p1 off while p2 was promoted, then p2 off): the
 *   document's HotStandbyService takes its role from its configuration and keeps no epoch, and
 *   nothing p1 heard or persisted can know of a promotion made while it was off, so this is the
 *   design's behaviour, stated in `losesAcked` (d1 has p2's orders, but dc1 does not ask it);
 * - a node that was frozen (a GC pause, a VM stall) counts its peers' silence from its resume,
 *   not across its own pause: its held tick runs before the beats that arrived meanwhile, and
 *   the document's monitorPeer would not act on that stale silence, since each round sends a
 *   fresh probe after its sleep (`peer_alive = sendHeartbeat(peer)`), which a live peer answers.
 *
 * Where the clients are: trading clients are colocated with the venue, not in either DC; we
 * place them (and the exchange gateway) at a third location, `dc-clients`, `clientLatency`
 * from dc1 (the same metro) and `interDcLatency` from dc2 (like dc1 itself). A DC loss then
 * takes the service away from the clients without taking the clients away.
 *
 * - fencing the old primary site (`fenceOldSite`): the runbook powers off every dc1 node
 *   through an out-of-band path (management network or the provider's API, which must survive
 *   the partition) and promotes only once all are confirmed off. GitHub's 2018-10-21 incident
 *   (post-incident analysis): a 43 s cross-coast partition, the west coast promoted with the
 *   east still taking writes, "writes ... on both" that had to be reconciled by hand; without
 *   fencing a dc1|dc2 partition here acks writes on both sides, with it dc1 is off before the
 *   DR site takes its first write (test/models/dr-site-knobs.test.ts).
 *
 * Left out: the document's separate market-data, OMS and risk services (one order service
 * stands for them); restoring a snapshot onto cold hardware (the document's "RTO: Hours" for
 * snapshots; add it to `promotionDelay`); Route 53's own answer switching on the health check
 * (the DR runbook updates the record once it has promoted).
 *
 * Defaults and their sources:
 * - mode real-time: the document's first DR strategy ("Real-time State Replication ... RPO 0
 *   seconds, RTO 1-5 minutes"); archiveTimeout 60 s: PostgreSQL's guidance for
 *   archive_timeout ("settings of a minute or so are usually reasonable"; PostgreSQL's own
 *   default is 0, i.e. off, which `--set archiveTimeout=0` shows); walSegmentSizeMb 16:
 *   wal_segment_size's default; walBytesPerOrder 320: measured on PostgreSQL 15.18 (an
 *   autocommit INSERT of a 7-column order row with two btree indexes writes 303-322 bytes of
 *   WAL, full-page images after a checkpoint included; pg_current_wal_lsn before and after
 *   20,000 inserts); snapshotInterval
 *   1 h: the document's "Hourly/Daily snapshots ... RPO 1 hour - 1 day" (and Redis'
 *   `save 3600 1`).
 * - drStandbys 1: the document's DR site shows one standby of each service.
 * - localReplication sync: the document's §3 "Primary DB -> Secondary DB (sync replication)";
 *   syncStallTimeout 10 s: MySQL rpl_semi_sync_master_timeout (10000 ms).
 * - heartbeatInterval 1 s: the document's monitorPeer loop; deadTime 3 s: corosync's default
 *   token timeout (3000 ms).
 * - drDetectionTimeout 30 s: Route 53 health checks at the fast 10 s interval with the default
 *   failure threshold 3; promotionDelay 30 s: the scripted `dr_failover.sh` (promote, start
 *   three services, change the Route 53 record); an operator following a runbook by hand is
 *   more like 5 min.
 * - checkOwnLink false: the document's monitorPeer promotes on the peer's silence alone;
 *   keepalived.conf(5): a vrrp_instance tracks its interface (FAULT without carrier) unless
 *   dont_track_primary.
 * - drDetection heartbeat: the document's runbook; healthCheckInterval 30 s, failure threshold 3,
 *   timeout 4 s: Route 53's defaults (RequestInterval 30, FailureThreshold 3; "a TCP connection
 *   within four seconds", then a 2xx/3xx "within two seconds"), Route 53 Developer Guide, "Values
 *   that you specify when you create or update health checks" and "How Amazon Route 53
 *   determines whether a health check is healthy".
 * - confirmDcDown false, fenceOldSite false: `dr_failover.sh` checks and fences nothing
 *   before promoting; fenceTimeout 60 s: Pacemaker's stonith-timeout default.
 * - dnsTtl 5 s: the document's DNS failover ("TTL: 5 seconds"); AWS recommends 60 s or less for
 *   records with health checks. clientMinCache 0: native clients (glibc getaddrinfo, no
 *   cache) honour the TTL; a JVM caches 30 s (`networkaddress.cache.ttl`).
 * - interDcLatency 8 ms: models.md (NYC-Chicago fibre is 6.5-8 ms one way); clientLatency
 *   250 us: an assumption, two datacenters in one metro area.
 * - restartSec 5 s: systemd `Restart=always`, `RestartSec=5s`, as for the other designs.
 */
import { defineDesign, type NodeSpec, type Resolved } from '../src/world/design.ts';
import type { Actor, Msg, NodeContext } from '../src/world/actor.ts';
import { SECOND, type Micros } from '../src/sim/time.ts';
import { OrderServer, type ReplicateFn } from '../src/parts/order-server.ts';
import { AsyncReplicator } from '../src/parts/async-replicator.ts';
import { WalArchiver } from '../src/parts/wal-archiver.ts';
import { SyncReplicator } from '../src/parts/sync-replicator.ts';
import { StandbyReplica } from '../src/parts/standby-replica.ts';
import { SilenceDetector, heartbeatThreadOf } from '../src/parts/heartbeat.ts';
import { CONFIRM_REPLIES, DrObserver, type DrConfirm } from '../src/parts/dr-observer.ts';
import { DR_HEALTH, SiteHealthAlarm, SiteHealthChecker } from '../src/parts/dr-health-check.ts';

const params = {
  mode: { kind: 'enum', default: 'real-time', values: ['real-time', 'log-shipping', 'snapshots'], doc: 'how the DR site is fed', source: 'HA document §6: real-time replication, periodic snapshots, transaction log shipping' },
  archiveTimeout: { kind: 'duration', default: '60s', doc: 'log-shipping mode: force a WAL segment switch this long after the last one (0: only full segments are shipped)', source: 'PostgreSQL docs, archive_timeout (default 0 = off): "settings of a minute or so are usually reasonable"' },
  walSegmentSizeMb: { kind: 'integer', default: 16, oneOf: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], doc: 'log-shipping mode: WAL segment size in MB; a segment is shipped when full', source: 'PostgreSQL wal_segment_size default 16 MB (initdb --wal-segsize: a power of 2, 1-1024)' },
  walBytesPerOrder: { kind: 'integer', default: 320, min: 1, max: 1_073_741_824, doc: 'log-shipping mode: bytes of WAL one order writes (the write volume: rate x this)', source: 'measured on PostgreSQL 15.18: one autocommit INSERT of an order row (7 columns, 2 btree indexes) writes 303-322 bytes of WAL' },
  snapshotInterval: { kind: 'duration', default: '1h', doc: 'snapshots mode: a snapshot is shipped this often', source: 'HA document §6: hourly/daily snapshots; Redis save 3600 1' },
  drStandbys: { kind: 'integer', default: 1, min: 1, max: 2, doc: 'standbys at the DR site', source: 'HA document §6 DR architecture: one standby of each service' },
  localReplication: { kind: 'enum', default: 'sync', values: ['sync', 'async'], doc: 'replication to the standby in the same DC', source: 'HA document §3: Primary DB -> Secondary DB (sync replication)' },
  syncStallTimeout: { kind: 'duration', default: '10s', doc: 'sync: wait this long for the local standby, then continue async', source: 'MySQL rpl_semi_sync_master_timeout = 10000 ms' },
  heartbeatInterval: { kind: 'duration', default: '1s', doc: 'heartbeat period between all nodes', source: 'HA document: monitorPeer sleeps 1 s' },
  deadTime: { kind: 'duration', default: '3s', doc: 'local failover: silence after which the primary is lost', source: 'corosync token timeout default 3000 ms' },
  drDetection: { kind: 'enum', default: 'heartbeat', values: ['heartbeat', 'health-check'], doc: "what starts the DR runbook: heartbeat (the primary DC silent, or beating with no primary, for drDetectionTimeout) or health-check (an HTTP check of the service's order path from outside both DCs fails healthCheckFailureThreshold times in a row)", source: 'HA document dr_failover.sh step 1 "Detect primary DC failure" (heartbeat); Route 53 health checks, Developer Guide "How Amazon Route 53 determines whether a health check is healthy"' },
  drDetectionTimeout: { kind: 'duration', default: '30s', doc: 'heartbeat detection: silence of the whole primary DC (or its lack of a primary) before the DR runbook starts', source: 'Route 53 health checks: 10 s interval x failure threshold 3' },
  healthCheckInterval: { kind: 'duration', positive: true, default: '30s', doc: 'health-check detection: time between two checks of each DC\'s service', source: 'Route 53 RequestInterval: 30 s by default (10 s fast)' },
  healthCheckFailureThreshold: { kind: 'integer', default: 3, min: 1, max: 10, doc: 'health-check detection: checks in a row that must fail (or pass) to change a DC\'s status', source: 'Route 53 FailureThreshold: 3 by default (1-10)' },
  healthCheckTimeout: { kind: 'duration', positive: true, default: '4s', doc: 'health-check detection: a check not answered by then has failed', source: 'Route 53: a TCP connection within 4 s, then a 2xx/3xx within 2 s' },
  promotionDelay: { kind: 'duration', default: '30s', doc: 'time the DR runbook takes before promoting (scripted; ~5min by hand)', source: 'HA document dr_failover.sh (promote, start services, Route 53 change)' },
  fenceOldSite: { kind: 'boolean', default: false, doc: 'the DR runbook powers off the old primary site (out-of-band) and promotes only once every fence is confirmed', source: 'HA document dr_failover.sh fences nothing; GitHub 2018-10-21 post-incident analysis: writes accepted on both coasts' },
  fenceTimeout: { kind: 'duration', positive: true, default: '60s', doc: 'fenceOldSite: how long one power-off may take', source: 'Pacemaker Explained: stonith-timeout default 60s' },
  checkOwnLink: { kind: 'boolean', default: false, doc: 'a standby promotes (local failover or DR runbook) only while its own network interface has carrier, so a node cut off by its NIC or access switch does not', source: 'HA document monitorPeer checks nothing (false); keepalived tracks the instance interface and enters FAULT on carrier loss (keepalived.conf(5))' },
  confirmDcDown: { kind: 'boolean', default: false, doc: 'promote only if an observer beside the clients cannot reach the primary DC either', source: 'HA document: dr_failover.sh checks nothing (false)' },
  dnsTtl: { kind: 'duration', default: '5s', doc: 'TTL of the service record', source: 'HA document §3 DNS failover: TTL 5 seconds; AWS: 60 s or less with health checks' },
  clientMinCache: { kind: 'duration', default: '0s', doc: 'clients cache an answer at least this long', source: 'glibc getaddrinfo does not cache; a JVM caches 30 s' },
  interDcLatency: { kind: 'duration', default: '8ms', doc: 'one-way latency dc1 <-> dc2 (and clients <-> dc2)', source: 'models.md: ~8 ms NYC-Chicago (fibre 6.5-8 ms one way)' },
  clientLatency: { kind: 'duration', default: '250us', doc: 'one-way latency clients <-> dc1 (same metro)', source: 'assumption: two datacenters in one metro area' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const MONITOR = 'monitor';
/** The health checker of `drDetection: health-check` (Route 53's checkers, outside both DCs). */
const CHECKER = 'hc';

/**
 * The estimate's settle: the longest the design may stay silent after a change and still act,
 * which is the DR runbook's whole reaction (the DC's silence, the runbook, the observer's
 * answer, the fencing, the clients' DNS caches) plus a margin, and never under the 60 s it was.
 * A shorter settle cut a DR promotion half done (60.5 s after the change at the defaults).
 */
export function drReactionBound(p: Params): Micros {
  const reaction = detectionBound(p) + p.promotionDelay + (p.confirmDcDown ? CONFIRM_TIMEOUT : 0) + (p.fenceOldSite ? p.fenceTimeout : 0) + Math.max(p.dnsTtl, p.clientMinCache);
  return Math.max(60 * SECOND, reaction + 15 * SECOND);
}
/**
 * The longest the DR runbook may take to notice the primary DC's failure: the heartbeat timeout,
 * or for the health check a whole interval before the first failed check (the failure lands just
 * after one), `healthCheckFailureThreshold` failed checks each taking up to its timeout, and the
 * status report's way to the DR site.
 */
function detectionBound(p: Params): Micros {
  if (p.drDetection === 'heartbeat') return p.drDetectionTimeout;
  return p.healthCheckFailureThreshold * p.healthCheckInterval + p.healthCheckTimeout + SECOND;
}
/** wal_segment_size is in MB of 2^20 bytes. */
const MB = 1024 * 1024;
const EPOCH_KEY = 'dr-epoch';
const PRIMARY_KEY = 'dr-primary';
/** How long the runbook waits for the observer's answer before it gives up this round. */
const CONFIRM_TIMEOUT: Micros = 5_000_000;

function sites(p: Params): Record<'dc1' | 'dc2', string[]> {
  return { dc1: ['p1', 'p2'], dc2: p.drStandbys === 2 ? ['d1', 'd2'] : ['d1'] };
}
const siteOf = (node: string): 'dc1' | 'dc2' => (node.startsWith('p') ? 'dc1' : 'dc2');

interface Beat extends Record<string, unknown> {
  primary: boolean;
  epoch: number;
  /** The sender resigned as primary (its disk failed): its standby may take over now. */
  resigned: boolean;
}

class DrNode implements Actor {
  private readonly site: 'dc1' | 'dc2';
  private readonly sites: Record<'dc1' | 'dc2', string[]>;
  private readonly order: string[];
  private readonly server: OrderServer;
  private readonly replica: StandbyReplica;
  private readonly detector: SilenceDetector;
  private primary = false;
  private epoch: number;
  /** The newest primary this node knows of. */
  private known: { node: string; epoch: number };
  private readonly lastHeard = new Map<string, Micros>();
  /** Peers whose last beat said they resigned as primary. */
  private readonly resigned = new Set<string>();
  /** This node resigned as primary (its disk failed) and has not been promoted since. */
  private hasResigned = false;
  private bootAt: Micros = 0;
  private replicators = new Map<string, AsyncReplicator | SyncReplicator | WalArchiver>();
  private localPeer: string | undefined;
  /** When a node of each site last beat as primary (the DR runbook's second trigger: a site alive with no primary). */
  private readonly primaryHeardAt: Record<'dc1' | 'dc2', Micros> = { dc1: 0, dc2: 0 };
  /**
   * This primary's last DNS update went through. A node that promoted behind a dead NIC could
   * not move the name (the provider's API is over the network); it retries each tick once its
   * link is back, so the newest primary, which the older ones step down to, holds the name.
   */
  private nameMoved = false;
  /** checkOwnLink: when this node's link last came back (Infinity while it is down); silence counts from then. */
  private linkBackAt: Micros = 0;
  /** When the last `dr-tick` ran: a much later tick means this process itself was frozen meanwhile. */
  private lastTickAt: Micros = 0;
  /**
   * When this process last came back from a stall (a GC pause, a VM freeze: a tick more than two
   * intervals late); silence counts from then, see `tick`.
   */
  private resumedAt: Micros = 0;
  /** drDetection health-check: the checker's reports, read as an alarm per site. */
  private readonly alarm: SiteHealthAlarm;
  /** The DR runbook in progress. */
  private runbook: { startedAt: Micros; site: 'dc1' | 'dc2'; confirmSentAt?: Micros; fencing?: boolean } | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.site = siteOf(ctx.id);
    this.sites = sites(p);
    // a status older than two intervals and a check's timeout says nothing (the checker is down or cut off)
    this.alarm = new SiteHealthAlarm(2 * p.healthCheckInterval + p.healthCheckTimeout);
    this.order = [...this.sites.dc1, ...this.sites.dc2];
    this.epoch = (ctx.disk.get(EPOCH_KEY) as number | undefined) ?? 1;
    this.known = (ctx.disk.get(PRIMARY_KEY) as { node: string; epoch: number } | undefined) ?? { node: 'p1', epoch: 1 };
    this.server = new OrderServer(ctx, { replicate: this.replicate, onWriteFailed: () => this.resign() });
    this.replica = new StandbyReplica(ctx, {
      catchUp: true,
      onAppended: (entry) => this.server.learn(entry.orderId),
      onResynced: () => this.server.relearnLog(),
    });
    const peers = this.order.filter((n) => n !== ctx.id);
    this.detector = new SilenceDetector(ctx, {
      peers: p.confirmDcDown ? [...peers, MONITOR] : peers,
      beatInterval: p.heartbeatInterval,
      timeout: p.deadTime,
      payload: (): Beat => ({ primary: this.primary, epoch: this.epoch, resigned: this.hasResigned }),
      onHeard: (peer, beat) => this.heard(peer, beat as Beat),
      onLost: () => {},
    });
  }

  onStart(): void {
    this.bootAt = this.lastTickAt = this.ctx.monotonic();
    this.primaryHeardAt.dc1 = this.primaryHeardAt.dc2 = this.bootAt;
    if (this.ctx.id === this.known.node && this.ctx.bootCount === 0) this.becomePrimary(this.epoch);
    else this.server.becomeStandby(this.epoch);
    this.detector.start();
    this.ctx.setTimer(this.p.heartbeatInterval, 'dr-tick');
  }

  threadOf(kind: string): string {
    return heartbeatThreadOf(kind);
  }

  /**
   * The answer to the health checker's HTTP check of the order path (on the order thread: a
   * deadlocked service answers nothing): 200 while this node serves, 503 as a standby.
   */
  healthy(): boolean {
    return this.primary;
  }

  onMessage(from: string, msg: Msg): void {
    if (this.detector.handle(from, msg) || this.server.handle(msg)) return;
    if (CONFIRM_REPLIES.has(msg)) return this.confirmed(msg.alive, msg.serving);
    if (DR_HEALTH.has(msg)) return this.alarm.report(msg.healthy, msg.passed, this.ctx.monotonic());
    if (this.primary) this.replicators.get(from)?.handle(from, msg);
    else this.replica.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    if (this.detector.onTimer(kind, data) || this.replica.onTimer(kind, data)) return;
    if (kind === 'dr-tick') {
      this.ctx.setTimer(this.p.heartbeatInterval, 'dr-tick');
      return this.tick();
    }
    // every DR stream arms its own `repl-flush` for the same instant: flush them all together
    for (const r of this.replicators.values()) r.onTimer(kind, data);
  }

  // --- who is primary ---------------------------------------------------------------------

  private heard(peer: string, beat: Beat): void {
    this.lastHeard.set(peer, this.ctx.monotonic());
    if (peer === MONITOR) return;
    if (beat.resigned) this.resigned.add(peer);
    else this.resigned.delete(peer);
    if (!beat.primary) return;
    this.primaryHeardAt[siteOf(peer)] = this.ctx.monotonic();
    if (beat.epoch > this.known.epoch || (beat.epoch === this.known.epoch && peer !== this.known.node && this.ranks(peer, this.known.node))) {
      this.remember(peer, beat.epoch);
    }
    if (this.primary && (beat.epoch > this.epoch || (beat.epoch === this.epoch && this.ranks(peer, this.ctx.id)))) {
      this.stepDown(peer, beat.epoch);
    } else if (this.primary) {
      // a stale primary claims the service (and may have moved the record): point it back here
      this.nameMoved = this.ctx.updateDns(this.ctx.id);
    }
    if (!this.primary && peer === this.known.node) this.replica.follow(peer, beat.epoch);
  }

  /** Whether `a` wins a tie of epochs against `b` (dc1 first, then declaration order). */
  private ranks(a: string, b: string): boolean {
    return this.order.indexOf(a) < this.order.indexOf(b);
  }

  private remember(node: string, epoch: number): void {
    if (node !== this.known.node) this.alarm.newPrimary(siteOf(node));
    this.known = { node, epoch };
    this.ctx.disk.put(PRIMARY_KEY, { ...this.known });
  }

  private silentFor(node: string): Micros {
    return this.ctx.monotonic() - Math.max(this.lastHeard.get(node) ?? this.bootAt, this.linkBackAt, this.resumedAt);
  }

  /** The first node of `site` (other than `except`) that is this node or was heard recently. */
  private firstLive(site: 'dc1' | 'dc2', except?: string): string | undefined {
    return this.sites[site].find((n) => n !== except && (n === this.ctx.id || this.silentFor(n) < this.p.deadTime));
  }

  private tick(): void {
    // A tick held by a stall runs first on resume, before the beats that arrived meanwhile: the
    // silence it would measure is this node's own. The document's monitorPeer does not act on
    // it: each round sends a fresh probe (`peer_alive = sendHeartbeat(peer)` after the sleep), which
    // a live peer answers, so a standby resuming from a pause hears its primary before it judges.
    // Here silence counts again from the resume (the peers' held beats are delivered right after).
    const now = this.ctx.monotonic();
    if (now - this.lastTickAt > 2 * this.p.heartbeatInterval) {
      this.resumedAt = now;
      if (!this.primary) this.ctx.note(`resumed after ${Math.round((now - this.lastTickAt) / 1e5) / 10} s frozen: peers' silence counts from now`);
    }
    this.lastTickAt = now;
    if (this.primary) {
      if (!this.nameMoved && this.ctx.linkUp()) this.nameMoved = this.ctx.updateDns(this.ctx.id);
      return;
    }
    // with checkOwnLink, silence heard behind a dead link says nothing about the others: it
    // counts again from the first tick the link is back
    if (this.p.checkOwnLink && !this.ctx.linkUp()) {
      if (this.runbook) this.ctx.note('no carrier: DR runbook aborted');
      this.runbook = undefined;
      this.linkBackAt = Infinity;
      return;
    }
    if (this.linkBackAt === Infinity) this.linkBackAt = this.ctx.monotonic();
    const { node: primary } = this.known;
    if (primary === this.ctx.id) {
      // restarted as the last primary: resume unless someone newer showed up meanwhile
      if (!this.hasResigned && this.ctx.monotonic() - this.bootAt >= this.p.deadTime) this.promote(this.epoch, 'resuming as primary after a restart');
      return;
    }
    const primarySite = siteOf(primary);
    if (primarySite === this.site) {
      const silent = this.silentFor(primary) >= this.p.deadTime;
      if ((silent || this.resigned.has(primary)) && this.firstLive(this.site, primary) === this.ctx.id) {
        const why = silent ? `${primary} silent for ${this.p.deadTime / 1e6} s` : `${primary} resigned`;
        this.promote(Math.max(this.known.epoch, this.epoch) + 1, `local failover: ${why}`);
      }
      return;
    }
    this.drRunbook(primarySite);
  }

  /**
   * dr_failover.sh, run by the first DR node once the primary's site has failed: silent for
   * `drDetectionTimeout`, or still beating with no node of it primary for that long (the local
   * standby's disk failed while the primary was down, so it resigned: the site is up but
   * serves nothing, which the runbook's health check of the service sees as the site's failure).
   */
  private drRunbook(primarySite: 'dc1' | 'dc2'): void {
    const now = this.ctx.monotonic();
    const failure = this.p.drDetection === 'health-check' ? this.checkedFailure(primarySite, now) : this.heardFailure(primarySite, now);
    if (failure === undefined || this.firstLive(this.site) !== this.ctx.id) {
      if (this.runbook) this.ctx.note(`${primarySite} ${this.p.drDetection === 'health-check' ? 'passed a health check' : 'heard again'}: DR runbook aborted`);
      this.runbook = undefined;
      return;
    }
    if (!this.runbook) {
      this.ctx.note(`${primarySite} ${failure}: DR runbook started`);
      this.runbook = { startedAt: now, site: primarySite };
      return;
    }
    if (now - this.runbook.startedAt < this.p.promotionDelay) return;
    if (this.runbook.fencing) return;
    if (!this.p.confirmDcDown) return this.promoteDr(primarySite, 'DR promotion (dr_failover.sh)');
    const sentAt = this.runbook.confirmSentAt;
    if (sentAt === undefined || now - sentAt > CONFIRM_TIMEOUT) {
      if (sentAt !== undefined) this.ctx.note('no answer from the observer: not promoting yet');
      this.runbook.confirmSentAt = now;
      this.ctx.send(MONITOR, { type: 'dr-confirm', site: primarySite } satisfies DrConfirm);
    }
  }

  /**
   * Heartbeat detection: how the primary's site has failed (silent for `drDetectionTimeout`, or
   * beating with no primary for that long), or undefined while it has not.
   */
  private heardFailure(primarySite: 'dc1' | 'dc2', now: Micros): string | undefined {
    const siteSilence = Math.min(...this.sites[primarySite].map((n) => this.silentFor(n)));
    const noPrimary = now - Math.max(this.primaryHeardAt[primarySite], this.linkBackAt, this.resumedAt);
    // the site's own silence, or, while the site is heard, its lack of a primary
    const silent = siteSilence >= this.p.deadTime;
    const failedFor = silent ? siteSilence : noPrimary;
    if (failedFor < this.p.drDetectionTimeout) return undefined;
    return `${silent ? 'silent' : 'up with no primary'} for ${Math.round(failedFor / 1e6)} s`;
  }

  /**
   * Health-check detection: the checker's status turned the primary's site unhealthy
   * (`healthCheckFailureThreshold` failed checks of its service in a row) and its last check
   * failed too, or undefined: healthy, passing again (a primary that recovered while the status
   * lags: the runbook checks once more that the site has still failed, as with heartbeats), or a
   * stale status (no news from the checker: the alarm has no data, so the runbook does not act).
   */
  private checkedFailure(primarySite: 'dc1' | 'dc2', now: Micros): string | undefined {
    if (!this.alarm.failing(primarySite, now)) return undefined;
    return `unhealthy for the health check of its service (${this.p.healthCheckFailureThreshold} failed checks in a row)`;
  }

  private confirmed(alive: string[], serving: string[]): void {
    if (!this.runbook || this.primary) return;
    this.runbook.confirmSentAt = undefined;
    if (serving.length > 0) {
      this.ctx.note(`the observer still reaches ${alive.join(', ')}: a partition, not a DC loss; not promoting`);
      this.runbook.startedAt = this.ctx.monotonic(); // check again after another delay
      return;
    }
    this.promoteDr(this.runbook.site, alive.length > 0 ? `DR promotion (dr_failover.sh, the observer reaches ${alive.join(', ')} but no primary)` : 'DR promotion (dr_failover.sh, DC loss confirmed)');
  }

  /**
   * The runbook's last step. With `fenceOldSite` it first powers off every node of the old
   * primary's site through their out-of-band management and promotes only once every fence is
   * confirmed (a failed fence: try again after another delay), so the old site cannot go on
   * acking writes beside the new primary.
   */
  private promoteDr(oldSite: 'dc1' | 'dc2', reason: string): void {
    const promote = () => this.promote(Math.max(this.known.epoch, this.epoch) + 1, reason);
    if (!this.p.fenceOldSite) return promote();
    const runbook = this.runbook!;
    const targets = this.sites[oldSite];
    let pending = targets.length;
    let failed = false;
    runbook.fencing = true;
    this.ctx.note(`fencing ${targets.join(', ')} before promoting`);
    for (const target of targets) {
      this.ctx.fence(target, 'off', this.p.fenceTimeout, (ok) => {
        failed ||= !ok;
        if (--pending > 0 || this.runbook !== runbook) return;
        runbook.fencing = false;
        if (!failed) return promote();
        this.ctx.note('a fence of the old site failed: not promoting');
        runbook.startedAt = this.ctx.monotonic();
      });
    }
  }

  // --- roles ------------------------------------------------------------------------------

  private promote(epoch: number, why: string): void {
    this.ctx.note(`${why}: primary at epoch ${epoch}`);
    this.runbook = undefined;
    this.hasResigned = false;
    this.epoch = epoch;
    this.ctx.disk.put(EPOCH_KEY, epoch);
    this.remember(this.ctx.id, epoch);
    this.becomePrimary(epoch);
  }

  private becomePrimary(epoch: number): void {
    this.primary = true;
    this.replica.stop();
    this.replicators = new Map();
    this.localPeer = this.sites[this.site].find((n) => n !== this.ctx.id);
    const p = this.p;
    if (this.localPeer) {
      this.replicators.set(this.localPeer, p.localReplication === 'sync'
        ? new SyncReplicator(this.ctx, { peer: this.localPeer, epoch, startAlone: false, stallTimeout: p.syncStallTimeout, stallPolicy: 'async-after-timeout' })
        : new AsyncReplicator(this.ctx, { peer: this.localPeer, epoch, flushInterval: 0 }));
    }
    for (const remote of this.sites[this.site === 'dc1' ? 'dc2' : 'dc1']) {
      this.replicators.set(remote, p.mode === 'log-shipping'
        ? new WalArchiver(this.ctx, { peer: remote, epoch, segmentBytes: p.walSegmentSizeMb * MB, bytesPerEntry: p.walBytesPerOrder, archiveTimeout: p.archiveTimeout })
        : new AsyncReplicator(this.ctx, { peer: remote, epoch, flushInterval: p.mode === 'real-time' ? 0 : p.snapshotInterval }));
    }
    this.server.becomePrimary(epoch);
    this.nameMoved = this.ctx.updateDns(this.ctx.id);
  }

  /** The log refused a write (failed or full disk): stop, and let the local standby take over. */
  private resign(): void {
    if (!this.primary) return;
    this.ctx.note('the log disk refuses writes: resigning as primary');
    this.hasResigned = true;
    this.primary = false;
    for (const r of this.replicators.values()) if (!(r instanceof AsyncReplicator)) r.stop();
    this.replicators = new Map();
    this.server.becomeStandby(this.epoch);
    this.replica.start();
  }

  private stepDown(to: string, epoch: number): void {
    this.ctx.note(`${to} is primary at epoch ${epoch}: stepping down`);
    this.primary = false;
    for (const r of this.replicators.values()) if (!(r instanceof AsyncReplicator)) r.stop();
    this.replicators = new Map();
    this.epoch = epoch;
    this.ctx.disk.put(EPOCH_KEY, epoch);
    this.server.becomeStandby(epoch);
    this.replica.start();
    this.replica.follow(to, epoch);
  }

  /** Local replication decides the ack; the DR site is always fed asynchronously. */
  private readonly replicate: ReplicateFn = (entry, done, index) => {
    let acked = false;
    for (const [peer, r] of this.replicators) {
      if (peer === this.localPeer) r.replicate(entry, done, index);
      else r.replicate(entry, () => {}, index);
      acked ||= peer === this.localPeer;
    }
    if (!acked) done(true);
  };
}

/** When dr-site stays down with a node able to serve (the estimate prints it beside the incidents it flags). */
const STAYS_DOWN_HEARTBEAT =
  "the trading service deadlocked on the primary while its heartbeat thread goes on beating as primary: the local standby hears its peer alive (the document's monitorPeer checks the heartbeat, not the service) and the DR site hears a primary in dc1, so nothing fails over until the stuck process is killed (the deadlock's repair); the document's pair has no health check of the service (hot-standby-naive shows the same gray failure); drDetection=health-check fails it over to the DR site.";
/** The same with the health check: what is left. */
const STAYS_DOWN_HEALTH_CHECK =
  "a primary deadlocked behind its beating heartbeat thread is failed over by the DR site only: the local standby hears its peer alive (the document's monitorPeer), so with the DR node down as well nothing takes over until the stuck process is killed; and while the health checker `hc` is down or cut off the runbook does not act on its status (older than two check intervals: an alarm without data), so a primary DC failing meanwhile waits for `hc` (one node of the plant stands for Route 53's ~15 checkers, which overstates this).";

/** Why dr-site loses acked orders (the estimate prints it beside the classes that lose them). */
const LOSES_ACKED =
  "(1) a node cut off by its own NIC promotes itself on the silence it hears (the local standby: the document's monitorPeer checks neither its link nor a quorum; the DR node: dr_failover.sh without confirmDcDown); when its link is back it is the newest primary, the old one steps down to it and what the old one acked meanwhile is dropped (a newer epoch's log wins, as a promoted PostgreSQL timeline or Redis replication id does); checkOwnLink stops both (keepalived's interface tracking), confirmDcDown the DR node, and a partition with the links up takes quorum or fencing; (2) the DR site is fed asynchronously: promoted after a DC loss, or with the local standby stuck when the primary dies, it lacks what was in flight (real-time) or not yet shipped (log shipping, snapshots); (3) local replication falls back to asynchronous after syncStallTimeout: a primary that then fails loses what it acked alone; (4) a primary that comes back after its successor died resumes without the successor's orders (p1 down, p2 promoted, p2 down, p1 back: p1 resumes at its own epoch, and when p2 returns p1 steps down to it and drops what it acked meanwhile): the document's HotStandbyService takes its role from its configuration (HotStandbyService(Role initial_role, ...)) and keeps no epoch, and p1 was off for the whole promotion, so nothing it heard or persisted says p2 ever served; the DR site has p2's orders but dc1 does not ask it (a witness, or a DCS leader key with timelines as in Patroni, would).";
/** What the health check adds to it (drDetection health-check). */
const LOSES_ACKED_HEALTH_CHECK =
  "(5) with the health check, the DR site is promoted while dc1 serves when only the checker cannot reach dc1, or when p1's deadlock ends within the last check before the promotion (the check's verdict comes a timeout later): p1 steps down on d1's next beat and drops what it acked in that beat; the DR node of (1) no longer promotes itself behind its own dead NIC (it acts on the checker's alarm, which does not reach it), the local standby still does.";

export default defineDesign({
  name: 'dr-site',
  description: 'primary DC with a local HA pair + DR site ~8 ms away (real-time, log shipping or snapshots); DR promotion after detection + runbook delay; DNS',
  params,
  topology: (p) => {
    const s = sites(p);
    const nodes: NodeSpec[] = [
      ...s.dc1.map((id, i) => ({ id, dc: 'dc1', rack: `dc1-r${i + 1}`, supervisedRestart: p.restartSec })),
      ...s.dc2.map((id, i) => ({ id, dc: 'dc2', rack: `dc2-r${i + 1}`, supervisedRestart: p.restartSec })),
    ];
    if (p.confirmDcDown) nodes.push({ id: MONITOR, dc: 'dc-clients', rack: 'observer', serving: false });
    // Route 53's health checkers: outside both DCs and the clients' metro
    if (p.drDetection === 'health-check') nodes.push({ id: CHECKER, dc: 'dc-checks', rack: 'route53', serving: false });
    return {
      nodes,
      routing: { kind: 'dns', initial: 'p1', ttl: p.dnsTtl, clientMinCache: p.clientMinCache },
      clientDc: 'dc-clients',
      interDcLatency: { 'dc1>dc2': p.interDcLatency, 'dc2>dc-clients': p.interDcLatency, 'dc1>dc-clients': p.clientLatency, ...(p.drDetection === 'health-check' ? { 'dc1>dc-checks': p.interDcLatency, 'dc2>dc-checks': p.interDcLatency } : {}) },
    };
  },
  createNode: (ctx, p) => {
    if (ctx.id === MONITOR) return new DrObserver(ctx, { sites: sites(p), beatInterval: p.heartbeatInterval, timeout: p.deadTime });
    if (ctx.id === CHECKER) {
      const check = { intervalUs: p.healthCheckInterval, timeoutUs: p.healthCheckTimeout, failureThreshold: p.healthCheckFailureThreshold };
      return new SiteHealthChecker(ctx, { sites: sites(p), ...check, firstCheckDelayUs: Math.floor(ctx.rng.float() * p.healthCheckInterval) });
    }
    return new DrNode(ctx, p);
  },
  // any data node of either site can serve; the observer is a monitor
  estimate: (p, t) => {
    const data = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    return { structure: { atLeast: 1, of: data }, standby: { need: 1, of: data }, settle: drReactionBound(p), staysDown: p.drDetection === 'health-check' ? STAYS_DOWN_HEALTH_CHECK : STAYS_DOWN_HEARTBEAT, losesAcked: p.drDetection === 'health-check' ? `${LOSES_ACKED} ${LOSES_ACKED_HEALTH_CHECK}` : LOSES_ACKED };
  },
});
