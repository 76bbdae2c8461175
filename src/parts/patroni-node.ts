/**
 * Patroni's HA loop on one PostgreSQL node: every `loop_wait` (a replica: at once when the
 * leader key changes or the leader publishes a new optime) the member refreshes its member key in the DCS, reads the cluster, and acts:
 *
 *   I hold the leader key  -> renew it (compare-and-set on my name, TTL `ttl`); failed: demote
 *   someone else holds it  -> follow them (demote first if I run as primary)
 *   nobody holds it        -> race for it if I am healthy enough (below), then promote
 *   the DCS does not answer within `retry_timeout` -> a primary demotes (or, with
 *                             failsafe_mode, keeps running if every member acknowledges it)
 *
 * "Healthy enough" (Patroni's `is_healthiest_node`, patroni-sync.ts `raceVerdict`): in
 * synchronous mode on/strict only the primary and the standbys named in the `/sync` key may
 * race; in quorum mode anyone may, but needs the votes of `quorum` voters none of which is
 * ahead; a replica lagging the last leader optime in the DCS by more than
 * `maximum_lag_on_failover` bytes may not; and a member asks the other members' REST API (2 s
 * timeout) and stands back if one still runs as primary or has more WAL.
 *
 * Synchronous mode (patroni-sync-manager.ts): the primary keeps `synchronous_standby_names` and
 * the `/sync` key in step so that whichever standbys `/sync` allows to fail over have every
 * acknowledged commit. Before promoting, a member in synchronous mode first writes `/sync`
 * naming only itself.
 *
 * Processes: PostgreSQL (thread `main`) and Patroni (thread `patroni`) are separate processes
 * of the host. A killed PostgreSQL is started again by Patroni's next loop; on the leader, one
 * that does not come up keeps the key for primary_start_timeout, then fails over.
 *
 * Watchdog: armed for `ttl - safety_margin` before promotion and re-armed after every
 * successful renewal; disarmed on demotion. It is the kernel's timer, so a paused Patroni gets
 * its node reset before its key expires.
 *
 * Threads: the HA loop, the DCS client and the REST API (health checks, member status,
 * POST /failsafe) run on thread `patroni`; PostgreSQL (orders, WAL) on `main`. A deadlock that
 * leaves `patroni` running is PostgreSQL stuck under a live Patroni: the key stays renewed.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, CancelRequest, Msg, NodeContext, ReadRequest, TimerHandle } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import { DcsClient } from './dcs-client.ts';
import type { DcsKeys, DcsResult, DcsTxn } from './dcs-store.ts';
import { OrderServer } from './order-server.ts';
import { PostgresReplication } from './postgres-replication.ts';
import { ASYNC } from './postgres-settings.ts';
import { raceVerdict } from './patroni-sync.ts';
import type { PatroniConfig } from './patroni-config.ts';
import { PatroniRestCalls, REST_TIMEOUT_TIMER, type PatroniFailsafeReply, type PatroniQuery, type PatroniStatusReply } from './patroni-rest.ts';
import { PatroniSyncManager, syncKey, type SyncConfirm } from './patroni-sync-manager.ts';
import { emitsProbe } from '../world/probes.ts';
import { DEMOTE_BEGIN as SHARED_DEMOTE, ELECTION_WON as SHARED_WON, PROMOTE_BEGIN as SHARED_PROMOTE } from './common-probes.ts';

// --- messages: Patroni's REST checks between members, and client reads and cancels ---------
const PATRONI_MESSAGES = messageKinds<PatroniQuery | PatroniStatusReply | PatroniFailsafeReply | CancelRequest | ReadRequest>(
  'patroni-status',
  'patroni-failsafe',
  'patroni-status-reply',
  'patroni-failsafe-reply',
  'cancel',
  'read',
);

const ELECTION_WON = emitsProbe(import.meta.url, SHARED_WON);
const PROMOTE_BEGIN = emitsProbe(import.meta.url, SHARED_PROMOTE);
const DEMOTE_BEGIN = emitsProbe(import.meta.url, SHARED_DEMOTE);

/** Etcd3.watch adds this to a replica's wait for the leader's update (patroni/dcs/etcd3.py). */
const REPLICA_WATCH_SLACK_US: Micros = 500_000;
/** `pg_ctl promote` until the node leaves recovery and accepts writes (an estimate). */
const PROMOTION_US: Micros = 500_000;
/** A stopping leader gives its replicas this long to receive the shutdown checkpoint (ha.py `time.sleep(1)`). */
const SHUTDOWN_CATCH_UP_US: Micros = 1_000_000;

