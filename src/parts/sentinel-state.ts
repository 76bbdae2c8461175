/**
 * What one Redis Sentinel knows and is configured with (sentinel.c): its configuration and
 * timing constants, the link state it keeps per monitored instance and per other Sentinel, the
 * part of its state it persists in sentinel.conf, and the replica it picks for promotion
 * (sentinelSelectSlave). RedisSentinel (redis-sentinel.ts) runs the protocol over them.
 */
import type { Micros } from '../sim/time.ts';
import type { RedisInfo } from './redis-protocol.ts';

export interface SentinelConfig {
  /** The monitored Redis nodes (master and replicas). */
  redisNodes: readonly string[];
  /** Every Sentinel, this one included. */
  sentinels: readonly string[];
  initialMaster: string;
  quorum: number;
  downAfterUs: Micros;
  failoverTimeoutUs: Micros;
  parallelSyncs: number;
}

const S = 1_000_000;
export const PING_PERIOD = 1 * S;
export const INFO_PERIOD = 10 * S;
export const HELLO_PERIOD = 2 * S;
export const ASK_PERIOD = 1 * S;
export const TILT_TRIGGER = 2 * S;
export const TILT_PERIOD = 30 * S;
export const MAX_DESYNC = 1 * S;
export const ELECTION_TIMEOUT = 10 * S;
export const SLAVE_RECONF_TIMEOUT = 10 * S;
/** sentinel.c: hz is CONFIG_DEFAULT_HZ plus a random part, redrawn every tick, to desynchronise Sentinels. */
export const DEFAULT_HZ = 10;

export type FailoverState = 'none' | 'wait-start' | 'select-slave' | 'send-slaveof-noone' | 'wait-promotion' | 'reconf-slaves' | 'update-config';

export interface Link {
  node: string;
  /** Send time of the oldest unanswered PING (0: none). */
  actPingUs: Micros;
  lastPingUs: Micros;
  lastPongUs: Micros;
  lastAvailUs: Micros;
  sdown: boolean;
  sdownSinceUs: Micros;
  /** The kernel reset the connection: the next tick reconnects and PINGs at once. */
  disconnected: boolean;
}

export interface Instance extends Link {
  info: RedisInfo | undefined;
  infoRefreshUs: Micros;
  lastInfoSentUs: Micros;
  roleReportedUs: Micros;
  /** When INFO last showed a different master host (slave_conf_change_time). */
  slaveConfChangeUs: Micros;
  reconf: 'none' | 'sent' | 'inprog' | 'done';
  reconfSentUs: Micros;
}

export interface Peer extends Link {
  masterDown: boolean;
  leader: string | undefined;
  leaderEpoch: number;
  lastMasterDownReplyUs: Micros;
  lastAskUs: Micros;
  lastHelloUs: Micros;
}

export interface Persisted {
  myId: string;
  currentEpoch: number;
  masterAddr: string;
  configEpoch: number;
  leader: string | undefined;
  leaderEpoch: number;
}

/**
 * sentinel.c sentinelSelectSlave: the known replicas that are not down, answered a ping within
 * 5 ping periods and INFO within its validity, whose master link has been down no longer than
 * the master's down time plus 10 x down-after, and whose priority is not 0; best priority, then
 * offset, then run id. It does not look at the role an instance reports: an old master that
 * came back while the current master is down (so no Sentinel has converted it to a replica:
 * that waits for a sane master) still reports role master, stays in the master's replica list
 * and is selected, which is how the service comes back when it is the only data node up.
 */
export function selectSlave(instances: readonly Instance[], master: Instance, masterAddr: string, downAfterUs: Micros, now: Micros): string | undefined {
  const maxMasterDownUs = (master.sdown ? now - master.sdownSinceUs : 0) + downAfterUs * 10;
  const infoValidityUs = master.sdown ? 3 * S : 3 * INFO_PERIOD;
  const candidates = instances.filter((i) => {
    const info = i.info;
    return (
      i.node !== masterAddr && info !== undefined && !i.sdown &&
      now - i.lastAvailUs <= 5 * PING_PERIOD && info.priority !== 0 &&
      now - i.infoRefreshUs <= infoValidityUs && info.linkDownUs <= maxMasterDownUs
    );
  });
  candidates.sort((a, b) => a.info!.priority - b.info!.priority || b.info!.offset - a.info!.offset || (a.info!.runId < b.info!.runId ? -1 : 1));
  return candidates[0]?.node;
}
