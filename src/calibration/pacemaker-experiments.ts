/**
 * The Pacemaker/Corosync calibration experiments as hasim runs them (calibration/pacemaker.ts
 * is the real side): the hot-standby-stonith design with the harness's cluster (two nodes,
 * token 3000 ms, consensus derived, two_node, STONITH reboot; the model's defaults), the
 * harness's client, and each protocol step read from the run's history: the membership's
 * notes (corosync's "A processor failed" and "A new membership was formed"), the fencing
 * request note, the power controller's confirmed fence, and the VIP claim.
 *
 * Kept apart from experiments.ts (which holds the other systems) so each file stays one system
 * family; experiments.ts lists these with the rest.
 */
import type { History, HistoryEvent } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';
import { firstFailedAfter, firstServedAfter } from './client-view.ts';
import type { Experiment, FaultFacts, StepDef } from './experiments.ts';

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

/** The first note on `node` matching `pattern` at or after the fault. */
function noteOn(node: string, pattern: RegExp): StepDef['at'] {
  return (history: History, fault: FaultFacts): Micros | undefined =>
    history.events.find((e): e is Ev<'note'> => e.type === 'note' && e.node === node && e.time >= fault.at && pattern.test(e.text))?.time;
}

/** b's view of a's death, step by step, as the harness reads it from b's logs. */
const HOST_DEATH_STEPS: StepDef[] = [
  { name: 'tokenLost', doc: 'corosync on b: "A processor failed, forming new configuration: token timed out"', at: noteOn('b', /^corosync: token lost/) },
  { name: 'membership', doc: 'corosync on b: "A new membership ... was formed. Members left: 1" (consensus later)', at: noteOn('b', /^corosync: new membership/) },
  { name: 'fenceRequested', doc: 'pacemaker-controld on b: "Requesting fencing (reboot) of node a"', at: noteOn('b', /^stonith: fencing a/) },
  {
    name: 'fenced',
    doc: 'pacemaker-fenced on b: "Operation \'reboot\' targeting a by b ...: OK"',
    at: (history, fault) => history.events.find((e): e is Ev<'fence'> => e.type === 'fence' && e.node === 'b' && e.target === 'a' && e.ok && e.time >= fault.at)?.time,
  },
  { name: 'vipStarted', doc: 'pacemaker-controld on b: "Result of start operation for vip on b: ok" (IPaddr2 started)', at: (history, fault) => history.events.find((e) => e.type === 'vip' && e.node === 'b' && e.time >= fault.at)?.time },
  { name: 'clientFirstFailed', doc: 'the client sees its first failed request', at: (h, f) => firstFailedAfter(h, f.at) },
  { name: 'clientFirstServed', doc: 'the client is first served by b', at: (h, f) => firstServedAfter(h, f.at, f.node) },
];

/** a's graceful stop (pcs cluster stop) as b and the client see it, and a's own stop result. */
const GRACEFUL_STOP_STEPS: StepDef[] = [
  { name: 'vipStopped', doc: 'pacemaker-controld on a: "Result of stop operation for vip on a: ok"', at: noteOn('a', /^stopping resources: node shutting down/) },
  HOST_DEATH_STEPS.find((s) => s.name === 'vipStarted')!,
  { name: 'membership', doc: 'corosync on b: "A new membership ... was formed. Members left: 1" (a\'s leave)', at: noteOn('b', /^corosync: new membership/) },
  ...HOST_DEATH_STEPS.filter((s) => s.name.startsWith('client')),
];

/** The harness's client (HARNESS_CLIENT in experiments.ts): 200 writes/s, 1 s timeout, 20 ms back-off. */
const CLIENT: Partial<Workload> = { ordersPerSecond: 200, clients: 1, timeout: 1_000_000, retryBackoff: 20_000 };

/** What both experiments share: the harness's cluster, client, fault window and trial counts. */
const HARNESS = {
  system: 'pacemaker',
  design: 'hot-standby-stonith',
  // the harness's corosync.conf and CIB are the model's defaults (token 3000 ms, consensus
  // 1.2 x token, two_node, stonith-action reboot, no fencing delays); its fence device (the
  // fencer forking the perl agent, which downs the interface and kills the namespace's
  // processes) takes a median 103 ms from the request to done: fencePowerOffTime
  params: { nodes: 2, token: '3000ms', consensus: '0s', twoNode: true, stonithEnabled: true, stonithAction: 'reboot', fencePowerOffTime: '105ms' },
  workload: CLIENT,
  faultWindowMs: [2000, 5000],
  seeds: 20,
  minTrials: 20,
} satisfies Partial<Experiment>;

export const PACEMAKER_EXPERIMENTS: Experiment[] = [
  {
    id: 'pacemaker--host-death',
    ...HARNESS,
    // every process of a (the DC, running the VIP) killed, its kernel alive
    fault: { kind: 'process-crash', target: 'a' },
    afterFaultMs: 12_000,
    steps: HOST_DEATH_STEPS,
    chain: ['tokenLost', 'membership', 'fenceRequested', 'fenced', 'vipStarted', 'clientFirstServed'],
  },
  {
    id: 'pacemaker--graceful-stop',
    ...HARNESS,
    // SIGTERM to pacemakerd, then corosync (pcs cluster stop): the whole cluster stack of a
    fault: { kind: 'graceful-stop', target: 'a' },
    afterFaultMs: 6_000,
    steps: GRACEFUL_STOP_STEPS,
    chain: ['vipStopped', 'vipStarted', 'clientFirstServed'],
  },
];
