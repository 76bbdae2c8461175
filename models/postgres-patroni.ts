/**
 * postgres-patroni: PostgreSQL 16 streaming replication managed by Patroni 3.x, with an
 * etcd-like DCS and HAProxy in front.
 *
 *   clients -> HAProxy (GET /primary on each node's Patroni REST API) -> the primary
 *   pg1, pg2, pg3: PostgreSQL + Patroni          dcs1, dcs2, dcs3: etcd (majority quorum)
 *
 * Modelled (src/parts/patroni-node.ts, postgres-replication.ts, dcs-member.ts, dcs-client.ts):
 * - the DCS leader key with TTL `ttl`, renewed by compare-and-set every `loopWait`; replicas
 *   watch it and race as soon as it expires; the DCS is itself a replicated service (3 members,
 *   majority quorum, leader election, TTLs on the DCS leader's clock) that can be partitioned
 *   or crash; DCS calls retry across members for `retryTimeout`;
 * - the leader race: maximum_lag_on_failover against the optime the leader last published,
 *   REST checks of the other members (a live primary or a member with more WAL wins), and in
 *   synchronous mode only the `/sync` standby may race;
 * - PostgreSQL and Patroni as two processes of each host (`process-crash` `component:
 *   postgres` / `patroni`): a killed PostgreSQL's peers see a connection reset at once (its
 *   walsender or walreceiver ends), Patroni starts it again at its next loop; on the leader it
 *   keeps the key while PostgreSQL does not come up for up to primary_start_timeout (0: it
 *   releases the key at once if a failover is possible: ha.py `recover`); a killed Patroni
 *   leaves PostgreSQL running as it was;
 * - a primary whose data disk fails: PostgreSQL stops (PANIC), Patroni keeps the key for up to
 *   primary_start_timeout and releases it at once when the disk comes back empty;
 * - a DCS member whose disk fails: etcd exits at its next write and is out until the disk is
 *   replaced and the member re-added with a majority of the other members (src/parts/dcs-member.ts;
 *   etcd's server/etcdserver/raft.go, bootstrap.go, Runtime reconfiguration docs): with another
 *   member down, the DCS stays without quorum (and the cluster without a primary) until that
 *   member returns (`staysDown`);
 * - a replica whose data disk fails: PostgreSQL PANICs at its next WAL write (PostgreSQL
 *   src/backend/replication/walreceiver.c XLogWalRcvWrite, "could not write to WAL segment",
 *   ereport PANIC) or at Patroni's next loop, so the primary's walsender ends at once; Patroni
 *   cannot start it on the dead disk, and starts it as a secondary once an empty disk is in,
 *   streaming the leader's WAL from the start, or, once the leader removed WAL, cloning it first
 *   (Patroni's replica imaging with pg_basebackup, docs/replica_bootstrap.rst); a full disk makes the same PANIC (ENOSPC) at
 *   every start until space is freed (Patroni starts it again at each loop);
 * - demotion when the key cannot be renewed (DCS unreachable for `retryTimeout`, or the key is
 *   gone or someone else's); failsafe_mode (keep running if every member answers
 *   POST /failsafe); the watchdog (node reset `ttl - safetyMargin` after the last keepalive,
 *   even while the process is paused);
 * - streaming replication of flushed WAL, `synchronous_commit` levels (off with the WAL writer's
 *   `wal_writer_delay`, local, remote_write, on, remote_apply), `synchronousMode` off / on /
 *   strict with `synchronousNodeCount` standbys (FIRST n) and the `/sync` key, or quorum
 *   (ANY n, Patroni 3.2+: voters and a quorum in `/sync`, the race won by quorum vote on the
 *   highest LSN: src/parts/patroni-sync.ts), wal_sender_timeout, and pg_rewind of a former
 *   primary (or a too-far-ahead replica) when it rejoins under a new leader;
 * - HAProxy health checks: only the node running as primary answers `GET /primary` with 200;
 * - WAL recycling (postgres-replication.ts): every checkpoint_timeout (5 min) a checkpoint
 *   removes WAL before the previous redo point, wal_keep_size (128 MB, Patroni's default) and
 *   the oldest slot; the leader keeps a physical slot per member in the DCS (use_slots, default
 *   on; max_slot_wal_keep_size -1), dropped once the member's key expires (down > ttl). A
 *   replica down longer than ttl whose WAL then goes (at 200 B an order, 128 MB is 56 min at
 *   200 orders/s and 67 s at 10,000/s, plus up to one checkpoint_timeout) is refused with
 *   "requested WAL segment has already been removed" for ever: Patroni 3.x does not reinit it
 *   (patronictl reinit or a WAL archive does; Patroni issue #1967). Patroni 4.0+ keeps a gone
 *   member's slot for member_slots_ttl (30 min): `memberSlotsTtl` (0 here, 3.x's behaviour).
 *   Memory keeps the WAL not yet removed plus a folded prefix.
 *
 * Left out: Patroni's REST-driven switchover and pause mode, base-backup time, tags
 * (nofailover, nosync), check_timeline, quorum mode with synchronous_mode_strict,
 * maximum_lag_on_syncnode, cascading replication, PostgreSQL's start and crash-recovery times
 * (promotion or a restart as primary takes an estimated 500 ms, demotion is instant), and etcd
 * lease keep-alives (renewal rewrites the key through consensus, as etcd v2 did). Quorum mode
 * changes /sync through a strict intermediate step
 * (every voter must answer) where Patroni's QuorumStateResolver needs none, and a new leader
 * starts with no voters (as synchronous_mode on does) where Patroni keeps the old ones with the
 * old leader in place of itself: for a loop or two after a failover, no second failover.
 * is_failover_possible (primary_start_timeout 0) is simplified to "another member that may
 * race is alive in the DCS".
 * The first member (pg1) initialises the cluster, as when an operator starts it first.
 * Positions are counted in orders and converted with `walBytesPerOrder`.
 *
 * Known results it reproduces (see test/models/postgres-patroni*.test.ts):
 * - FIRST n waits for the slowest of its n standbys, ANY n for the n-th fastest; with two sync
 *   standbys either may take over, with one only it may (postgres-patroni-sync.test.ts);
 * - quorum mode: the freshest standby of the quorum wins the race and no acked commit is lost;
 *   a candidate that does not compare LSNs (`raceComparesWal=false`, planted) loses them;
 * - synchronous_commit off: a host crash loses up to about one wal_writer_delay of acked
 *   commits, a crash of PostgreSQL alone none (PostgreSQL docs, "Asynchronous Commit");
 * - PostgreSQL killed under a live Patroni: restarted at the next loop, or a failover after
 *   primary_start_timeout (0: at once); a killed sync standby blocks commits until the
 *   primary's next loop, loop_wait/2 on average (Patroni docs, Replication modes); with
 *   remote_write, killing the standby's PostgreSQL as the primary's host dies loses nothing
 *   (postgres-patroni-processes.test.ts);
 * - after a primary crash a replica takes over between ttl - loop_wait and ttl (+ one loop) later;
 * - with synchronousMode off a failover can lose acknowledged commits, up to
 *   maximum_lag_on_failover (Patroni docs, "Replication modes: asynchronous mode durability");
 *   with on / strict and synchronous_commit on it loses none;
 * - a primary cut off from the DCS demotes within loop_wait + retry_timeout < ttl, before any
 *   replica can take the key (no split brain);
 * - a primary paused for longer than ttl without a watchdog resumes as primary until its next
 *   loop and acks writes alongside the new primary; with the watchdog it is reset first
 *   (Patroni docs, "Watchdog support");
 * - the "invisible commit" (scenarios/patroni-invisible-commit.yaml): even with
 *   synchronous_mode_strict, a client that cancels a commit waiting for the sync standby makes
 *   it visible on the primary without any standby having it; a failover then loses it, while no
 *   acked commit is lost (Patroni docs, "Replication modes", the note added by patroni/patroni
 *   PR #1414 after issue #1412; PostgreSQL's syncrep.c "canceling wait for synchronous
 *   replication"). Clients cancel with the workload's `cancelOnTimeout`; they read with
 *   `readsPerSecond` (PostgreSQL answers reads on the primary and hot standbys);
 * - Stolon's sync-standby-restart loss (`syncFailover`, scenarios/stolon-sync-standby-restart.yaml):
 *   the sync standby goes down, commits block, the primary restarts and its waiting commits
 *   become visible (PostgreSQL docs, "Synchronous replication": "If primary restarts while
 *   commits are waiting for acknowledgment, those waiting transactions will be marked fully
 *   committed once the primary database recovers"), the primary dies, the standby returns and
 *   is elected because synchronous_standby_names names it: the visible commits are lost
 *   (`stolon-names`, Stolon before sorintlab/stolon PR #514); a manager that also checks the
 *   standby's LSN against the old primary's does not elect it (`stolon-lsn`, after #514).
 *
 * Sources of the defaults:
 * - ttl 30 s, loop_wait 10 s, retry_timeout 10 s, maximum_lag_on_failover 1048576 B,
 *   synchronous_mode false, synchronous_mode_strict false, synchronous_node_count 1,
 *   primary_start_timeout 300 s, failsafe_mode false: Patroni 3.x docs, "Dynamic configuration settings";
 * - watchdog: Patroni docs, "Watchdog support" (mode automatic is the default but does nothing
 *   without a watchdog device, hence `watchdog` false); safety_margin 5 s;
 * - synchronous_commit on, wal_sender_timeout 60 s, wal_receiver_status_interval 10 s,
 *   wal_retrieve_retry_interval 5 s, wal_writer_delay 200 ms: PostgreSQL 16 docs, "Server
 *   configuration: replication", "Write Ahead Log" and "synchronous_commit";
 * - the quorum and race rules: patroni/ha.py `_is_healthiest_node`, `is_failover_possible`,
 *   `_process_quorum_replication`, `recover`; patroni/quorum.py (Patroni 4.1.4);
 * - HAProxy inter 3 s, fall 3, rise 2: the haproxy.cfg shipped with Patroni
 *   (`default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions`, check of
 *   `/primary` on port 8008); the check timeout is `inter` (HAProxy's default without
 *   `timeout check`);
 * - etcd heartbeat-interval 100 ms, election-timeout 1000 ms: etcd docs, "Tuning";
 * - walBytesPerOrder 200 B: an estimate of the WAL one small INSERT with an index writes.
 */
