/**
 * What a Redis server (redis-server.ts) is configured with, says and hears: its redis.conf
 * settings, the INFO fields Sentinel reads, and the messages of the replication protocol (PSYNC,
 * +CONTINUE, +FULLRESYNC with the RDB, the stream, REPLCONF ACK / GETACK, the master's ping:
 * Redis 7 replication.c) and of the commands Sentinel sends (PING, INFO, REPLICAOF: sentinel.c).
 * Offsets count entries, one per order (Redis counts bytes of the replication stream;
 * `bytesPerOrder` converts).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, OrderRequest } from '../world/actor.ts';
import type { DiskEntry, DiskSnapshot } from '../world/disk.ts';
import { messageKinds } from '../world/messages.ts';
import type { OutputBufferLimit } from './redis-output-buffer.ts';

export interface RedisConfig {
  /** The master when no REPLICAOF was ever persisted (the initial topology). */
  initialMaster: string;
  /** `replica-priority` (lower is preferred by Sentinel; 0: never promoted). */
  replicaPriority: number;
  /** `min-replicas-to-write` (0: off). */
  minReplicasToWrite: number;
  /** `min-replicas-max-lag`. */
  minReplicasMaxLagUs: Micros;
  /** The application's `WAIT numreplicas timeout` after each write (0 replicas: no WAIT). */
  waitReplicas: number;
  waitTimeoutUs: Micros;
  /** `repl-timeout`. */
  replTimeoutUs: Micros;
  /** `repl-ping-replica-period`. */
  replPingReplicaPeriodUs: Micros;
  /** `repl-backlog-size`, in bytes. */
  replBacklogSizeBytes: number;
  /** Bytes of replication stream (and of RDB) per order: converts bytes to offsets. */
  bytesPerOrder: number;
  /** `repl-diskless-sync-delay` (0: fork at once). */
  replDisklessSyncDelayUs: Micros;
  /** How fast a full resync's RDB is transferred and loaded, bytes per second. */
  fullSyncBytesPerSecond: number;
  /** Bytes the dataset held before the run's orders (in every RDB; its transfer and load take longer). */
  initialDatasetBytes: number;
  /** `client-output-buffer-limit replica <hard> <soft> <seconds>` (redis-output-buffer.ts); 0 bytes: that limit off. */
  replicaOutputBufferLimit: OutputBufferLimit;
  /** Stream bytes the kernels' socket buffers take between master and replica before Redis's own buffer grows. */
  replicaSocketBufferBytes: number;
  /** `repl-backlog-ttl`: a master without replicas this long frees its backlog (0: never). */
  replBacklogTtlUs: Micros;
}

/** What INFO reports, as Sentinel reads it. */
export interface RedisInfo {
  role: 'master' | 'slave';
  masterHost: string | undefined;
  linkUp: boolean;
  /** How long the master link has been down (0 when up). */
  linkDownUs: Micros;
  offset: number;
  priority: number;
  runId: string;
}

/** A replica (re)connects: PSYNC <replid> <offset>. */
export interface Psync extends Msg {
  type: 'psync';
  replid: string;
  offset: number;
}
/** REPLCONF ACK <offset>: how much of the stream the replica has. */
export interface ReplconfAck extends Msg {
  type: 'replconf-ack';
  offset: number;
}
/** +CONTINUE: the master knows this history; streaming goes on from `from`. */
export interface ReplContinue extends Msg {
  type: 'repl-continue';
  replid: string;
  from: number;
}
/** +FULLRESYNC with the RDB: the replica discards its dataset and loads `rdb`. */
export interface ReplFullResync extends Msg {
  type: 'repl-fullresync';
  replid: string;
  rdb: DiskSnapshot;
}
/** The master holds the PSYNC for its diskless-sync delay (it sends newlines meanwhile). */
export interface ReplWaitBgsave extends Msg {
  type: 'repl-wait-bgsave';
}
/** Writes of the stream from offset `start`. */
export interface ReplData extends Msg {
  type: 'repl-data';
  start: number;
  entries: DiskEntry[];
}
export interface ReplPing extends Msg {
  type: 'repl-ping';
}
/** REPLCONF GETACK: WAIT asks the replicas for their offsets now. */
export interface ReplGetack extends Msg {
  type: 'repl-getack';
}
/** Sentinel's REPLICAOF: `master` null is REPLICAOF NO ONE; `epoch` is Sentinel's config epoch. */
export interface SentinelReplicaOf extends Msg {
  type: 'sentinel-replicaof';
  master: string | null;
  epoch: number;
}
export interface SentinelPing extends Msg {
  type: 'sentinel-ping';
}
export interface SentinelInfoRequest extends Msg {
  type: 'sentinel-info';
}
/** A loading replica's newline to its master (replicationSendNewlineToMaster): it refreshes its ack time. */
export interface ReplNewline extends Msg {
  type: 'repl-newline';
}
/** The master closed the replication connection (its FIN, after the data it had written). */
export interface ReplClosed extends Msg {
  type: 'repl-closed';
}
export type FromMaster = ReplContinue | ReplFullResync | ReplWaitBgsave | ReplData | ReplPing | ReplGetack | ReplClosed;
export const SERVER_MESSAGES = messageKinds<OrderRequest | SentinelPing | SentinelInfoRequest | SentinelReplicaOf | Psync | ReplconfAck | ReplNewline | FromMaster>(
  'order',
  'sentinel-ping',
  'sentinel-info',
  'sentinel-replicaof',
  'psync',
  'replconf-ack',
  'repl-newline',
  'repl-continue',
  'repl-fullresync',
  'repl-wait-bgsave',
  'repl-data',
  'repl-ping',
  'repl-getack',
  'repl-closed',
);

/** A run id or replication id: 40 hex digits (from the node's seeded stream). */
export function randomRunId(ctx: NodeContext): string {
  let id = '';
  for (let i = 0; i < 40; i++) id += '0123456789abcdef'[ctx.rng.int(16)];
  return id;
}

/**
 * A server's replication ids, shared by its master and replica sides: its history's id, and
 * (PSYNC2) the previous one with the offset up to which it is the same history.
 */
export interface ReplicationIds {
  replid: string;
  replid2: string;
  secondReplOffset: number;
}
