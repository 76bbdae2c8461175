/**
 * The calibration experiments as hasim runs them: the same design parameters, workload and fault
 * as the real harness used (calibration/*.ts; the fixture headers record them), the fault at a
 * random time drawn per seed (so it meets the protocols' periodic timers at a random phase), and
 * the same protocol steps read from the run's history (Sentinel's events and the designs' role
 * declarations) in milliseconds from the fault.
 *
 * Each experiment names the fixture it is compared with (`id`). The step names are the
 * fixture's.
 */
import type { History, HistoryEvent } from '../history/history.ts';
import { MS, type Micros } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';
import { firstFailedAfter, firstServedAfter, lastServedBy } from './client-view.ts';
import { PACEMAKER_EXPERIMENTS } from './pacemaker-experiments.ts';

export interface StepDef {
  name: string;
  /** What the step is, in the real system's words. */
  doc: string;
  /** The step's time in the run, or undefined when it did not happen. */
  at: (history: History, fault: FaultFacts) => Micros | undefined;
}

/** What the run knows about the fault it injected. */
export interface FaultFacts {
  at: Micros;
  /** The node the fault hit (resolved from the history). */
  node: string | undefined;
}

export interface Experiment {
  /** The fixture's stem: `<system>--<experiment>`. */
  id: string;
  system: string;
  /** The bundled design it runs. */
  design: string;
  params: Record<string, unknown>;
  workload: Partial<Workload>;
  /**
   * The fault: a kind, a target and further fields, as in a schedule; or `unmodelled` saying
   * why hasim cannot run it yet (the real figures are still recorded and reported).
   */
  fault: FaultSpec | { unmodelled: string };
  /** The fault's time is drawn uniformly in this window after boot (ms). */
  faultWindowMs: [number, number];
  /** How long the run goes on after the fault (ms). */
  afterFaultMs: number;
  /** Seeds the fidelity test runs (default FIDELITY_SEEDS); fewer for long runs. */
  seeds?: number;
  /** Completed real trials the fixture must hold (default 15; fewer where a trial takes minutes). */
  minTrials?: number;
  steps: StepDef[];
  /**
   * Steps in protocol order: the time from each to the next is compared too (`sdown→odown`),
   * so a disagreement can be traced to the one stage it starts in.
   */
  chain?: string[];
  /**
   * Per-trial counts (e.g. election rounds), compared as the share of trials where the count
   * exceeds `above` (a second election round).
   */
  counts?: { name: string; doc: string; above: number; of: (history: History, fault: FaultFacts) => number }[];
}

/** One schedule entry of an experiment, written as in a schedule file. */
export interface FaultSpec {
  kind: string;
  /** The target (absent for kinds that take none, such as `partition`). */
  target?: string;
  /** Further fields as YAML flow text, e.g. `threads: [heartbeat, main]`. */
  fields?: string;
  /**
   * Faults that begin `beforeMs` before this one and last to the end of the run (a replication
   * link held back before the primary's host dies).
   */
  preceding?: { beforeMs: number; kind: string; target?: string; fields?: string }[];
}

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

function firstNote(pattern: RegExp): StepDef['at'] {
  return (history, fault) => history.events.find((e): e is Ev<'note'> => e.type === 'note' && e.time >= fault.at && pattern.test(e.text))?.time;
}

function lastNote(pattern: RegExp): StepDef['at'] {
  return (history, fault) => {
    let last: Micros | undefined;
    for (const e of history.events) if (e.type === 'note' && e.time >= fault.at && pattern.test(e.text)) last = e.time;
    return last;
  };
}

const clientSteps: StepDef[] = [
  { name: 'clientFirstFailed', doc: 'the client sees its first failed request', at: (h, f) => firstFailedAfter(h, f.at) },
  // served by another node after the fault, whether or not a failure came first (after a
  // graceful stop the new MASTER serves before the request stuck on the old one times out)
  { name: 'clientFirstServed', doc: 'the client is first served by the new primary', at: (h, f) => firstServedAfter(h, f.at, f.node) },
];

