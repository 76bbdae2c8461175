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
import { firstFailedAfter, firstServedAfter } from './client-view.ts';

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
  { name: 'clientFirstServed', doc: 'the client is first served by the new primary', at: (h, f) => firstServedAfter(h, firstFailedAfter(h, f.at) ?? f.at, f.node) },
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
  { name: 'masterFault', doc: 'a: "Entering FAULT STATE" (its check timed out; weight 0)', at: (h, f) => h.events.find((e) => e.type === 'note' && e.node === 'a' && e.time >= f.at && /^keepalived: FAULT/.test(e.text))?.time },
  ...KEEPALIVED_STEPS,
];

/** The returning host is started again this long after the kill (the harness's --return-after-ms). */
const RETURN_AFTER_MS = 8000;

const KEEPALIVED_RETURN_STEPS: StepDef[] = [
  ...KEEPALIVED_STEPS,
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

/** A keepalived experiment with the harness's settings. */
const keepalived = (id: string, params: Record<string, unknown>, fault: Experiment['fault'], steps: StepDef[], chain?: string[]): Experiment => ({
  id: `keepalived--${id}`,
  system: 'keepalived',
  design: 'keepalived-vrrp',
  params,
  workload: HARNESS_CLIENT,
  fault,
  faultWindowMs: [2000, 5000],
  // every step is over by then: shorter runs keep the fidelity test fast
  afterFaultMs: id === 'preempt-return' ? RETURN_AFTER_MS + 6000 : 5000,
  seeds: 30,
  steps,
  chain,
});

const PATRONI_STEPS: StepDef[] = [
  { name: 'leaderKeyTaken', doc: 'a replica takes the expired leader key ("promoted self to leader by acquiring session lock")', at: firstNote(/^patroni: acquired the leader key/) },
  ...clientSteps,
];

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
  keepalived('check-hang', checkScript(0), { kind: 'deadlock', target: 'a', fields: 'threads: [heartbeat, main]' }, KEEPALIVED_HANG_STEPS, ['masterFault', 'backupMaster']),
  {
    id: 'keepalived--graceful-stop',
    system: 'keepalived',
    design: 'keepalived-vrrp',
    params: KEEPALIVED_PARAMS,
    workload: HARNESS_CLIENT,
    fault: { unmodelled: 'hasim has no graceful-stop fault kind yet (issue #10, item 5)' },
    faultWindowMs: [2000, 5000],
    afterFaultMs: 10_000,
    steps: KEEPALIVED_STEPS,
  },
];

export function experimentById(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