const memberKey = (name: string) => `members/${name}`;

/** The host's two processes (`processes` in the design's topology): PostgreSQL runs thread `main`, Patroni thread `patroni`. */
export const POSTGRES = 'postgres';
export const PATRONI = 'patroni';

export class PatroniNode implements Actor {
  private orders!: OrderServer;
  private pg!: PostgresReplication;
  private dcs: DcsClient;
  /** Synchronous replication on the primary: synchronous_standby_names and the /sync key. */
  private readonly sync: PatroniSyncManager;
  /** What PostgreSQL runs as. */
  private running: 'primary' | 'replica' = 'replica';
  private promoting = false;
  private epoch = 0;
  /** A cycle is under way (its DCS calls and REST queries are outstanding). */
  private busy = false;
  /** When the current (or last) HA cycle began: the next begins loop_wait after it. */
  private cycleStartUs: Micros = 0;
  /** SIGTERM received: the HA loop no longer runs (`onStop`). */
  private stopping = false;
  private loopTimer: TimerHandle | undefined;
  /** When the leader found each member's key gone (member_slots_ttl counts from there). */
  private readonly memberGoneSinceUs = new Map<string, Micros>();
  /** The last cluster view read from the DCS. */
  private lastKeys: DcsKeys | undefined;
  /** A primary's POST /failsafe, valid until (monotonic). */
  private failsafeLeader: { name: string; untilUs: Micros } | undefined;
  /** PostgreSQL crashed on the leader (an I/O error): since when (monotonic); undefined: not down. */
  private pgDownSinceUs: Micros | undefined;
  /** The data directory was lost with a failed disk: the empty one put in after holds nothing. */
  private dataLost = false;
  /** PostgreSQL was killed while running as primary: the watchdog is kept alive while the key is held. */
  private pgCrashedAsLeader = false;
  private readonly rest: PatroniRestCalls;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: PatroniConfig,
  ) {
    this.buildPostgres();
    this.dcs = new DcsClient(ctx, config.dcsMembers, config.retryTimeoutUs);
    this.rest = new PatroniRestCalls(ctx);
    this.sync = new PatroniSyncManager({
      ctx,
      config,
      pg: () => this.pg,
      isPrimary: () => this.running === 'primary',
      lastKeys: () => this.lastKeys,
      liveMembers: (keys) => this.liveMembers(keys),
      dcsCall: (txn, done) => this.dcsCall(txn, done),
      finish: (keys) => this.finish(keys),
      onDcsError: () => this.onDcsError(),
    });
  }

  /** PostgreSQL's parts, bound to its process's life: a callback of a killed PostgreSQL (an fsync) cannot act. */
  private buildPostgres(): void {
    const pgCtx = this.ctx.forProcess(POSTGRES);
    this.pg = new PostgresReplication(pgCtx, this.config.replication, {
      learn: (orderId) => this.orders.learn(orderId),
      relearn: () => this.orders.relearnLog(),
      panic: (reason) => this.ctx.exitProcess(POSTGRES, `PANIC: ${reason}`),
    });
    this.orders = new OrderServer(pgCtx, {
      write: this.pg.writeWal,
      replicate: this.pg.replicate,
      replicateAfterLocal: true,
      // a retried order whose WAL was removed at a checkpoint is still in the database
      knownElsewhere: (orderId) => pgCtx.disk.compactedHas(orderId),
    });
  }

  // --- Actor -------------------------------------------------------------------------------

  onStart(): void {
    // PostgreSQL starts read-only; only the HA loop decides to promote it
    this.ctx.declareRole('standby', 0);
    this.pg.start();
    this.cycle();
  }

  /**
   * One of the host's processes was killed while the other lives. PostgreSQL: its state is
   * gone (in-flight commits, walsenders, the walreceiver), it serves nothing; Patroni finds out
   * at its next loop and starts it again (recoverPrimary / recoverReplica). Patroni: its loop
   * state is gone and PostgreSQL keeps running as it was (a detached postmaster): as primary
   * it keeps accepting writes while nobody renews the leader key.
   */
  onProcessExit(process: string): void {
    if (process === PATRONI) {
      // a promotion Patroni was waiting for is left to its next life, which promotes again
      this.promoting = false;
      this.busy = false;
      this.stopping = false;
      this.rest.clear();
      this.loopTimer = undefined;
      this.dcs = new DcsClient(this.ctx, this.config.dcsMembers, this.config.retryTimeoutUs);
      return;
    }
    this.ctx.probe(DEMOTE_BEGIN);
    // the watchdog stays armed: Patroni keeps it alive while it holds the key (update_lock)
    this.pgCrashedAsLeader = this.running === 'primary' || this.promoting;
    this.promoting = false;
    this.running = 'replica';
    this.ctx.declareRole('down', this.epoch);
  }

  onProcessStart(process: string): void {
    if (process === PATRONI) return this.cycle();
    // PostgreSQL starts read-only; Patroni's loop decides what it runs as
    this.buildPostgres();
    this.ctx.declareRole('standby', this.epoch);
    this.pg.start();
    const leader = this.lastKeys?.leader?.value as string | undefined;
    if (leader !== undefined && leader !== this.ctx.id) this.pg.follow(leader);
  }

  /**
   * The kernel reset a connection: a peer's PostgreSQL died (a walsender or walreceiver sees it
   * at once), its Patroni (queries to it fail), or a DCS member's etcd (the DCS client moves on).
   */
  onConnectionReset(peer: string, process?: string): void {
    if (process === undefined || process === POSTGRES) this.pg.onConnectionReset(peer);
    if (process === undefined || process === PATRONI) this.rest.refuse(peer);
    this.dcs.onConnectionReset(peer);
  }

  onMessage(from: string, msg: Msg): void {
    if (msg.type === 'order' && this.running === 'primary') this.checkDisk();
    if (this.orders.handle(msg) || this.pg.handle(from, msg) || this.dcs.handle(from, msg)) return;
    if (!PATRONI_MESSAGES.has(msg)) return;
    switch (msg.type) {
      case 'patroni-status':
        // a member whose PostgreSQL is down reports no WAL position: it neither votes nor is ahead
        this.ctx.send(from, { type: 'patroni-status-reply', queryId: msg.queryId, role: this.running, walBytes: this.pgUp ? this.walBytes() : 0 } satisfies PatroniStatusReply);
        return;
      case 'patroni-failsafe': {
        // a running primary refuses another's failsafe claim; a replica takes it as a sign of life
        const ok = this.running !== 'primary';
        if (ok) this.failsafeLeader = { name: from, untilUs: this.ctx.monotonic() + this.config.ttlUs };
        this.ctx.send(from, { type: 'patroni-failsafe-reply', queryId: msg.queryId, ok } satisfies PatroniFailsafeReply);
        return;
      }
      case 'patroni-status-reply':
      case 'patroni-failsafe-reply':
        this.rest.onReply(from, msg);
        return;
      case 'cancel':
        // the client's cancel request for a commit still waiting for the sync standby
        if (this.pg.cancelWait(msg.orderId)) this.orders.cancel(msg.orderId, 'commit-cancelled');
        return;
      case 'read':
        // a SELECT: PostgreSQL answers on the primary and on a hot standby alike
        this.ctx.send(msg.client, { type: 'read-result', readId: msg.readId, found: this.pg.visible(msg.orderId) });
        return;
    }
  }

  onTimer(kind: string, data: unknown): void {
    if (this.pg.onTimer(kind, data) || this.dcs.onTimer(kind, data)) return;
    switch (kind) {
      case 'patroni-loop':
        this.loopTimer = undefined;
        this.cycle();
        return;
      case REST_TIMEOUT_TIMER:
        this.rest.finish(data as number);
        return;
      case 'patroni-promoted':
        this.promoted(data as number);
        return;
      case 'patroni-sync-confirm':
        this.sync.confirm(data as SyncConfirm);
        return;
      case 'patroni-shutdown':
        this.releaseLeaderKey(data as () => void);
        return;
      default:
        return;
    }
  }

  threadOf(kind: string): string {
    return kind.startsWith('patroni-') || kind.startsWith('dcs-') || kind === 'health-check' ? 'patroni' : 'main';
  }

  /** REST `GET /primary`: 200 only while PostgreSQL runs as primary (HAProxy's check). */
  healthy(): boolean {
    return this.running === 'primary' && this.pgUp;
  }

  private get pgUp(): boolean {
    return this.ctx.processRunning(POSTGRES);
  }

  // --- the loop ----------------------------------------------------------------------------

  private walBytes(): number {
    return this.pg.walPosition() * this.config.walBytesPerOrder;
  }

  private cycle(): void {
    if (this.busy || this.stopping) return;
    this.busy = true;
    this.cycleStartUs = this.ctx.monotonic();
    this.checkDisk();
    this.ctx.cancelTimer(this.loopTimer);
    this.loopTimer = undefined;
    this.dcs.cancelWatch();
    // touch_member: the answer is also the cluster view the rest of the cycle acts on
    const value = { role: this.running, walBytes: this.walBytes() };
    this.dcsCall({ puts: [{ key: memberKey(this.ctx.id), value, ttlUs: this.config.ttlUs }] }, (r) => (r ? this.decide(r.keys) : this.onDcsError()));
  }

  private decide(keys: DcsKeys): void {
    const me = this.ctx.id;
    if (!keys.initialize) {
      if (me !== this.config.bootstrapMember) return this.finish(keys);
      const txn = { compare: { key: 'initialize', value: undefined }, puts: [{ key: 'initialize', value: me }, { key: 'leader', value: me, ttlUs: this.config.ttlUs }] };
      return this.dcsCall(txn, (r) => {
        if (!r) return this.onDcsError();
        if (!r.ok) return this.finish(r.keys);
        this.ctx.note('patroni: initialized a new cluster');
        this.promote(r.keys, () => this.finish(r.keys));
      });
    }
    const leader = keys.leader?.value as string | undefined;
    if (leader === me && this.config.useSlots && this.running === 'primary' && this.pgUp) this.syncSlots(keys);
    if (leader === me) return this.pgDownSinceUs === undefined && this.pgUp ? this.renew(keys) : this.recoverPrimary(keys);
    if (!this.pgUp) return this.recoverReplica(keys);
    if (leader !== undefined) {
      if (this.running === 'primary' || this.promoting) this.demote(`${leader} holds the leader key`);
      this.pg.follow(leader);
      return this.finish(keys);
    }
    this.race(keys);
  }

  /** update_leader: compare-and-set on my name; also publishes the optime (and /failsafe). */
  private renew(keys: DcsKeys): void {
    const me = this.ctx.id;
    const puts: { key: string; value: unknown; ttlUs?: Micros }[] = [
      { key: 'leader', value: me, ttlUs: this.config.ttlUs },
      { key: 'optime', value: this.walBytes() },
    ];
    if (this.config.failsafeMode) puts.push({ key: 'failsafe', value: this.liveMembers(keys) });
    this.dcsCall({ compare: { key: 'leader', value: me }, puts }, (r) => {
      if (!r) return this.onDcsError();
      if (!r.ok) {
        this.demote('failed to update the leader key');
        const holder = r.keys.leader?.value as string | undefined;
        if (holder !== undefined) this.pg.follow(holder);
        return this.finish(r.keys);
      }
      this.pingWatchdog();
      if (this.running !== 'primary' && !this.promoting) return this.promote(r.keys, () => this.finish(r.keys));
      if (this.running === 'primary' && this.config.synchronousMode !== 'off') return this.sync.manage(r.keys);
      this.finish(r.keys);
    });
  }

  /**
   * A failed data disk makes PostgreSQL PANIC: the primary stops, Patroni keeps the key for now;
   * a replica's server goes down (its walreceiver PANICs at its next WAL write already, see
   * PostgresReplication `panic`), and Patroni cannot start it again until the disk is replaced
   * (recoverReplica): "starting as a secondary" then clones the leader into the empty data
   * directory, as Patroni's bootstrap from the leader (pg_basebackup) does.
   */
  private checkDisk(): void {
    if (!this.ctx.disk.failed) return;
    this.dataLost = true;
    if (this.running !== 'primary' && !this.promoting) {
      if (this.pgUp) this.ctx.exitProcess(POSTGRES, 'PANIC: I/O error on the data directory');
      return;
    }
    this.demote('PostgreSQL crashed: I/O error on the data directory');
    this.pgDownSinceUs = this.ctx.monotonic();
  }

  /**
   * The leader's PostgreSQL is down: it crashed (its process was killed) or PANICked on a
   * failed disk. Patroni keeps the key and starts PostgreSQL again ("starting primary after
   * failure"), for at most primary_start_timeout from when it found it down; then, or at once
   * with primary_start_timeout 0, it releases the key if a failover is possible, so a replica
   * takes over ("Primary crashed. Failing over." / "Demoting self because primary startup is
   * taking too long": ha.py `recover` and `process_unhealthy_cluster`, Patroni docs on
   * primary_start_timeout: worst case loop_wait + primary_start_timeout + loop_wait). It also
   * releases the key at once when the disk came back empty (a replaced disk).
   */
  private recoverPrimary(keys: DcsKeys): void {
    const me = this.ctx.id;
    const disk = this.ctx.disk;
    const emptyDataDir = !disk.failed && this.dataLost && disk.length === 0;
    if (!disk.failed && !emptyDataDir && this.pgUp) {
      this.pgDownSinceUs = undefined;
      return this.renew(keys);
    }
    const now = this.ctx.monotonic();
    if (this.pgDownSinceUs === undefined) {
      this.pgDownSinceUs = now;
      this.ctx.note('patroni: PostgreSQL is not running on the leader');
    }
    const timeout = this.config.primaryStartTimeoutUs;
    const timedOut = timeout === 0 || now - this.pgDownSinceUs >= timeout;
    if (emptyDataDir || (timedOut && this.failoverPossible(keys))) {
      return this.dcsCall({ compare: { key: 'leader', value: me }, deletes: ['leader'] }, (r) => {
        if (!r) return this.finish(undefined);
        const why = emptyDataDir ? 'data directory empty' : timeout === 0 ? 'primary crashed and primary_start_timeout is 0' : 'PostgreSQL did not start within primary_start_timeout';
        this.ctx.note(`patroni: released the leader key, ${why}`);
        this.ctx.armWatchdog(undefined);
        this.pgCrashedAsLeader = false;
        this.pgDownSinceUs = undefined;
        this.dataLost = false;
        if (!this.pgUp && !disk.failed) this.ctx.startProcess(POSTGRES); // back as a replica
        this.finish(r.keys);
      });
    }
    if (!this.pgUp && !disk.failed && this.ctx.startProcess(POSTGRES)) {
      this.ctx.note('patroni: starting primary after failure');
      this.pgDownSinceUs = undefined;
      this.pgCrashedAsLeader = false;
      return this.renew(keys);
    }
    if (!this.pgUp) this.ctx.note(`patroni: PostgreSQL did not start, ${Math.max(0, Math.ceil((timeout - (now - this.pgDownSinceUs)) / 1_000_000))} s until primary_start_timeout`);
    this.dcsCall({ compare: { key: 'leader', value: me }, puts: [{ key: 'leader', value: me, ttlUs: this.config.ttlUs }] }, (r) => {
      if (r?.ok && this.config.watchdog && this.pgCrashedAsLeader) this.ctx.armWatchdog(this.watchdogTimeout());
      this.finish(r?.keys);
    });
  }

  /** A replica's PostgreSQL is down: start it again in recovery, following the leader; race only in a later loop. */
  private recoverReplica(keys: DcsKeys): void {
    if (!this.ctx.disk.failed && this.ctx.startProcess(POSTGRES)) this.ctx.note('patroni: starting as a secondary');
    this.finish(keys);
  }

  /** `is_failover_possible`, simplified: another member that may race is alive in the DCS. */
  private failoverPossible(keys: DcsKeys): boolean {
    const eligible = this.raceEligible(keys);
    return this.liveMembers(keys).some((m) => m !== this.ctx.id && (eligible.has(m) || this.config.synchronousMode === 'off'));
  }

  private race(keys: DcsKeys): void {
    const me = this.ctx.id;
    const failsafe = this.failsafeLeader;
    if (failsafe && failsafe.name !== me && this.ctx.monotonic() < failsafe.untilUs) {
      this.pg.follow(failsafe.name);
      return this.finish(keys);
    }
    const eligible = this.raceEligible(keys);
    if (!eligible.has(me)) return this.standBack(keys, 'not allowed to race for the leader key');
    if (this.running !== 'primary') {
      const lag = ((keys.optime?.value as number | undefined) ?? 0) - this.walBytes();
      const check = this.config.syncFailover ?? 'patroni';
      if (check === 'stolon-lsn' && lag > 0) return this.standBack(keys, `WAL ${lag} B behind the last primary position (stolon checks the LSN)`);
      if (check !== 'stolon-names' && lag > this.config.maximumLagOnFailoverBytes) return this.standBack(keys, `lag ${lag} B > maximum_lag_on_failover`);
    }
    // in synchronous mode the candidates are checked against the /sync members only
    const sync = syncKey(keys);
    const checked = sync && this.config.synchronousMode !== 'off' ? new Set([sync.leader, ...sync.standbys]) : eligible;
    const others = this.liveMembers(keys).filter((m) => m !== me && checked.has(m));
    this.rest.query(others, 'patroni-status', (answers) => {
      const verdict = raceVerdict({
        me,
        myWalBytes: this.walBytes(),
        iAmPrimary: this.running === 'primary',
        sync: this.config.synchronousMode === 'off' ? undefined : sync,
        quorumMode: this.config.synchronousMode === 'quorum',
        compareWal: this.config.raceComparesWal ?? true,
        answers,
      });
      if (verdict !== undefined) return this.standBack(keys, verdict);
      this.acquire();
    });
  }

  /** Not the healthiest: a replica waits; a primary without the key demotes. */
  private standBack(keys: DcsKeys, reason: string): void {
    if (this.running === 'primary' || this.promoting) this.demote(`no leader key and ${reason}`);
    else this.ctx.note(`patroni: not racing, ${reason}`);
    this.finish(keys);
  }

  /**
   * Who may take the leader key: everyone; in synchronous mode on/strict only the /sync leader
   * and standbys; in quorum mode everyone again, since the votes decide (ha.py `is_failover_possible`).
   */
  private raceEligible(keys: DcsKeys): Set<string> {
    let names: string[] = [...this.config.members];
    if (this.config.synchronousMode === 'on' || this.config.synchronousMode === 'strict') {
      const sync = syncKey(keys);
      names = sync ? [sync.leader, ...sync.standbys] : [];
    }
    const failsafe = keys.failsafe?.value as string[] | undefined;
    if (this.config.failsafeMode && failsafe) names = names.filter((n) => failsafe.includes(n));
    return new Set(names);
  }

  private acquire(): void {
    const me = this.ctx.id;
    this.dcsCall({ compare: { key: 'leader', value: undefined }, puts: [{ key: 'leader', value: me, ttlUs: this.config.ttlUs }] }, (r) => {
      if (!r) return this.onDcsError();
      if (!r.ok) {
        const holder = r.keys.leader?.value as string | undefined;
        if (holder !== undefined && holder !== me) {
          this.demote(`${holder} won the leader race`);
          this.pg.follow(holder);
        }
        return this.finish(r.keys);
      }
      this.ctx.note('patroni: acquired the leader key');
      this.ctx.probe(ELECTION_WON);
      this.promote(r.keys, () => this.finish(r.keys));
    });
  }

  private onDcsError(): void {
    if (this.running !== 'primary' && !this.promoting) return this.finish(undefined);
    if (!this.config.failsafeMode) {
      this.demote('DCS is not accessible');
      return this.finish(undefined);
    }
    // DCS failsafe mode: keep running as primary if every member in /failsafe acknowledges it
    const members = ((this.lastKeys?.failsafe?.value as string[] | undefined) ?? []).filter((m) => m !== this.ctx.id);
    this.rest.query(members, 'patroni-failsafe', (_answers, allOk) => {
      if (allOk && this.running === 'primary') {
        this.ctx.note('patroni: DCS unreachable, every member reached: continuing as primary (failsafe_mode)');
        this.pingWatchdog();
      } else {
        this.demote('DCS is not accessible and not every member acknowledged failsafe');
      }
      this.finish(undefined);
    });
  }

  private finish(keys: DcsKeys | undefined): void {
    this.busy = false;
    this.ctx.cancelTimer(this.loopTimer);
    // A replica watches the cluster's keys (Patroni's etcd3 KVCache) and wakes as soon as the
    // leader key changes or expires, or the leader publishes a new optime (etcd3.py
    // _process_event: "We also want to wake up HA loop on replicas if leader optime was
    // updated"): with writes going on, its HA loop runs just after the leader's, every loop.
    // Its own timer waits 0.5 s longer than loop_wait (Etcd3.watch: "give a bit more time to
    // non-leader nodes to synchronize HA loops"), so the leader's update comes first. So a
    // killed sync standby is found gone by the primary's loop before its own Patroni starts it
    // again (calibration, sync-standby-kill: the standby's "starting as a secondary" 50 ms after
    // the primary's "Updating synchronous privilege temporarily", in 11 of 11 trials).
    // Patroni.schedule_next_run: the next cycle is due loop_wait after this one began (at once
    // if this one took longer), not loop_wait after it ended
    const watching = keys !== undefined && this.running !== 'primary' && !this.promoting;
    const napUs = Math.max(0, this.cycleStartUs + this.config.loopWaitUs - this.ctx.monotonic());
    this.loopTimer = this.ctx.setTimer(napUs + (watching && keys.leader !== undefined ? REPLICA_WATCH_SLACK_US : 0), 'patroni-loop');
    if (watching) this.dcs.watch({ leader: keys.leader?.value, optime: keys.optime?.value }, () => this.cycle());
  }

  /** A DCS transaction; every answer refreshes the cluster view. */
  private dcsCall(txn: DcsTxn, done: (result: DcsResult | undefined) => void): void {
    this.dcs.request(txn, (r) => {
      if (r) this.lastKeys = r.keys;
      done(r);
    });
  }

  /**
   * sync_replication_slots on the leader: a slot for every other member in the DCS; one whose
   * key expired keeps its slot for member_slots_ttl (Patroni 4.0+; 3.x drops it at once).
   */
  private syncSlots(keys: DcsKeys): void {
    const now = this.ctx.monotonic();
    const ttl = this.config.memberSlotsTtlUs ?? 0;
    const slots: string[] = [];
    for (const m of this.config.members) {
      if (m === this.ctx.id) continue;
      if (keys[memberKey(m)] !== undefined) this.memberGoneSinceUs.delete(m);
      else if (!this.memberGoneSinceUs.has(m)) this.memberGoneSinceUs.set(m, now);
      const goneSince = this.memberGoneSinceUs.get(m);
      if (goneSince === undefined || now - goneSince < ttl) slots.push(m);
    }
    this.pg.setSlots(slots);
  }

  private liveMembers(keys: DcsKeys): string[] {
    return this.config.members.filter((m) => keys[memberKey(m)] !== undefined);
  }

  // --- promotion and demotion --------------------------------------------------------------

  /** Promotes PostgreSQL under the leader key in `keys`; `then` once the promotion is under way. */
  private promote(keys: DcsKeys, then: () => void): void {
    if (this.stopping) return then();
    if (this.running === 'primary') {
      // "acquired session lock as a leader": already primary, same timeline
      this.pingWatchdog();
      return then();
    }
    const epoch = keys.leader!.createRev;
    const start = () => {
      this.ctx.probe(PROMOTE_BEGIN);
      this.promoting = true;
      if (this.config.watchdog) this.ctx.armWatchdog(this.watchdogTimeout());
      this.pg.follow(undefined);
      this.ctx.setTimer(PROMOTION_US, 'patroni-promoted', epoch);
      then();
    };
    if (this.config.synchronousMode === 'off') return start();
    // stolon's sentinel keeps its sync standby across a restart of the same master
    const sync = syncKey(keys);
    if ((this.config.syncFailover ?? 'patroni') !== 'patroni' && sync?.leader === this.ctx.id) return start();
    // first make myself the only member allowed to fail over, then promote
    this.sync.write(keys, [], 0, start);
  }

  private promoted(epoch: number): void {
    if (!this.promoting) return;
    this.promoting = false;
    this.running = 'primary';
    this.epoch = epoch;
    this.pg.startPrimary();
    this.pg.setSyncStandbyNames(this.config.synchronousMode === 'strict' ? '*' : ASYNC);
    this.orders.becomePrimary(epoch);
    this.ctx.note(`patroni: promoted, timeline ${epoch}`);
  }

  /**
   * SIGTERM (`systemctl stop patroni`): Patroni's Ha.shutdown (patroni/ha.py). No more HA loops;
   * PostgreSQL stops (a fast shutdown: the primary demotes, its walsenders send the shutdown
   * checkpoint); the leader then sleeps 1 s "to give replicas some more time to catch up" and
   * deletes the leader key, so a replica watching it races at once instead of after the key's
   * TTL (the watchdog is disabled on the way). A replica just stops. When only Patroni's
   * process is stopped, its PostgreSQL is demoted rather than stopped (the world cannot stop a
   * second process from here); SIGTERM to PostgreSQL alone is a fast shutdown: it exits at
   * once, and Patroni finds it down at its next loop and starts it again.
   */
  onStop(process: string | undefined, exit: () => void): void {
    if (process === POSTGRES) return exit();
    if (this.stopping) return;
    this.stopping = true;
    this.ctx.cancelTimer(this.loopTimer);
    this.loopTimer = undefined;
    this.dcs.cancelWatch();
    const leader = this.lastKeys?.leader?.value === this.ctx.id;
    this.demote('Patroni is shutting down: PostgreSQL stopped');
    this.ctx.armWatchdog(undefined);
    if (!leader) return exit();
    this.ctx.setTimer(SHUTDOWN_CATCH_UP_US, 'patroni-shutdown', exit);
  }

  /** The stopping leader's last act: delete the leader key (compare-and-delete on its name), then exit. */
  private releaseLeaderKey(exit: () => void): void {
    this.dcsCall({ compare: { key: 'leader', value: this.ctx.id }, deletes: ['leader'] }, (r) => {
      if (r) this.ctx.note('patroni: leader key deleted on shutdown');
      exit();
    });
  }

  private demote(reason: string): void {
    if (this.running !== 'primary' && !this.promoting) return;
    this.ctx.probe(DEMOTE_BEGIN);
    this.promoting = false;
    this.running = 'replica';
    this.ctx.armWatchdog(undefined);
    this.pg.stopPrimary();
    this.orders.becomeStandby(this.epoch);
    this.ctx.note(`patroni: demoted, ${reason}`);
  }

  private watchdogTimeout(): Micros {
    return this.config.ttlUs - this.config.watchdogSafetyMarginUs;
  }

  private pingWatchdog(): void {
    if (this.config.watchdog && (this.running === 'primary' || this.promoting)) this.ctx.armWatchdog(this.watchdogTimeout());
  }
}