const SENTINEL_STEPS: StepDef[] = [
  { name: 'sdown', doc: 'first Sentinel: +sdown master', at: firstNote(/^sentinel: \+sdown master/) },
  { name: 'odown', doc: 'first Sentinel: +odown master (quorum agrees)', at: firstNote(/^sentinel: \+odown master/) },
  { name: 'tryFailover', doc: '+try-failover (new epoch, votes asked)', at: firstNote(/\+try-failover/) },
  { name: 'electedLeader', doc: '+elected-leader', at: firstNote(/\+elected-leader/) },
  { name: 'selectedReplica', doc: '+selected-slave', at: firstNote(/\+selected-slave/) },
  { name: 'replicaofNoOne', doc: 'REPLICAOF NO ONE sent (+failover-state-wait-promotion)', at: firstNote(/\+failover-state-wait-promotion/) },
  { name: 'promoted', doc: 'INFO shows the replica master (+promoted-slave)', at: firstNote(/\+promoted-slave/) },
  { name: 'failoverEnd', doc: 'replicas reconfigured (+failover-end)', at: firstNote(/\+failover-end/) },
  { name: 'switchMaster', doc: 'first +switch-master', at: firstNote(/\+switch-master/) },
  { name: 'switchMasterAll', doc: 'every Sentinel has switched (+switch-master)', at: lastNote(/\+switch-master/) },
  ...clientSteps,
];

function firstNoteOn(nodes: readonly string[], pattern: RegExp, afterMs = 0): StepDef['at'] {
  return (history, fault) =>
    history.events.find((e): e is Ev<'note'> => e.type === 'note' && e.time >= fault.at + afterMs * MS && nodes.includes(e.node) && pattern.test(e.text))?.time;
}

/** The Jepsen partition's length (the harness's --partition-s). */
const PARTITION_MS = 16_000;
const MAJORITY_SENTINELS = ['sentinel2', 'sentinel3'];

/**
 * The partition {redis1, sentinel1, client 1} | {the other boxes, client 2}: steps of the
 * majority's failover, of each client, and of the heal (ms from the partition).
 */
const SENTINEL_PARTITION_STEPS: StepDef[] = [
  { name: 'sdown', doc: 'first majority Sentinel: +sdown master', at: firstNoteOn(MAJORITY_SENTINELS, /^sentinel: \+sdown master/) },
  { name: 'odown', doc: 'first majority Sentinel: +odown master', at: firstNoteOn(MAJORITY_SENTINELS, /^sentinel: \+odown master/) },
  { name: 'electedLeader', doc: '+elected-leader', at: firstNoteOn(MAJORITY_SENTINELS, /\+elected-leader/) },
  { name: 'promoted', doc: '+promoted-slave', at: firstNoteOn(MAJORITY_SENTINELS, /\+promoted-slave/) },
  { name: 'switchMaster', doc: 'first majority +switch-master', at: firstNoteOn(MAJORITY_SENTINELS, /\+switch-master/) },
  { name: 'majorityClientFirstFailed', doc: 'client 2 (majority side): first failed request', at: (h, f) => firstFailedAfter(h, f.at, 'client:2') },
  { name: 'majorityClientServed', doc: 'client 2 first served by the new master', at: (h, f) => firstServedAfter(h, f.at, 'redis1', 'client:2') },
  { name: 'isolatedLastAck', doc: 'client 1 (with the old master): its last write acked by the old master during the partition', at: (h, f) => lastServedBy(h, 'client:1', 'redis1', f.at, f.at + PARTITION_MS * MS) },
  { name: 'oldMasterConverted', doc: 'after the heal: +convert-to-slave (the old master made a replica)', at: firstNoteOn(['sentinel1', ...MAJORITY_SENTINELS], /\+convert-to-slave/, PARTITION_MS) },
  { name: 'isolatedClientServedNew', doc: 'client 1 first served by the new master after the heal', at: (h, f) => firstServedAfter(h, f.at + PARTITION_MS * MS, 'redis1', 'client:1') },
];

