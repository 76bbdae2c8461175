/**
 * keepalived-vrrp: trading hosts sharing a virtual IP managed by keepalived 2.x (VRRPv2,
 * RFC 3768) with a `vrrp_script` health check: the HA document's §3 "AUTOMATIC FAILOVER WITH
 * KEEPALIVED".
 *
 * Stands for: keepalived 2.2 on Linux hosts `a`, `b` (and `c`, `d`... when `priorities` names
 * more) in different racks, one `vrrp_instance` with each host's own priority (by default `a`
 * 150, `b` 100), `track_script` running the document's
 * check_trading_service.sh (`pgrep -f trading_service` then `curl -f http://localhost:8080/health`),
 * `notify_master` / `notify_backup` switching the trading service between active and standby.
 *
 * Mechanisms modelled (src/parts/vrrp.ts, src/parts/vrrp-script.ts):
 * - VRRP adverts every `advert_int`; a BACKUP takes over when it has heard nothing for
 *   Master_Down_Interval = 3 x advert_int + Skew_Time, Skew_Time = advert_int x (256 -
 *   priority) / 256, both from the BACKUP's own priority (3.609 s for priority 100).
 * - A MASTER that enters FAULT sends a priority-0 advert: the BACKUP takes over after Skew_Time.
 *   A killed keepalived (kill -9, power loss) sends nothing: Master_Down_Interval.
 * - Preemption: on by default, the returning higher-priority node takes the VIP back once its
 *   down timer (started at boot) runs out; `nopreempt` leaves it BACKUP; `preemptDelay`
 *   postpones preemption after startup or after first hearing a lower-priority master.
 * - On entering MASTER: an advert, then (keepalived's processing time later) the VIP added and
 *   `garpMasterRepeat` gratuitous ARPs, as many again `garpMasterDelay` later; a MASTER hearing a
 *   lower-priority MASTER re-asserts itself with an advert and a burst of GARPs (how a split
 *   brain ends once the peers hear each other).
 * - keepalived's processing time (`processingTime`, `processingTimeSpread`): keepalived sends
 *   its advert as new MASTER before it adds the VIP over netlink and sends its gratuitous ARPs
 *   (vrrp.c `vrrp_state_master_tx`: "the old master needs to remove the VIPs before we send the
 *   gratuitous ARPs, so send the advert first"), and the old MASTER, hearing it, removes the VIP
 *   after its own processing; each change takes a time drawn log-normally per change. A client
 *   request sent between the old MASTER's removal and the new one's ARP reaching the client goes
 *   to the old MAC and is lost (src/parts/vrrp.ts cites the lines). On a quiet host this loses a
 *   request in about one switch-over in 30; on a loaded one (processing times of ms to tens of
 *   ms) in one in three.
 * - vrrp_script every `scriptInterval`, failing on a non-zero exit or after `scriptTimeout`;
 *   `fall` / `rise`; `weight` 0 puts the instance in FAULT while failing, a negative weight
 *   lowers its priority (a failover only if that drops it below the peer's), a positive one
 *   raises it while succeeding.
 * - The check runs in keepalived (thread `heartbeat`, which a deadlock of the service leaves
 *   alive, since keepalived is its own process) and asks the service's health endpoint (thread
 *   `health`). A deadlocked order thread whose health endpoint still answers is NOT detected:
 *   the VIP stays on a host that serves nothing (gray failure). A stuck health endpoint makes
 *   curl hang until the script timeout: FAULT, priority-0 advert, failover after Skew_Time.
 * - notify_master makes the trading service active (`OrderServer` primary, async replication
 *   to the peer); notify_backup makes it standby (`notifyBackup=standby`, the document's "or
 *   keep in standby mode": it keeps running and receives the replication stream) or stops it
 *   (`notifyBackup=stop`, become_backup.sh as written: the BACKUP's own check then fails
 *   `pgrep`, so with weight 0 it sits in FAULT and never takes over, and with the document's
 *   weight -20 both priorities drop alike and a dead service never fails over).
 * - The document configures no notify_fault: a node in FAULT leaves its service as it was, so a
 *   MASTER that faults keeps believing it is active while the VIP moves away.
 * - No quorum, no fencing: a partition between the two hosts makes both MASTER (VRRP's
 *   well-known split brain). Each serves the clients whose ARP cache points at it: clients
 *   follow the last gratuitous ARP they heard, so on one shared segment they all move to the
 *   new MASTER, while clients cut off from it (a split between switches) stay with the old one
 *   and both ack orders. When the hosts hear each other again the lower priority steps down;
 *   orders it acked meanwhile are lost when it resyncs from the winner.
 * - The trading service's own state: asynchronous replication of the order log from the
 *   active to the standby (the document's §4 / `asyncSendToSecondary`; keepalived itself moves
 *   only the address), with a resync when a node comes back as standby.
 * - Epochs: VRRP has none; the design numbers masterships (stored on disk, carried by the
 *   replication stream) so the history and the replica can tell a new master from an old one.
 *
 * Process model: each host runs two processes (NodeSpec.processes), the trading service
 * (threads `main`, `health`) and keepalived (thread `heartbeat`), which can die separately
 * (`process-crash` with `component: keepalived` or `component: trading-service`); without
 * `component` both die, as a host's whole software stack (kill -9: no priority-0 advert, the
 * BACKUP takes over after Master_Down_Interval).
 * - keepalived killed alone (SIGKILL): it cannot run its shutdown path, so the VIP stays
 *   configured on its host, which keeps answering ARP for it, and the trading service keeps its
 *   mode (still active on the old MASTER: nobody runs notify_backup); the BACKUP hears no advert
 *   and takes over after Master_Down_Interval, and both hosts then have the address. When
 *   keepalived restarts it first removes the VIP a previous life left configured and enters
 *   BACKUP, running notify_backup (keepalived/vrrp/vrrp_scheduler.c vrrp_init_state:
 *   `vrrp_restore_interface(vrrp, false, true)`; vrrp_daemon.c vrrp_restore_interfaces_startup),
 *   then preempts if its priority is higher (test/models/keepalived-processes.test.ts).
 * - the trading service killed alone: the track script's `pgrep` fails, so with weight 0 the
 *   instance enters FAULT, sends a priority-0 advert and the BACKUP takes over after Skew_Time;
 *   its supervisor restarts it after `restartSec` as a standby that waits for a notify.
 * - a stuck (not dead) trading service under a live keepalived is a `deadlock` whose `threads`
 *   keep `heartbeat` (keepalived) running: without `health` the check fails (detected), with
 *   `health` it passes (gray failure).
 * The run starts in steady state: the preferred MASTER holds the VIP at t = 0; a keepalived that
 * starts later starts as BACKUP and waits Master_Down_Interval, as keepalived does for
 * `state MASTER` below 255.
 *
 * - Interface tracking: keepalived tracks the instance's interface by default (unless
 *   `dont_track_primary`): a host whose NIC or switch port loses carrier enters FAULT (and gives
 *   up the VIP) instead of staying MASTER behind a dead link; `trackInterface=false` models
 *   `dont_track_primary`, under which a NIC failure looks like a partition.
 * - More than two hosts: the highest priority alive is MASTER; a lower one never becomes MASTER
 *   while a higher one is up and heard (test/models/keepalived-knobs.test.ts: with priorities
 *   150,100,50 the priority-50 host never becomes MASTER while the priority-100 one lives);
 *   `nopreempt` and `preempt_delay` are per host, as in keepalived.conf.
 *
 * - The clients' ARP caches as Linux keeps them (src/world/routing.ts): with `arp_accept` 0 (the
 *   default) a gratuitous ARP for the VIP creates no entry in a client that has none (it ARPs
 *   when it next sends); an existing entry is overridden by a GARP on current kernels, while
 *   older ones (`clientKernel=legacy`, before the 2017 change "arp: always override existing
 *   neigh entries with gratuitous ARP": there arp_process sets is_garp only under arp_accept, so
 *   with arp_accept 0) ignore any ARP that arrives within `locktime` (1 s) of
 *   the entry's last update, so a client whose entry was just refreshed from the old MASTER
 *   keeps sending to the old MAC until its entry expires (base_reachable_time) or a later burst
 *   lands (test/models/keepalived-arp.test.ts). Linux ip-sysctl: "arp_accept ... 0 - don't
 *   create new entries in the ARP table ... If the ARP table already contains the IP address
 *   of the gratuitous arp frame, the arp table will be updated regardless"; neigh "locktime
 *   ... default 100 (1 second)"; net/ipv4/arp.c arp_process: `override = time_after(jiffies,
 *   n->updated + NEIGH_VAR(n->parms, LOCKTIME)) || is_garp`.
 *
 * Graceful stop (`graceful-stop`, SIGTERM): keepalived's shutdown path sends a priority-0 advert
 * and removes the VIP, so the BACKUP takes over after Skew_Time (calibrated against keepalived
 * 2.2.7: 622 ms real, 609 ms hasim); the trading service is not told (no notify_stop).
 *
 * Left out: VRRP authentication, sync groups, VMACs, unicast vs multicast (both reach the same
 * peer here); `garp_master_refresh` (0 by default); the time notify scripts and a service start
 * take (notify_master / notify_backup run as soon as the address change is done); `init_fail`;
 * VRRPv3 sub-second adverts.
 *
 * Defaults and sources:
 * - priorities 150,100 (`a`, `b`): keepalived.conf(5) `priority` default 100; models.md's
 *   preferred master 150. (The document configures `priority 100` on its MASTER and leaves the
 *   backup's unstated.)
 * - trackInterface true: keepalived.conf(5) tracks the `interface` of a vrrp_instance unless
 *   `dont_track_primary` is set.
 * - advertInt 1 s: keepalived.conf(5) `advert_int` default 1; RFC 3768 §5.3.7.
 * - nopreempt false, preemptDelay 0: keepalived.conf(5) (preempt is the default; `preempt_delay`
 *   default 0).
 * - garpMasterDelay 5 s, garpMasterRepeat 5: keepalived.conf(5) `garp_master_delay` (default 5)
 *   and `garp_master_repeat` (default 5), sent back to back (`vrrp_garp_interval` default 0).
 * - scriptInterval 1 s, fall 1, rise 1, weight 0: keepalived.conf(5) `vrrp_script` defaults
 *   (interval 1 s; weight 0 = FAULT). The document's own config says `interval 2`, `weight -20`:
 *   `--set scriptInterval=2s weight=-20` models it.
 * - scriptTimeout 0 = the interval: with `timeout` unset keepalived waits for a script as long
 *   as its interval (vrrp_script child timeout = interval in keepalived's vrrp_track.c).
 * - baseReachableTime 30 s: how long a client trusts an ARP entry without a GARP, Linux
 *   `net.ipv4.neigh.default.base_reachable_time_ms` = 30000 (ip-sysctl.rst).
 * - arpAccept 0, arpLocktime 1 s: Linux defaults (ip-sysctl: arp_accept FALSE; neigh locktime
 *   100 jiffies); clientKernel current: what a client installed today runs.
 * - processingTime 300 us, processingTimeSpread 0.8: measured on the client's wire against
 *   keepalived 2.2.7 on an idle host (calibration/fixtures/keepalived--check-hang-weight-60.jsonl,
 *   30 trials at load 0.1-1.2, `--sniff true`): the new MASTER's first advert to its first
 *   gratuitous ARP took 0.1 / 0.3 / 0.8 / 6.9 ms (min / median / p90 / max), log-standard
 *   deviation 0.78. The old MASTER's side cannot be seen on the wire; its "Entering BACKUP
 *   STATE" line (written just before its netlink delete) reached the harness a median 0.5 ms
 *   after the advert, against 0.4 ms for the new MASTER's "Entering MASTER STATE" written right
 *   after its advert, so its decision takes about 0.1 ms and its delete, one netlink address
 *   change like the add, is drawn from the same distribution. At load 20-33 (the 60 trials of
 *   calibration/fixtures/keepalived--check-hang-weight-60-loaded.jsonl that watched the wire)
 *   the same time was 0.6 / 7.7 / 36 / 60 ms, log-sd 1.1, and in its trials 61-90, which also
 *   read each host's address changes from netlink, the old MASTER's removal came a median
 *   8.9 ms after the advert against 8.8 ms for the new MASTER's ARP (the removal stamps are
 *   late by the monitor's own wake-up): the same distribution on both sides.
 *   `--set processingTime=7.7ms processingTimeSpread=1.1` models such a host.
 * - restartSec 5 s: systemd `Restart=always`, `RestartSec=5s` (as for `single`).
 * - notifyBackup standby: the document's become_backup.sh comment "(or keep in standby mode)",
 *   the only reading under which the standby can hold replicated state.
 */