import { MS, SECOND } from '../src/sim/time.ts';
import { defineDesign } from '../src/world/design.ts';
import { majorityOf } from '../src/world/estimate-declaration.ts';
import { DcsMember } from '../src/parts/dcs-member.ts';
import { PATRONI as PATRONI_PROCESS, POSTGRES, PatroniNode } from '../src/parts/patroni-node.ts';
import type { SyncFailover, SynchronousMode } from '../src/parts/patroni-config.ts';
import { SYNCHRONOUS_COMMIT_LEVELS, type SynchronousCommit } from '../src/parts/postgres-settings.ts';
import { InputError } from '../src/sim/input-error.ts';

const DCS_NODES = ['dcs1', 'dcs2', 'dcs3'];
const PG_PROCESSES = [
  // Patroni starts PostgreSQL (pg_ctl), not systemd: after a crash, in its next HA loop
  { name: POSTGRES, threads: ['main'], startedByDesign: true },
  { name: PATRONI_PROCESS, threads: ['patroni'] },
];
const pgIds = (count: number) => Array.from({ length: count }, (_, i) => `pg${i + 1}`);
const PATRONI = 'Patroni 3.x docs, Dynamic configuration settings';
const STAYS_DOWN =
  "an etcd member whose disk failed is out of the DCS until it is re-added: etcd exits on the failed write (server/etcdserver/raft.go: Fatal on a failed Save), and with its data directory lost it will not rejoin on its own (bootstrap.go: \"member has already been bootstrapped\"); the runbook (etcd docs, Runtime reconfiguration: replace a failed machine: member remove, member add) needs a majority of the other members, so with another member down the DCS has no quorum, and Patroni demotes the primary (failsafe_mode off), until that member returns, although the replaced disk counts as up in the structure. A real operator could shorten it by restoring the DCS from a snapshot (etcd disaster recovery), which hasim does not model.";