// the harness's clients give each Sentinel 300 ms to answer (calibration/lib/sentinel-client.ts):
// after a partition's cut, sentinel1 never answers client 2, which then asks the next one
const SENTINEL_PARAMS = { downAfterMilliseconds: 5000, quorum: 2, failoverTimeout: '180s', parallelSyncs: 1, sentinelQueryTimeout: '300ms' };

const sentinelPartition = (minReplicas: number): Experiment => ({
  id: `redis-sentinel--partition${minReplicas > 0 ? `-min-replicas${minReplicas}` : ''}`,
  system: 'redis-sentinel',
  design: 'redis-sentinel',
  params: { ...SENTINEL_PARAMS, minReplicasToWrite: minReplicas, minReplicasMaxLag: '10s' },
  // two harness clients, 200 writes/s each
  workload: { ...HARNESS_CLIENT, ordersPerSecond: 400, clients: 2 },
  fault: { kind: 'partition', fields: `groups: [[redis1, sentinel1, client:1], [redis2, sentinel2, redis3, sentinel3, client:2]], for: ${PARTITION_MS}ms` },
  faultWindowMs: [2000, 12_000],
  afterFaultMs: PARTITION_MS + 14_000,
  // a partition run (two clients, ~45 s simulated) costs ~0.2 s of CPU: few seeds keep npm test short
  seeds: 8,
  // each trial takes about a minute in namespaces: the recordings hold 12-15
  minTrials: 12,
  steps: SENTINEL_PARTITION_STEPS,
  chain: ['sdown', 'odown', 'electedLeader', 'promoted', 'switchMaster'],
});

/** A candidate declaration is a pre-vote when it keeps the node's term. */
function raftSteps(): StepDef[] {
  const candidacies = (history: History, fault: FaultFacts) => {
    const lastTerm = new Map<string, number>();
    const out: { time: Micros; term: number; pre: boolean }[] = [];
    for (const e of history.events) {
      if (e.type !== 'role') continue;
      if (e.time >= fault.at && e.role === 'candidate') out.push({ time: e.time, term: e.epoch, pre: e.epoch === lastTerm.get(e.node) });
      lastTerm.set(e.node, e.epoch);
    }
    return out;
  };
  return [
    { name: 'electionStart', doc: 'first "is starting a new election"', at: (h, f) => candidacies(h, f)[0]?.time },
    { name: 'candidate', doc: 'first "became candidate" (term raised)', at: (h, f) => candidacies(h, f).find((c) => !c.pre)?.time },
    { name: 'leaderElected', doc: '"became leader"', at: (h, f) => h.events.find((e): e is Ev<'role'> => e.type === 'role' && e.role === 'primary' && e.time >= f.at)?.time },
    ...clientSteps,
  ];
}

function raftRounds(history: History, fault: FaultFacts): number {
  const terms = new Set<number>();
  const lastTerm = new Map<string, number>();
  for (const e of history.events) {
    if (e.type !== 'role') continue;
    if (e.time >= fault.at && e.role === 'candidate' && e.epoch !== lastTerm.get(e.node)) terms.add(e.epoch);
    lastTerm.set(e.node, e.epoch);
  }
  return terms.size;
}

/** The workload of every harness client: one client, 200 writes/s, 1 s timeout, 20 ms back-off. */
const HARNESS_CLIENT: Partial<Workload> = { ordersPerSecond: 200, clients: 1, timeout: 1_000_000, retryBackoff: 20_000 };

const etcd = (preVote: boolean): Experiment => ({
  id: `etcd--leader-kill-prevote-${preVote ? 'on' : 'off'}`,
  system: 'etcd',
  design: 'raft',
  params: { nodes: 3, heartbeatInterval: '100ms', electionTimeout: '1000ms', preVote, checkQuorum: true },
  workload: HARNESS_CLIENT,
  fault: { kind: 'process-crash', target: 'primary' },
  faultWindowMs: [1000, 4000],
  afterFaultMs: 8_000,
  steps: raftSteps(),
  chain: ['electionStart', 'leaderElected'],
  counts: [{ name: 'rounds', doc: 'trials needing a second election round (distinct candidate terms)', above: 1, of: raftRounds }],
});

