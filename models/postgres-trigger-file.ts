/**
 * postgres-trigger-file: PostgreSQL streaming replication with a standby promoted by a trigger
 * file that a monitoring script touches: the HA document's §3 "PostgreSQL Streaming
 * Replication" (`recovery.conf` with `standby_mode = 'on'`, `trigger_file =
 * '/tmp/postgresql.trigger.5432'`; "Failover: Create trigger file -> Secondary becomes primary").
 *
 * Stands for: PostgreSQL 9.6-12 (`trigger_file` in recovery.conf up to 11, `promote_trigger_file`
 * in 12-15) on hosts `a` (primary) and `b` (standby), and a monitor host `monitor` running the
 * usual shell loop `pg_isready -h a -t 3 || failures++; [ failures -ge 3 ] && ssh b touch
 * $TRIGGER; sleep 5`. Clients connect with a libpq multi-host string (`host=a,b
 * target_session_attrs=read-write`): they stay on the server that works, and move to the next
 * host on a timeout or when a read-only standby refuses a write.
 *
 * Mechanisms modelled:
 * - Asynchronous streaming replication (`wal_level = replica`, no `synchronous_standby_names`,
 *   so `synchronous_commit` waits for the local WAL flush only): the walsender ships each
 *   commit once it is flushed locally, after the client has been acked, and the standby applies
 *   it in order (src/parts/async-replication.ts, standby-replica.ts; a standby that missed
 *   WAL, e.g. across a partition, catches up from the primary as it would from retained WAL).
 *   A primary crash loses every acked commit the standby had not received.
 * - The monitor (src/parts/health-probe.ts, check-then-sleep) probes the primary every
 *   `checkInterval`; a check not answered within `checkTimeout` fails; after `failedChecks`
 *   failures in a row it touches the trigger file on the standby, and touches it again after
 *   every further failure while the primary stays down (the file is on the standby's disk:
 *   it survives a standby restart; the touch needs `b`'s sshd, not PostgreSQL).
 * - The standby's startup process looks for the trigger file each time it waits for WAL, every
 *   `walRetrieveRetryInterval` once the primary is gone (and at least as often while
 *   streaming): promotion happens up to that long after the touch, primary alive or not. Promotion removes the trigger file, renames recovery.conf
 *   (the standby is primary at every later start) and starts a new timeline (the epoch).
 * - No fencing: the old primary is never told. A restarted `a` has no recovery.conf (no
 *   standby.signal), so PostgreSQL starts it as a primary on its old timeline: two primaries,
 *   and any client that reconnects through the host list lands on `a` first. A primary cut
 *   off from the monitor but not from its clients is failed over while it keeps serving.
 * - The health check answers on its own thread (the postmaster accepting connections, as
 *   `pg_isready` tests): a stuck backend behind a live postmaster is not failed over.
 *
 * - Repeated failovers (`autoRejoin`): a monitor that also re-attaches the old primary as a
 *   standby when it is back (pg_rewind, recovery.conf, restart) and then watches the new
 *   primary, so the next failure fails over again, back to the first host. Under a load that
 *   makes whichever node is primary miss its checks this flaps: GitHub, "Downtime last
 *   Saturday" (2012-09): the automated failover moved the MySQL primary on load-induced health
 *   check failures, the new primary with a cold cache failed its checks too, and it moved back.
 *   The cure GitHub and most operators adopted is hysteresis: `minFailoverInterval` refuses an
 *   automatic failover that soon after the previous one, `maxAutoFailovers 1` makes one
 *   automatic attempt and then leaves it to a human (test/models/postgres-trigger-file-knobs).
 *
 * Left out: `pg_ctl promote` (immediate, by signal), the end-of-recovery checkpoint of a slow
 * promotion, replication slots and WAL retention limits (`wal_keep_segments`: a standby too far
 * behind would need a base backup), hot-standby read queries, pg_rewind and re-attaching the
 * old primary as a standby (manual), `recovery_target_timeline`.
 *
 * Defaults and sources:
 * - checkInterval 5 s, failedChecks 3: the monitor script's loop (the task's monitor: check
 *   every 5 s, promote after 3 failed checks; the HA document gives no figures).
 * - checkTimeout 3 s: pg_isready(1) `-t`/`--timeout` default 3 seconds.
 * - walRetrieveRetryInterval 5 s: postgresql.conf `wal_retrieve_retry_interval` default 5s
 *   (PostgreSQL 9.5+ docs, "Standby Servers"): how often the startup process retries WAL and
 *   checks for the trigger file once streaming has failed.
 * - autoRejoin false, minFailoverInterval 0, maxAutoFailovers 0 (unlimited): the HA
 *   document's script fails over once and re-attaches nothing.
 * - restartSec 5 s: the service runs under systemd with `Restart=on-failure`, `RestartSec=5s`.
 */