import { defineDesign, type Resolved } from '../src/world/design.ts';
import { oneOf } from '../src/world/estimate-declaration.ts';
import { InputError } from '../src/sim/input-error.ts';
import { perNode } from '../src/world/params.ts';
import type { Actor, Msg, NodeContext } from '../src/world/actor.ts';
import { ORDER_MESSAGES } from '../src/world/messages.ts';
import { OrderServer } from '../src/parts/order-server.ts';
import { AsyncReplicator } from '../src/parts/async-replicator.ts';
import { StandbyReplica } from '../src/parts/standby-replica.ts';
import { VRRP_KINDS, VRRP_THREAD, VrrpInstance } from '../src/parts/vrrp.ts';
import { VRRP_SCRIPT_KINDS, VrrpScript } from '../src/parts/vrrp-script.ts';
import { drawAroundMedian } from '../src/sim/distributions.ts';

const params = {
  priorities: { kind: 'integer-list', default: '150,100', min: 1, max: 254, doc: 'priority of each host a, b, c... (2 to 9 values: also the number of hosts)', source: 'keepalived.conf(5) priority (default 100); models.md: master e.g. 150' },
  advertInt: { kind: 'duration', positive: true, default: '1s', doc: 'VRRP advertisement interval (advert_int)', source: 'keepalived.conf(5) advert_int, default 1; RFC 3768 §5.3.7' },
  nopreempt: { kind: 'integer-list', default: '0', min: 0, max: 1, doc: 'per host (one value: all), 1 = nopreempt: a returning higher-priority host does not take the VIP back', source: 'keepalived.conf(5) nopreempt (preempt is the default)' },
  preemptDelay: { kind: 'duration-list', default: '0s', doc: 'per host (one value: all): delay before preempting after startup or after first hearing a lower-priority master (preempt_delay)', source: 'keepalived.conf(5) preempt_delay, default 0' },
  trackInterface: { kind: 'boolean', default: true, doc: 'FAULT while the host\'s interface has no carrier (false: dont_track_primary)', source: 'keepalived.conf(5): the vrrp_instance interface is tracked unless dont_track_primary' },
  garpMasterDelay: { kind: 'duration', default: '5s', doc: 'delay of the second burst of gratuitous ARPs after becoming MASTER (0: none)', source: 'keepalived.conf(5) garp_master_delay, default 5' },
  garpMasterRepeat: { kind: 'integer', default: 5, min: 1, doc: 'gratuitous ARPs per burst', source: 'keepalived.conf(5) garp_master_repeat, default 5' },
  scriptInterval: { kind: 'duration', positive: true, default: '1s', doc: 'vrrp_script interval', source: 'keepalived.conf(5) vrrp_script interval, default 1 s (the HA document: 2)' },
  scriptTimeout: { kind: 'duration', default: '0s', doc: 'vrrp_script timeout (0: the interval)', source: 'keepalived vrrp_script timeout: unset, a run still going at the next interval fails' },
  fall: { kind: 'integer', default: 1, min: 1, doc: 'failed runs in a row to mark the script KO', source: 'keepalived.conf(5) vrrp_script fall, default 1' },
  rise: { kind: 'integer', default: 1, min: 1, doc: 'successful runs in a row to mark it OK again', source: 'keepalived.conf(5) vrrp_script rise, default 1' },
  weight: { kind: 'integer', default: 0, min: -253, max: 253, doc: '0: FAULT while the script fails; <0: lower the priority by |weight| while failing; >0: raise it while succeeding', source: 'keepalived.conf(5) vrrp_script weight, default 0 (the HA document: -20)' },
  notifyBackup: { kind: 'enum', default: 'standby', values: ['standby', 'stop'], doc: 'what notify_backup does to the trading service', source: "HA document become_backup.sh: 'systemctl stop trading_service' (or keep in standby mode)" },
  baseReachableTime: { kind: 'duration', default: '30s', doc: 'how long a client trusts an ARP entry without a gratuitous ARP', source: 'Linux net.ipv4.neigh.default.base_reachable_time_ms = 30000' },
  arpAccept: { kind: 'integer', default: 0, oneOf: [0, 1, 2], doc: 'clients\' arp_accept: 0 ignores a gratuitous ARP for an address not in the cache; 1 (and 2, the VIP being in the clients\' subnet) creates the entry', source: 'Linux ip-sysctl: arp_accept, default 0 (FALSE)' },
  arpLocktime: { kind: 'duration', default: '1s', doc: 'clients\' neigh locktime: an entry updated less than this long ago is not overridden', source: 'Linux ip-sysctl / neigh: locktime, default 100 jiffies = 1 s' },
  clientKernel: { kind: 'enum', default: 'current', values: ['current', 'legacy'], doc: 'current: a gratuitous ARP overrides an existing entry whatever its locktime; legacy (before the 2017 change "arp: always override existing neigh entries with gratuitous ARP"): only with arp_accept on, else the locktime applies to it too', source: 'net/ipv4/arp.c arp_process: override = locktime passed || is_garp; older kernels set is_garp only under arp_accept' },
  processingTime: { kind: 'duration', default: '300us', doc: "keepalived's own time for an address change (median): from a new MASTER's advert to its VIP added and gratuitous ARPs sent, and from the old MASTER hearing it to its VIP removed (0: at once)", source: "vrrp.c vrrp_state_master_tx / vrrp_state_become_master (advert, then netlink add, then ARPs); measured on an idle host: advert to first ARP 0.3 ms median (calibration/fixtures/keepalived--check-hang-weight-60.jsonl)" },
  processingTimeSpread: { kind: 'number', default: 0.8, min: 0, max: 3, doc: 'log-standard deviation of processingTime (each change is drawn log-normally around the median; 0: constant)', source: 'measured: 0.78 over 30 switch-overs on an idle host (calibration/fixtures/keepalived--check-hang-weight-60.jsonl)' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const HOSTS = 'abcdefghi';
const hostIds = (p: Params) => [...HOSTS.slice(0, p.priorities.split(',').length)];
/** The service's health endpoint answers on its own thread (an HTTP server thread). */
const HEALTH_THREAD = 'health';
const HEALTH_PROBE = 'svc-health-probe';
/** How long the curl to localhost takes to reach the health endpoint. */
const LOCALHOST_LATENCY_US = 100;

/** The host's two processes (keepalived.conf's daemon and the service it moves the VIP for). */
const TRADING = 'trading-service';
const KEEPALIVED = 'keepalived';

class KeepalivedHost implements Actor {
  private readonly peers: string[];
  /** This host's configured priority and whether it starts as the preferred MASTER. */
  private readonly basePriority: number;
  private readonly preferredMaster: string;
  /** The trading service's context: inert once that process dies (its parts below use it). */
  private svc: NodeContext;
  private server!: OrderServer;
  private standby!: StandbyReplica;
  /** keepalived's context: inert once keepalived dies. */
  private ka: NodeContext;
  private vrrp!: VrrpInstance;
  private script!: VrrpScript;
  /** One asynchronous stream per other host while MASTER. */
  private senders: AsyncReplicator[] = [];
  /** Whether notify_backup left the trading service running (`notifyBackup=stop` stops it). */
  private serviceRunning = true;
  /** The highest mastership epoch this node knows of. */
  private knownEpoch: number;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    const hosts = hostIds(p);
    const at = hosts.indexOf(ctx.id);
    this.peers = hosts.filter((h) => h !== ctx.id);
    const priorities = perNode(p.priorities, hosts.length, 'priorities');
    this.basePriority = priorities[at];
    this.preferredMaster = hosts[priorities.indexOf(Math.max(...priorities))];
    this.knownEpoch = (ctx.disk.get('epoch') as number | undefined) ?? 0;
    this.svc = ctx.forProcess(TRADING);
    this.ka = ctx.forProcess(KEEPALIVED);
    this.buildService();
    this.buildKeepalived(ctx.bootCount === 0 && ctx.id === this.preferredMaster);
  }

  /** The trading service's parts, for this life of its process. */
  private buildService(): void {
    const svc = this.svc;
    this.server = new OrderServer(svc, { replicate: (entry, done, index) => this.replicate(entry, done, index), replicateAfterLocal: true });
    this.standby = new StandbyReplica(svc, {
      catchUp: true,
      onAppended: (entry) => this.server.learn(entry.orderId),
      onResynced: (_primary, epoch) => {
        this.knownEpoch = Math.max(this.knownEpoch, epoch);
        this.server.relearnLog();
      },
    });
  }

  /** keepalived's VRRP instance and track script, for this life of its process. */
  private buildKeepalived(startAsMaster: boolean): void {
    const { ka, p } = this;
    const hosts = hostIds(p);
    const at = hosts.indexOf(ka.id);
    this.vrrp = new VrrpInstance(ka, {
      peers: this.peers,
      priority: this.basePriority,
      advertIntUs: p.advertInt,
      preempt: perNode(p.nopreempt, hosts.length, 'nopreempt')[at] === 0,
      preemptDelayUs: perNode(p.preemptDelay, hosts.length, 'preemptDelay')[at],
      trackInterface: p.trackInterface,
      garpMasterDelayUs: p.garpMasterDelay,
      startAsMaster,
      // the daemons were started before the run: their timers have a random phase
      firstAdvertDelayUs: Math.floor(ka.rng.float() * p.advertInt),
      addressChangeUs: () => drawAroundMedian(ka.rng, p.processingTime, p.processingTimeSpread),
      onMaster: () => this.notifyMaster(),
      onBackup: () => this.notifyBackup(),
      onFault: () => ka.note('keepalived: FAULT (no notify_fault configured)'),
    });
    this.script = new VrrpScript(ka, {
      intervalUs: p.scriptInterval,
      timeoutUs: p.scriptTimeout > 0 ? p.scriptTimeout : p.scriptInterval,
      fall: p.fall,
      rise: p.rise,
      check: (done) => this.checkTradingService(done),
      onStatus: (ok) => this.trackScript(ok),
    });
    this.trackScript(true);
  }

  onStart(): void {
    this.startKeepalived();
  }

  private startKeepalived(): void {
    this.vrrp.start();
    this.script.start(Math.floor(this.ka.rng.float() * this.p.scriptInterval));
  }

  /**
   * One process died, the host and the other live. keepalived killed: nothing runs its
   * shutdown path, so the VIP stays configured here (the kernel keeps answering ARP for it)
   * and the trading service keeps its mode; the peers stop hearing adverts and the BACKUP
   * takes over after Master_Down_Interval. The trading service killed: keepalived's check
   * fails (`pgrep`), so with weight 0 it enters FAULT and sends a priority-0 advert.
   */
  onProcessExit(process: string): void {
    if (process === KEEPALIVED) return this.ctx.note('keepalived killed: the VIP stays configured on this host');
    this.senders = [];
    this.ctx.declareRole('down', this.knownEpoch);
  }

  /**
   * keepalived started again: at startup it removes any VIP left configured by a previous life
   * and enters BACKUP, running notify_backup (vrrp_init_state, see VrrpInstance.start); the
   * trading service restarted by its supervisor comes up as a standby and waits to be told.
   */
  onProcessStart(process: string): void {
    if (process === KEEPALIVED) {
      this.ka = this.ctx.forProcess(KEEPALIVED);
      this.buildKeepalived(false);
      this.startKeepalived();
      return;
    }
    this.svc = this.ctx.forProcess(TRADING);
    this.buildService();
    this.server.becomeStandby(this.knownEpoch);
    if (this.serviceRunning) this.standby.start();
  }

  /**
   * SIGTERM. keepalived's shutdown path: a MASTER sends a priority-0 advert and removes the VIP,
   * so the BACKUP takes over after Skew_Time (0.609 s for priority 100); notify_stop is not
   * configured, so the trading service is not told. The trading service exits at once.
   */
  onStop(process: string | undefined, exit: () => void): void {
    if (process !== TRADING) {
      this.ka.note('keepalived: Stopping (SIGTERM): priority-0 advert, VIP removed');
      this.vrrp.shutdown();
    }
    exit();
  }

  threadOf(kind: string): string {
    if (VRRP_KINDS.has(kind) || VRRP_SCRIPT_KINDS.has(kind)) return VRRP_THREAD;
    if (kind === HEALTH_PROBE || kind === 'health-check') return HEALTH_THREAD;
    return 'main';
  }

  onMessage(from: string, msg: Msg): void {
    if (this.vrrp.handle(from, msg)) return;
    if (ORDER_MESSAGES.has(msg) && !this.serviceRunning) return this.svc.rejectOrder(msg, 'connection-refused');
    if (this.server.handle(msg)) return;
    if (this.serviceRunning && this.standby.handle(from, msg)) return;
    for (const sender of this.senders) if (sender.handle(from, msg)) return;
  }

  onTimer(kind: string, data: unknown): void {
    if (kind === HEALTH_PROBE) return (data as () => void)();
    if (this.vrrp.onTimer(kind) || this.script.onTimer(kind, data) || this.standby.onTimer(kind, data)) return;
    for (const sender of this.senders) sender.onTimer(kind);
  }

  /** check_trading_service.sh: pgrep, then curl the health endpoint (which may hang). */
  private checkTradingService(done: (ok: boolean) => void): void {
    if (!this.serviceRunning || !this.ctx.processRunning(TRADING)) return done(false);
    this.svc.setTimer(LOCALHOST_LATENCY_US, HEALTH_PROBE, () => done(true));
  }

  private trackScript(ok: boolean): void {
    const weight = this.p.weight;
    if (weight === 0) {
      this.vrrp.setFault(!ok);
      return;
    }
    this.vrrp.setPriority(this.basePriority + (ok ? Math.max(weight, 0) : Math.min(weight, 0)));
  }

  /**
   * become_master.sh: `systemctl start trading_service`; the service goes active. (A trading
   * service whose process is dead stays dead: its supervisor restarts it as a standby.)
   */
  private notifyMaster(): void {
    const epoch = this.knownEpoch + 1;
    this.knownEpoch = epoch;
    this.ctx.disk.put('epoch', epoch);
    this.serviceRunning = true;
    this.standby.stop();
    this.senders = this.peers.map((peer) => new AsyncReplicator(this.svc, { peer, epoch, flushInterval: 0 }));
    this.server.becomePrimary(epoch);
  }

  /** become_backup.sh: stop the service, or keep it running as a standby. */
  private notifyBackup(): void {
    this.senders = [];
    this.server.becomeStandby(this.knownEpoch);
    if (this.p.notifyBackup === 'stop') {
      this.serviceRunning = false;
      this.standby.stop();
    } else {
      this.standby.start();
    }
  }

  /** Ships the entry to every other host; the ack does not wait (asynchronous). */
  private replicate(...[entry, done, index]: Parameters<AsyncReplicator['replicate']>): void {
    if (this.senders.length === 0) return done(false);
    this.senders.forEach((sender, i) => sender.replicate(entry, i === 0 ? done : () => {}, index));
  }
}

export default defineDesign({
  name: 'keepalived-vrrp',
  description: 'keepalived VRRPv2 with a vrrp_script health check: VIP by gratuitous ARP, preemption, async state replication, no quorum',
  params,
  topology: (p) => {
    const hosts = hostIds(p);
    const count = p.priorities.split(',').length;
    if (count < 2 || count > HOSTS.length) throw new InputError('--set', 'priorities', `2 to ${HOSTS.length} priorities (one per host)`, p.priorities);
    perNode(p.nopreempt, hosts.length, 'nopreempt');
    perNode(p.preemptDelay, hosts.length, 'preemptDelay');
    return {
      nodes: hosts.map((id, i) => ({
        id,
        rack: `r${i + 1}`,
        supervisedRestart: p.restartSec,
        // keepalived and the trading service are separate processes (each under systemd)
        processes: [
          { name: TRADING, threads: ['main', HEALTH_THREAD] },
          { name: KEEPALIVED, threads: [VRRP_THREAD] },
        ],
      })),
      routing: {
        kind: 'vip',
        garpCount: p.garpMasterRepeat,
        garpInterval: 0,
        arpCacheTtl: p.baseReachableTime,
        arpAccept: p.arpAccept === 0 ? 0 : 1,
        arpLocktime: p.arpLocktime,
        // 4.x before the 2017 change computes is_garp only under arp_accept
        garpOverridesLocktime: p.clientKernel === 'current' || p.arpAccept !== 0,
      },
      // VRRP is IP protocol 112, multicast: an advert lost is lost (RFC 3768 §5.1)
      datagramMessages: ['vrrp-advert'],
    };
  },
  createNode: (ctx, p) => new KeepalivedHost(ctx, p),
  estimate: (_p, t) => oneOf(...t.nodes.map((n) => n.id)),
});