function firstVipClaim(node: string): StepDef['at'] {
  return (history, fault) => history.events.find((e) => e.type === 'vip' && e.node === node && e.time >= fault.at)?.time;
}

const KEEPALIVED_STEPS: StepDef[] = [
  { name: 'backupMaster', doc: 'b: "Entering MASTER STATE" (takes the VIP)', at: firstVipClaim('b') },
  ...clientSteps,
];

/** The harness's keepalived.conf: priorities 150 / 100, advert_int 1, GARP 5 + 5 after 5 s, no vrrp_script. */
const KEEPALIVED_PARAMS = { priorities: '150,100', advertInt: '1s', garpMasterDelay: '5s', garpMasterRepeat: 5 };

/** check-hang's vrrp_script: interval 1, timeout 1, fall 1, rise 1 (and the weight). */
const checkScript = (weight: number) => ({ ...KEEPALIVED_PARAMS, scriptInterval: '1s', scriptTimeout: '1s', fall: 1, rise: 1, weight });

const KEEPALIVED_HANG_STEPS: StepDef[] = [
  { name: 'masterFault', doc: 'a: "Entering FAULT STATE" (its check timed out; weight 0)', at: (h, f) => h.events.find((e) => e.type === 'note' && e.node === 'a' && e.time >= f.at && /^keepalived: Entering FAULT STATE/.test(e.text))?.time },
  ...KEEPALIVED_STEPS,
];

/** check-hang's fault: a's health endpoint stuck, keepalived and the order thread running on. */
const HANG: Experiment['fault'] = { kind: 'deadlock', target: 'a', fields: 'threads: [heartbeat, main]' };

/** Under a negative weight: a steps down when it hears b. */
const KEEPALIVED_WEIGHT_STEPS: StepDef[] = [
  ...KEEPALIVED_STEPS,
  {
    name: 'masterBackup',
    doc: 'a: "Entering BACKUP STATE" (MASTER at priority 90, it hears b\'s first advert and drops the VIP)',
    at: (h, f) => h.events.find((e) => e.type === 'role' && e.node === 'a' && e.role !== 'primary' && e.time >= f.at)?.time,
  },
];

/** The returning host is started again this long after the kill (the harness's --return-after-ms). */
const RETURN_AFTER_MS = 8000;

const KEEPALIVED_RETURN_STEPS: StepDef[] = [
  ...KEEPALIVED_STEPS,
  {
    name: 'returnedBackup',
    doc: 'a, started again: "Entering BACKUP STATE (init)" (keepalived is up)',
    at: (h, f) => h.events.find((e) => e.type === 'role' && e.node === 'a' && e.role !== 'primary' && e.time >= f.at)?.time,
  },
  { name: 'returnedMaster', doc: 'a, started again: "Entering MASTER STATE" (preempts b)', at: firstVipClaim('a') },
  {
    name: 'backupBackToBackup',
    doc: 'b: "Entering BACKUP STATE" (hears the higher priority)',
    at: (h, f) => h.events.find((e) => e.type === 'role' && e.node === 'b' && e.role !== 'primary' && e.time >= f.at + RETURN_AFTER_MS * MS)?.time,
  },
  {
    name: 'clientServedByReturned',
    doc: 'the client first served by a again',
    at: (h, f) => h.events.find((e) => e.type === 'ok' && e.node === 'a' && e.time >= f.at + RETURN_AFTER_MS * MS)?.time,
  },
];

/** advert-loss: the harness's --loss-s. */
const LOSS_MS = 30_000;

/** How many times b became MASTER in the `windowMs` after the fault. */
function takeoversIn(windowMs: number): (history: History, fault: FaultFacts) => number {
  return (history, fault) => history.events.filter((e) => e.type === 'role' && e.node === 'b' && e.role === 'primary' && e.time >= fault.at && e.time < fault.at + windowMs * MS).length;
}