export default defineDesign({
  name: 'postgres-patroni',
  description: 'PostgreSQL streaming replication managed by Patroni (etcd DCS, HAProxy on GET /primary)',
  // PostgreSQL answers reads on the primary and, with readFromReplicas, on hot standbys (patroni-node.ts)
  servesReads: true,
  params: {
    ttl: { kind: 'duration', default: '30s', doc: 'TTL of the leader key: how long before a failover starts (Patroni raises values below 20s to 20s)', source: `${PATRONI}: ttl` },
    loopWait: { kind: 'duration', default: '10s', doc: 'sleep between two runs of the HA loop (at least 1s)', source: `${PATRONI}: loop_wait` },
    retryTimeout: { kind: 'duration', default: '10s', doc: 'how long DCS operations are retried before the leader demotes (at least 3s)', source: `${PATRONI}: retry_timeout` },
    maximumLagOnFailover: { kind: 'integer', default: 1_048_576, min: 0, unit: 'B', doc: 'most WAL bytes a replica may lag the last leader optime and still race', source: `${PATRONI}: maximum_lag_on_failover` },
    pgNodes: { kind: 'integer', default: 3, min: 2, max: 9, doc: 'PostgreSQL nodes (pg1 initialises the cluster, the others are its replicas)', source: 'Patroni docs: a typical cluster has three members' },
    synchronousMode: { kind: 'enum', default: 'off', values: ['off', 'on', 'strict', 'quorum'], doc: 'off: async; on: synchronousNodeCount sync standbys (FIRST n), turned off when none is available; strict: writes block without one; quorum: ANY n of all standbys, failover by quorum vote on the highest LSN', source: `${PATRONI}: synchronous_mode (on, quorum: Patroni 3.2+), synchronous_mode_strict` },
    synchronousNodeCount: { kind: 'integer', default: 1, min: 1, max: 8, doc: 'synchronous standbys a commit waits for (at most pgNodes - 1; fewer when fewer stream)', source: `${PATRONI}: synchronous_node_count` },
    synchronousCommit: { kind: 'enum', default: 'on', values: SYNCHRONOUS_COMMIT_LEVELS, doc: 'how far a commit must get before it returns: off (written, not flushed: the WAL writer flushes it), local (flushed), remote_write / on (flushed) / remote_apply on the sync standbys', source: 'PostgreSQL 16 docs, synchronous_commit' },
    walWriterDelay: { kind: 'duration', default: '200ms', positive: true, doc: 'with synchronousCommit off, the WAL writer flushes this often (a host crash loses up to about this much of acked commits)', source: 'PostgreSQL 16 docs: wal_writer_delay; "Asynchronous Commit"' },
    raceComparesWal: { kind: 'boolean', default: true, doc: 'a member racing for the leader key compares its WAL with the others (false is a planted flaw, not a Patroni setting: promotion without comparing LSNs)', source: 'patroni/ha.py _is_healthiest_node' },
    watchdog: { kind: 'boolean', default: false, doc: 'a watchdog device is active (softdog loaded, watchdog.mode automatic or required)', source: 'Patroni docs, Watchdog support (mode automatic does nothing without /dev/watchdog)' },
    safetyMargin: { kind: 'duration', default: '5s', doc: 'the watchdog fires this long before the leader key would expire', source: 'Patroni docs, YAML configuration: watchdog.safety_margin' },
    primaryStartTimeout: { kind: 'duration', default: '300s', doc: 'how long the leader keeps its key while its PostgreSQL is down and restarting', source: `${PATRONI}: primary_start_timeout (master_start_timeout before 3.0)` },
    failsafeMode: { kind: 'boolean', default: false, doc: 'keep the primary running while the DCS is down if it reaches every member', source: `${PATRONI}: failsafe_mode; Patroni docs, DCS Failsafe Mode` },
    walSenderTimeout: { kind: 'duration', default: '60s', doc: 'the primary drops a standby silent this long (0s: never)', source: 'PostgreSQL 16 docs: wal_sender_timeout' },
    walReceiverStatusInterval: { kind: 'duration', default: '10s', doc: 'a standby reports its positions at least this often (0s: only as WAL arrives)', source: 'PostgreSQL 16 docs: wal_receiver_status_interval' },
    walRetrieveRetryInterval: { kind: 'duration', default: '5s', doc: 'a standby retries a failed replication connection after this long', source: 'PostgreSQL 16 docs: wal_retrieve_retry_interval' },
    haproxyInter: { kind: 'duration', default: '3s', doc: 'HAProxy health-check interval (and check timeout)', source: "Patroni's sample haproxy.cfg: default-server inter 3s" },
    haproxyFall: { kind: 'integer', default: 3, min: 1, doc: 'failed checks before HAProxy takes a node out', source: "Patroni's sample haproxy.cfg: fall 3" },
    haproxyRise: { kind: 'integer', default: 2, min: 1, doc: 'good checks before HAProxy puts a node back', source: "Patroni's sample haproxy.cfg: rise 2" },
    etcdHeartbeatInterval: { kind: 'duration', default: '100ms', doc: 'DCS leader heartbeat interval', source: 'etcd docs, Tuning: --heartbeat-interval' },
    etcdElectionTimeout: { kind: 'duration', default: '1000ms', doc: 'DCS election timeout', source: 'etcd docs, Tuning: --election-timeout' },
    etcdRestartSec: { kind: 'duration', default: '10s', doc: 'an etcd member that exited (a failed disk write) is started again this long after by its service manager', source: 'etcd contrib/systemd/etcd.service: Restart=always, RestartSec=10s' },
    walBytesPerOrder: { kind: 'integer', default: 200, min: 1, unit: 'B', doc: 'WAL generated by one order (converts positions to bytes)', source: 'estimate: one small INSERT with an index' },
    useSlots: { kind: 'boolean', default: true, doc: 'the leader keeps a physical replication slot for every member in the DCS (dropped when its member key expires): its WAL is retained while the slot exists', source: 'Patroni 3.3 patroni/config.py: use_slots True; patroni/dcs/__init__.py _get_members_slots; PostgreSQL 16: max_slot_wal_keep_size -1 (unlimited)' },
    memberSlotsTtl: { kind: 'duration', default: '0s', doc: "how long the leader keeps a member's slot after its member key expired (0s: drop it at once, Patroni 3.x; Patroni 4.0+ defaults to 30min)", source: 'Patroni 4.x docs, Dynamic configuration settings: member_slots_ttl (default 30min; 0 keeps the old behaviour)' },
    walKeepSize: { kind: 'integer', default: 134_217_728, min: 0, unit: 'B', doc: 'WAL kept beyond what checkpoints and slots need (wal_keep_size)', source: "Patroni 3.3 patroni/postgresql/config.py CMDLINE_OPTIONS: wal_keep_size '128MB'" },
    checkpointTimeout: { kind: 'duration', default: '300s', positive: true, doc: 'a checkpoint (restartpoint on a standby) every this long removes WAL older than the previous redo point, wal_keep_size and the slots', source: 'PostgreSQL 16 docs: checkpoint_timeout 5min' },
    walSegmentSizeMb: { kind: 'integer', default: 16, oneOf: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], doc: 'WAL segment size in MB: checkpoints remove WAL by whole segments', source: 'PostgreSQL wal_segment_size default 16 MB (initdb --wal-segsize: a power of 2, 1-1024)' },
    readFromReplicas: { kind: 'boolean', default: false, doc: 'clients read from any member (a replica pool: hot standbys answer from what they replayed), not only the primary', source: "Patroni's sample haproxy.cfg: a replica port checked with GET /replica; PostgreSQL docs, Hot Standby" },
    syncFailover: { kind: 'enum', default: 'patroni', values: ['patroni', 'stolon-names', 'stolon-lsn'], doc: 'who may take over in synchronous mode: patroni (/sync cleared when the standby goes, lag check); stolon-names (the down sync standby stays named and is elected by name); stolon-lsn (elected only if its WAL reached the old primary\'s)', source: 'Patroni docs, Replication modes; sorintlab/stolon PR #514 (lost transactions with sync repl)' },
  },
  topology: (p) => {
    const pg = pgIds(p.pgNodes);
    if (p.synchronousNodeCount > p.pgNodes - 1) throw new InputError('--set', 'synchronousNodeCount', `at most pgNodes - 1 (${p.pgNodes - 1})`, String(p.synchronousNodeCount));
    return {
      // PostgreSQL and Patroni are separate processes: `process-crash` with `component: postgres`
      // kills PostgreSQL alone (Patroni restarts it), `component: patroni` Patroni alone
      nodes: [...pg.map((id) => ({ id, processes: PG_PROCESSES })), ...DCS_NODES.map((id) => ({ id, serving: false }))],
      ...(p.readFromReplicas ? { readTargets: pg } : {}),
      routing: {
        kind: 'lb',
        targets: pg,
        healthCheckInterval: Math.max(p.haproxyInter, MS),
        healthCheckTimeout: Math.max(p.haproxyInter, MS),
        unhealthyThreshold: p.haproxyFall,
        healthyThreshold: p.haproxyRise,
      },
    };
  },
  createNode: (ctx, p) => {
    if (DCS_NODES.includes(ctx.id)) {
      const member = new DcsMember(ctx, {
        members: DCS_NODES,
        heartbeatIntervalUs: Math.max(p.etcdHeartbeatInterval, MS),
        electionTimeoutUs: Math.max(p.etcdElectionTimeout, MS),
        restartDelayUs: Math.max(p.etcdRestartSec, MS),
      });
      return {
        onStart: () => member.start(),
        onMessage: (from, msg) => void member.handle(from, msg),
        onTimer: (kind) => void member.onTimer(kind),
      };
    }
    const pg = pgIds(p.pgNodes);
    return new PatroniNode(ctx, {
      members: pg,
      bootstrapMember: pg[0],
      dcsMembers: DCS_NODES,
      // Patroni's own minimums (values below are raised to them)
      ttlUs: Math.max(p.ttl, 20 * SECOND),
      loopWaitUs: Math.max(p.loopWait, SECOND),
      retryTimeoutUs: Math.max(p.retryTimeout, 3 * SECOND),
      maximumLagOnFailoverBytes: p.maximumLagOnFailover,
      walBytesPerOrder: p.walBytesPerOrder,
      synchronousMode: p.synchronousMode as SynchronousMode,
      synchronousNodeCount: p.synchronousNodeCount,
      raceComparesWal: p.raceComparesWal,
      watchdog: p.watchdog,
      watchdogSafetyMarginUs: Math.min(p.safetyMargin, Math.max(p.ttl, 20 * SECOND) - SECOND),
      failsafeMode: p.failsafeMode,
      primaryStartTimeoutUs: p.primaryStartTimeout,
      syncFailover: p.syncFailover as SyncFailover,
      replication: {
        synchronousCommit: p.synchronousCommit as SynchronousCommit,
        walSenderTimeoutUs: p.walSenderTimeout,
        walReceiverStatusIntervalUs: p.walReceiverStatusInterval,
        walRetrieveRetryIntervalUs: Math.max(p.walRetrieveRetryInterval, MS),
        walWriterDelayUs: p.walWriterDelay,
        walRecycling: {
          checkpointTimeoutUs: p.checkpointTimeout,
          walKeepEntries: Math.floor(p.walKeepSize / p.walBytesPerOrder),
          segmentEntries: Math.max(1, Math.floor((p.walSegmentSizeMb * 1_048_576) / p.walBytesPerOrder)),
        },
      },
      useSlots: p.useSlots,
      memberSlotsTtlUs: p.memberSlotsTtl,
    });
  },
  // a PostgreSQL node (two with synchronous_mode_strict: commits block without a sync standby),
  // and the DCS majority that holds the leader key.
  // Silent reaction: the longest Patroni goes without a recorded event while the clients are
  // served is a leader whose Patroni died or hung (a fault event) with PostgreSQL still serving:
  // its key expires at most ttl after its last renewal, and a replica sees that at its next HA
  // loop, loop_wait later, and promotes (Patroni ha.py: the leader race runs once per loop;
  // the key's TTL is set at each update, dcs/etcd3.py). A leader cut off from the DCS demotes
  // within loop_wait + retry_timeout < ttl (ha.py demote on a failed update_lock), so sooner.
  // Slower timers record nothing the clients or the roles see while the service is up (the
  // walsender's timeout drops an asynchronous standby; a checkpoint recycles WAL), or run with
  // the service down (primary_start_timeout).
  estimate: (p, t) => {
    const pg = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    const dcs = t.nodes.filter((n) => n.serving === false).map((n) => n.id);
    const need = p.synchronousMode === 'strict' ? 2 : 1;
    const silentReaction = Math.max(p.ttl, 20 * SECOND) + Math.max(p.loopWait, SECOND);
    return { structure: { all: [{ atLeast: need, of: pg }, majorityOf(dcs)] }, standby: { need, of: pg }, warmup: 40 * SECOND, settle: 60 * SECOND, silentReaction, staysDown: STAYS_DOWN };
  },
});
