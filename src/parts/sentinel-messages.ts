/**
 * What a Redis Sentinel receives (sentinel.c): from the Redis servers it monitors (PING, INFO),
 * from the other Sentinels (hello, SENTINEL is-master-down-by-addr and its reply with a vote) and
 * from clients (get-master-addr-by-name, SUBSCRIBE +switch-master). RedisSentinel handles them.
 */
import type { Msg } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import type { RedisInfo } from './redis-protocol.ts';

export interface SentinelPingMsg extends Msg {
  type: 'sentinel-ping';
}
export interface SentinelPongMsg extends Msg {
  type: 'sentinel-pong';
}
/** A Redis server's INFO, as far as Sentinel reads it. */
export interface SentinelInfoReply extends Msg {
  type: 'sentinel-info-reply';
  info: RedisInfo;
}
/** The hello message (__sentinel__:hello): who I am, my epochs and the master I know. */
export interface SentinelHello extends Msg {
  type: 'sentinel-hello';
  runId: string;
  currentEpoch: number;
  master: string;
  configEpoch: number;
}
/** SENTINEL is-master-down-by-addr; `runId` '*' asks only whether it is down, else also for a vote. */
export interface IsMasterDown extends Msg {
  type: 'is-master-down';
  master: string;
  epoch: number;
  runId: string;
}
export interface IsMasterDownReply extends Msg {
  type: 'is-master-down-reply';
  down: boolean;
  /** The leader this Sentinel voted for, or '*'. */
  leader: string;
  leaderEpoch: number;
}
/** A Sentinel-following client asks for the master (world/discovery.ts). */
export interface DiscoverMsg extends Msg {
  type: 'discover';
}
/** A client subscribes to +switch-master. */
export interface SubscribeMsg extends Msg {
  type: 'subscribe';
}
export const SENTINEL_MESSAGES = messageKinds<SentinelPingMsg | SentinelPongMsg | SentinelInfoReply | SentinelHello | DiscoverMsg | SubscribeMsg | IsMasterDown | IsMasterDownReply>(
  'sentinel-ping',
  'sentinel-pong',
  'sentinel-info-reply',
  'sentinel-hello',
  'discover',
  'subscribe',
  'is-master-down',
  'is-master-down-reply',
);