/**
 * How long a keepalived run goes on after the fault (default 5 s; every step is over by then,
 * and shorter runs keep the fidelity test fast). Under weight -60 b takes over up to 5.6 s
 * after the hang (the check fails 1-2 s in, b's down timer runs from a's last priority-150
 * advert), and a request lost at the switch fails 1 s later: 7 s, so the run's end, which heals
 * the hang, comes after every failure the harness can see.
 */
const AFTER_FAULT_MS: Record<string, number> = { 'preempt-return': RETURN_AFTER_MS + 6000, 'check-hang-weight-60': 7000, 'check-hang-weight-60-loaded': 7000 };

/** A keepalived experiment with the harness's settings. */
const keepalived = (id: string, params: Record<string, unknown>, fault: Experiment['fault'], steps: StepDef[], chain?: string[]): Experiment => ({
  id: `keepalived--${id}`,
  system: 'keepalived',
  design: 'keepalived-vrrp',
  params,
  workload: HARNESS_CLIENT,
  fault,
  faultWindowMs: [2000, 5000],
  afterFaultMs: AFTER_FAULT_MS[id] ?? 5000,
  seeds: 20,
  steps,
  chain,
});

const PATRONI_STEPS: StepDef[] = [
  { name: 'leaderKeyTaken', doc: 'a replica takes the expired leader key ("promoted self to leader by acquiring session lock")', at: firstNote(/^patroni: acquired the leader key/) },
  ...clientSteps,
];

/** With HAProxy in front (Patroni's example haproxy.cfg): its view of the old and new primary. */
const PATRONI_HAPROXY_STEPS: StepDef[] = [
  PATRONI_STEPS[0],
  { name: 'promoted', doc: "the new primary's REST API answers /primary with 200 (PostgreSQL promoted)", at: (h, f) => h.events.find((e) => e.type === 'role' && e.role === 'primary' && e.node !== f.node && e.time >= f.at)?.time },
  { name: 'haproxyOldDown', doc: 'HAProxy: "Server calib/pg1 is DOWN" (fall 3 checks, inter 3 s)', at: (h, f) => h.events.find((e) => e.type === 'lb' && e.node === f.node && !e.healthy && e.time >= f.at)?.time },
  { name: 'haproxyRoutesNew', doc: 'HAProxy: "Server calib/<new primary> is UP" (rise 2 checks): the HAProxy catch-up', at: (h, f) => h.events.find((e) => e.type === 'lb' && e.node !== f.node && e.healthy && e.time >= f.at)?.time },
  ...clientSteps,
];

const PATRONI_PARAMS = { ttl: '30s', loopWait: '10s', retryTimeout: '10s', synchronousMode: 'off' };

/** A Patroni host-death experiment with the client through HAProxy (`preceding`: faults before the kill). */
const patroniHaproxy = (id: string, preceding?: FaultSpec['preceding']): Experiment => ({
  id: `patroni--${id}`,
  system: 'patroni',
  design: 'postgres-patroni',
  params: PATRONI_PARAMS,
  workload: HARNESS_CLIENT,
  fault: { kind: 'process-crash', target: 'pg1', preceding },
  faultWindowMs: [10_000, 20_000],
  afterFaultMs: 38_000,
  // a Patroni run costs ~0.4 s (more under load): few seeds keep npm test short
  seeds: 8,
  // each trial sets up a cluster (1-5 min): recordings hold 6-10
  minTrials: 6,
  steps: PATRONI_HAPROXY_STEPS,
  chain: ['leaderKeyTaken', 'promoted', 'haproxyRoutesNew', 'clientFirstServed'],
});