import { defineDesign, type Resolved } from '../src/world/design.ts';
import { oneOf } from '../src/world/estimate-declaration.ts';
import type { Actor, Msg, NodeContext } from '../src/world/actor.ts';
import { AsyncPairNode } from '../src/parts/async-pair.ts';
import { HealthProbe } from '../src/parts/health-probe.ts';

const params = {
  checkInterval: { kind: 'duration', default: '5s', doc: "the monitor's sleep between two checks of the primary", source: 'monitor script loop (the HA document gives none)' },
  checkTimeout: { kind: 'duration', positive: true, default: '3s', doc: 'a check not answered by then has failed', source: 'pg_isready(1) --timeout, default 3 s' },
  failedChecks: { kind: 'integer', default: 3, min: 1, doc: 'failed checks in a row before the monitor touches the trigger file', source: 'monitor script (the HA document gives none)' },
  walRetrieveRetryInterval: { kind: 'duration', positive: true, default: '5s', doc: 'how often the standby retries WAL and looks for the trigger file once the primary is gone', source: 'postgresql.conf wal_retrieve_retry_interval, default 5s' },
  autoRejoin: { kind: 'boolean', default: false, doc: 'the monitor re-attaches the old primary as a standby once it is back and then watches the new primary (repeated failovers, failback)', source: "the HA document's script does not (one failover)" },
  minFailoverInterval: { kind: 'duration', default: '0s', doc: 'hysteresis: no automatic failover sooner than this after the previous one (0: none)', source: 'GitHub 2012-09 post-incident report: flapping automated failover' },
  maxAutoFailovers: { kind: 'integer', default: 0, min: 0, doc: 'automatic failovers allowed before paging a human (0: unlimited)', source: 'GitHub 2012-09 post-incident report: automatic failover then disabled' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=on-failure, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const PRIMARY = 'a';
const STANDBY = 'b';
const MONITOR = 'monitor';
const TRIGGER_FILE = 'trigger_file';
/** Where recovery.conf lives (present: start as a standby). */
const RECOVERY_CONF = 'recovery.conf';

/** The monitoring script on its own host. */
class TriggerFileMonitor implements Actor {
  private readonly probe: HealthProbe;
  private readonly failedChecks: number;
  /** The node watched, and the standby its trigger file promotes. */
  private primary = PRIMARY;
  private standby = STANDBY;
  private failovers = 0;
  private lastFailoverUs = -Infinity;
  /** The old primary still to be re-attached as a standby (autoRejoin). */
  private rejoinPending: string | undefined;
  private paged = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.failedChecks = p.failedChecks;
    this.probe = new HealthProbe(ctx, {
      target: PRIMARY,
      intervalUs: p.checkInterval,
      timeoutUs: p.checkTimeout,
      loop: 'sleep-after',
      failureThreshold: p.failedChecks,
      successThreshold: 1,
      firstCheckDelayUs: Math.floor(ctx.rng.float() * p.checkInterval),
      onCheck: (ok, failures) => {
        if (ok && this.rejoinPending) this.ctx.send(this.rejoinPending, { type: 'rejoin-as-standby', primary: this.primary });
        if (!ok && failures >= p.failedChecks && this.mayFailOver()) this.touchTrigger(failures);
      },
      onDown: () => undefined,
    });
  }

  onStart(): void {
    this.probe.start();
  }

  onMessage(from: string, msg: Msg): void {
    if (msg.type === 'promoted') return this.onPromoted(from);
    if (msg.type === 'rejoined' && from === this.rejoinPending) this.rejoinPending = undefined;
    this.probe.handle(from, msg);
  }

  /** Hysteresis: whether another automatic failover is allowed now (else a human is paged). */
  private mayFailOver(): boolean {
    const { maxAutoFailovers, minFailoverInterval } = this.p;
    const tooMany = maxAutoFailovers > 0 && this.failovers >= maxAutoFailovers;
    const tooSoon = this.ctx.monotonic() - this.lastFailoverUs < minFailoverInterval;
    if (!tooMany && !tooSoon) return true;
    if (!this.paged) this.ctx.note(`automatic failover suppressed (${tooMany ? `${this.failovers} done` : 'too soon after the last'}): paging a human`);
    this.paged = true;
    return false;
  }

  /** The standby promoted itself: with autoRejoin, watch it and re-attach the old primary. */
  private onPromoted(node: string): void {
    if (node !== this.standby) return;
    this.failovers++;
    this.lastFailoverUs = this.ctx.monotonic();
    this.paged = false;
    if (!this.p.autoRejoin) return;
    [this.primary, this.standby] = [this.standby, this.primary];
    this.rejoinPending = this.standby;
    this.probe.retarget(this.primary);
    this.ctx.send(this.standby, { type: 'rejoin-as-standby', primary: this.primary });
  }

  onTimer(kind: string, data: unknown): void {
    this.probe.onTimer(kind, data);
  }

  /** `ssh b touch /tmp/postgresql.trigger.5432` */
  private touchTrigger(failures: number): void {
    if (this.rejoinPending) return; // no standby to promote yet
    if (failures === this.failedChecks) this.ctx.note(`${this.primary} failed ${failures} checks in a row: touching the trigger file on ${this.standby}`);
    this.ctx.send(this.standby, { type: 'touch-trigger' });
  }
}

/** A PostgreSQL server: a primary, or a standby in recovery until promoted. */
class PostgresServer implements Actor {
  /** The order path, the WAL receiver and, once primary, the WAL sender; its epoch is the timeline. */
  private readonly pair: AsyncPairNode;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    const peer = ctx.id === PRIMARY ? STANDBY : PRIMARY;
    this.pair = new AsyncPairNode(ctx, peer, (ctx.disk.get('timeline') as number | undefined) ?? 1);
  }

  onStart(): void {
    const inRecovery = this.ctx.disk.get(RECOVERY_CONF) ?? (this.ctx.id === STANDBY);
    if (inRecovery) this.startStandby();
    else this.startPrimary();
  }

  threadOf(kind: string): string {
    if (kind === 'health-check') return 'health'; // the postmaster answers pg_isready
    if (kind === 'touch-trigger' || kind === 'rejoin-as-standby') return 'sshd';
    return 'main';
  }

  onMessage(from: string, msg: Msg): void {
    if (this.pair.handle(from, msg)) return; // a standby refuses writes (read-only transaction)
    if (msg.type === 'touch-trigger') this.ctx.disk.put(TRIGGER_FILE, true);
    if (msg.type === 'rejoin-as-standby') this.rejoin(from);
  }

  /** The monitor's failback step: pg_rewind against the new primary, recovery.conf, restart. */
  private rejoin(monitor: string): void {
    if (this.pair.primary) {
      this.ctx.note('pg_rewind and recovery.conf: rejoining as a standby');
      this.ctx.disk.put(RECOVERY_CONF, true);
      this.ctx.disk.put(TRIGGER_FILE, false);
      this.startStandby();
    }
    this.ctx.send(monitor, { type: 'rejoined' });
  }

  onTimer(kind: string, data: unknown): void {
    if (kind === 'check-trigger') return this.checkTrigger();
    this.pair.onTimer(kind, data);
  }

  private startStandby(): void {
    this.pair.becomeStandby();
    // the startup process's WAL retry loop, with a phase of its own
    this.ctx.setTimer(Math.floor(this.ctx.rng.float() * this.p.walRetrieveRetryInterval), 'check-trigger');
  }

  private startPrimary(): void {
    this.pair.becomePrimary();
  }

  /**
   * The startup process looks for the trigger file whenever it waits for WAL: at least every
   * 5 s while streaming (its hard-coded wait for streamed WAL) and every
   * `wal_retrieve_retry_interval` once streaming has failed, so a live primary does not stop
   * a promotion.
   */
  private checkTrigger(): void {
    if (this.pair.primary) return;
    if (this.ctx.disk.get(TRIGGER_FILE) === true) return this.promote();
    this.ctx.setTimer(this.p.walRetrieveRetryInterval, 'check-trigger');
  }

  private promote(): void {
    const timeline = ++this.pair.epoch;
    const disk = this.ctx.disk;
    disk.put(TRIGGER_FILE, false); // removed on promotion
    disk.put(RECOVERY_CONF, false); // renamed to recovery.done
    disk.put('timeline', timeline);
    this.ctx.note(`trigger file found: promoted to timeline ${timeline}`);
    this.startPrimary();
    this.ctx.send(MONITOR, { type: 'promoted' });
  }
}

export default defineDesign({
  name: 'postgres-trigger-file',
  description: 'PostgreSQL async streaming replication, standby promoted by a trigger file a monitor touches; no fencing',
  params,
  topology: (p) => {
    return {
      nodes: [
        { id: PRIMARY, rack: 'r1', supervisedRestart: p.restartSec },
        { id: STANDBY, rack: 'r2', supervisedRestart: p.restartSec },
        { id: MONITOR, rack: 'r3', serving: false },
      ],
      routing: { kind: 'direct', targets: [PRIMARY, STANDBY] },
    };
  },
  createNode: (ctx, p) => (ctx.id === MONITOR ? new TriggerFileMonitor(ctx, p) : new PostgresServer(ctx, p)),
  // the trigger-file monitor only triggers failover: not structural
  estimate: (_p, t) => ({
    ...oneOf(t.nodes[0].id, t.nodes[1].id),
    staysDown:
      'one monitor host runs the failover script: while it is down nothing touches the trigger file, so a primary that fails meanwhile stays down until the monitor is back (it then promotes the standby) or the primary is repaired. That is the HA document\'s script; making the monitor redundant needs coordination between monitors, which this design does not have.',
  }),
});
