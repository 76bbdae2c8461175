/**
 * What a hot-standby-stonith node is configured with: the design's parameters as the node uses
 * them (their defaults and sources are in models/hot-standby-stonith.ts), the nodes' names in
 * order of preference, and the processes each node runs.
 */
import type { Micros } from '../sim/time.ts';
import type { ProcessSpec } from '../world/design.ts';
import { HEARTBEAT_THREAD } from './heartbeat.ts';
import type { PacemakerTimes } from './pacemaker-timing.ts';

export interface PacemakerConfig extends PacemakerTimes {
  /** Cluster nodes (a, b, c... in order of preference). */
  nodes: number;
  token: Micros;
  tokenCoefficient: Micros;
  tokenRetransmitsBeforeLossConst: number;
  /** 0: derived (1.2 x token). */
  consensus: Micros;
  twoNode: boolean;
  waitForAll: boolean;
  stonithEnabled: boolean;
  stonithTimeout: Micros;
  /** `reboot` or `off`. */
  stonithAction: string;
  stonithMaxAttempts: number;
  /** Per fenced node (a, b...; one value: all), a duration list. */
  pcmkDelayBase: string;
  pcmkDelayMax: string;
  fenceAgentTime: Micros;
  ipmiCommandTime: Micros;
  fencePowerWait: Micros;
  /** `none`, `ffsplit` or `lms`. */
  quorumDevice: string;
  qdeviceTimeout: Micros;
  /** `stop`, `freeze` or `ignore`. */
  noQuorumPolicy: string;
  priorityFencingDelay: Micros;
  resourceStopTime: Micros;
  resourceStartTime: Micros;
  fenceDeviceStartTime: Micros;
  /** Share of runs where a node reports high load, so the DC runs a transition one action at a time. */
  highLoadShare: number;
  monitorInterval: Micros;
  monitorTimeout: Micros;
  migrationThreshold: number;
  resourceStopTimeout: Micros;
  fenceRetryInterval: Micros;
}

/** Node ids in order of preference: on a tie the first starts the resources (a location constraint). */
const NODE_IDS: readonly string[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
/** The first `count` node ids, in order of preference. */
export const pacemakerNodeIds = (count: number): readonly string[] => NODE_IDS.slice(0, count);
/** The corosync-qnetd arbiter's node id. */
export const ARBITER = 'qnetd';

/**
 * Each node's processes: the resource (the trading service), which only Pacemaker starts, the
 * cluster stack (corosync, Pacemaker's daemons, the fencer), and DRBD's receiving side, which is
 * the kernel's (drbd.ko: its receiver is a kernel thread, drbd_receiver.c), so killing the
 * cluster stack or the service leaves it receiving and acking; it stops with the host, or when
 * the fence cuts the connection. The estimate's `process` failure and `process-crash` with
 * `component: trading-service` kill the service alone; without `component` both processes die.
 */
export const SERVICE = 'trading-service';
const CLUSTER_STACK = 'cluster-stack';
/** The thread of DRBD's receiving side (the secondary's replication). */
export const DRBD_THREAD = 'drbd';
export const PACEMAKER_PROCESSES: ProcessSpec[] = [
  { name: SERVICE, threads: ['main'], startedByDesign: true },
  { name: CLUSTER_STACK, threads: [HEARTBEAT_THREAD] },
  { name: 'drbd', threads: [DRBD_THREAD], kernel: true },
];