export const EXPERIMENTS: Experiment[] = [
  {
    id: 'redis-sentinel--master-kill',
    system: 'redis-sentinel',
    design: 'redis-sentinel',
    params: { downAfterMilliseconds: 5000, quorum: 2, failoverTimeout: '180s', parallelSyncs: 1 },
    workload: HARNESS_CLIENT,
    fault: { kind: 'process-crash', target: 'redis1' },
    faultWindowMs: [2000, 12_000],
    afterFaultMs: 12_000,
    seeds: 30,
    steps: SENTINEL_STEPS,
    chain: ['sdown', 'odown', 'electedLeader', 'selectedReplica', 'replicaofNoOne', 'promoted', 'switchMaster', 'failoverEnd'],
  },
  {
    id: 'redis-sentinel--master-kill-wait1',
    system: 'redis-sentinel',
    design: 'redis-sentinel',
    // each write followed by WAIT 1 1000, acked whatever it returns (the HA document's use)
    params: { ...SENTINEL_PARAMS, waitNumreplicas: 1, waitTimeout: '1000ms' },
    workload: HARNESS_CLIENT,
    fault: { kind: 'process-crash', target: 'redis1' },
    faultWindowMs: [2000, 12_000],
    afterFaultMs: 10_000,
    seeds: 12,
    steps: SENTINEL_STEPS,
    chain: ['sdown', 'odown', 'electedLeader', 'promoted', 'switchMaster'],
  },
  sentinelPartition(0),
  sentinelPartition(1),
  etcd(false),
  etcd(true),
  {
    id: 'keepalived--host-death',
    system: 'keepalived',
    design: 'keepalived-vrrp',
    params: KEEPALIVED_PARAMS,
    workload: HARNESS_CLIENT,
    fault: { kind: 'process-crash', target: 'a' },
    faultWindowMs: [2000, 5000],
    // every step is over within about 4 s: longer runs only cost test time
    afterFaultMs: 6000,
    steps: KEEPALIVED_STEPS,
  },
  {
    // the same host death with the harness's TCP client (--client tcp): one connection per
    // request and no retry, so hasim's client gets one attempt per order too (a refusal fails it)
    id: 'keepalived--host-death-tcp',
    system: 'keepalived',
    design: 'keepalived-vrrp',
    params: KEEPALIVED_PARAMS,
    workload: { ...HARNESS_CLIENT, maxAttempts: 1 },
    fault: { kind: 'process-crash', target: 'a' },
    faultWindowMs: [2000, 5000],
    afterFaultMs: 6000,
    seeds: 30,
    steps: KEEPALIVED_STEPS,
  },
  {
    id: 'patroni--primary-host-death',
    system: 'patroni',
    design: 'postgres-patroni',
    params: { ttl: '30s', loopWait: '10s', retryTimeout: '10s', synchronousMode: 'off' },
    workload: HARNESS_CLIENT,
    // every process of the host killed while its kernel lives: peers get resets (process-crash)
    fault: { kind: 'process-crash', target: 'pg1' },
    // ten seconds wide: one loop_wait, so the kill meets the HA loop at a uniform phase
    faultWindowMs: [10_000, 20_000],
    afterFaultMs: 38_000,
    // a Patroni run (3 DCS members, 3 nodes, 50 s) costs ~0.4 s: few seeds keep npm test short
    seeds: 12,
    minTrials: 8,
    steps: PATRONI_STEPS,
  },
  // the check hangs (its curl to a stuck health endpoint): keepalived and the service's order
  // thread run on, only the health endpoint is stuck
  // 30 seeds: hasim's one lost write under a hung check (a residual) comes in 1 run of 30
  { ...keepalived('check-hang', checkScript(0), HANG, KEEPALIVED_HANG_STEPS, ['masterFault', 'backupMaster']), seeds: 30 },
  {
    ...keepalived('check-hang-weight-60', checkScript(-60), HANG, KEEPALIVED_WEIGHT_STEPS),
    // a request lost at the switch is rare on an idle host (1/30 real): 60 seeds give hasim's
    // share a useful precision
    seeds: 60,
  },
  {
    // the same recorded on a loaded host (load 20-33): keepalived's processing time set to what
    // the client's wire measured there (b's advert to its first ARP: median 7.7 ms, log-sd 1.1
    // over the 60 trials with --sniff), so the model's race predicts the share of runs losing a
    // request at the switch (31/90 real); nothing here is fitted to that share
    ...keepalived('check-hang-weight-60-loaded', { ...checkScript(-60), processingTime: '7.7ms', processingTimeSpread: 1.1 }, HANG, KEEPALIVED_WEIGHT_STEPS),
    seeds: 60,
  },
  keepalived('preempt-return', KEEPALIVED_PARAMS, { kind: 'process-crash', target: 'a', fields: `restartAfter: ${RETURN_AFTER_MS}ms` }, KEEPALIVED_RETURN_STEPS, ['returnedBackup', 'returnedMaster', 'backupBackToBackup']),
  {
    ...keepalived('advert-loss-50', KEEPALIVED_PARAMS, { kind: 'loss', target: 'a', fields: `probability: 0.5, for: ${LOSS_MS}ms` }, [
      { name: 'firstFalseTakeover', doc: 'b: first "Entering MASTER STATE" while a lives (three adverts in a row lost)', at: firstVipClaim('b') },
    ]),
    afterFaultMs: LOSS_MS + 2000,
    // 30 s of 50% loss under a 200/s client (TCP retransmissions) is the costliest keepalived run
    // 20 seeds: fewer leave hasim's own share of repeated takeovers too noisy for the Wilson test
    seeds: 20,
    counts: [{ name: 'takeovers', doc: `trials where b took over more than twice in the ${LOSS_MS / 1000} s of loss`, above: 2, of: takeoversIn(LOSS_MS) }],
  },
  patroniHaproxy('primary-host-death-haproxy'),
  // the replication stream from pg1 held back for its last 2 s (the harness's --lag-ms): the
  // replicas lag by that much WAL when its host dies
  patroniHaproxy('async-lag', [{ beforeMs: 2000, kind: 'partition', fields: 'groups: [[pg1], [pg2, pg3]]' }]),
  {
    id: 'patroni--sync-standby-kill',
    system: 'patroni',
    design: 'postgres-patroni',
    params: { ...PATRONI_PARAMS, synchronousMode: 'on' },
    workload: HARNESS_CLIENT,
    // pg2 is hasim's sync standby; its Patroni starts PostgreSQL again at its next loop
    fault: { kind: 'process-crash', target: 'pg2', fields: 'component: postgres, restartAfter: supervisor' },
    faultWindowMs: [10_000, 20_000],
    afterFaultMs: 20_000,
    seeds: 8,
    minTrials: 8,
    steps: [
      ...clientSteps,
      { name: 'syncStandbyDropped', doc: 'the primary\'s HA loop drops the dead sync standby ("Updating synchronous privilege temporarily from [it] to []"): about loop_wait / 2', at: firstNote(/^patroni: sync standby dropped/) },
      { name: 'syncReassigned', doc: 'primary: "Assigning synchronous standby status to [the other replica]"', at: firstNote(/^patroni: sync standby status assigned/) },
      { name: 'standbyRestarted', doc: 'the killed standby\'s Patroni: "starting as a secondary"', at: firstNote(/^patroni: starting as a secondary/) },
    ],
    // the drop and the reassignment happen at a random phase of loop_wait: the interval between
    // them is what the model decides, and what a sample of 11 can pin
    chain: ['syncStandbyDropped', 'syncReassigned'],
  },
  {
    id: 'keepalived--graceful-stop',
    system: 'keepalived',
    design: 'keepalived-vrrp',
    params: KEEPALIVED_PARAMS,
    workload: HARNESS_CLIENT,
    // SIGTERM to keepalived alone (the harness's service keeps running): its shutdown path
    // sends a priority-0 advert and removes the VIP
    fault: { kind: 'graceful-stop', target: 'a', fields: 'component: keepalived' },
    faultWindowMs: [2000, 5000],
    afterFaultMs: 10_000,
    steps: KEEPALIVED_STEPS,
  },
  ...PACEMAKER_EXPERIMENTS,
];

export function experimentById(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
