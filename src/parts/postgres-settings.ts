/**
 * The PostgreSQL settings that decide what a commit waits for and how replication behaves:
 * `synchronous_commit`, `synchronous_standby_names` (FIRST/ANY n, '*', or none: asynchronous),
 * the walsender/walreceiver timings and WAL recycling (postgresql.org/docs/16,
 * runtime-config-replication and runtime-config-wal), and a walsender's view of one standby as
 * `pg_stat_replication` shows it. PostgresReplication (postgres-replication.ts) acts on them.
 */
import type { Micros } from '../sim/time.ts';
import type { WalRecycling } from './postgres-wal.ts';

export type SynchronousCommit = 'off' | 'local' | 'remote_write' | 'on' | 'remote_apply';
export const SYNCHRONOUS_COMMIT_LEVELS: readonly SynchronousCommit[] = ['off', 'local', 'remote_write', 'on', 'remote_apply'];

/**
 * `synchronous_standby_names`: `'*'` (any one connected standby), or `FIRST num (names)` /
 * `ANY num (names)`; no names: asynchronous.
 */
export type SyncStandbyNames = '*' | { method: 'first' | 'any'; num: number; names: readonly string[] };
export const ASYNC: SyncStandbyNames = { method: 'first', num: 0, names: [] };

/** `FIRST n (names)` with every listed standby required (Patroni's multisync form `n (a, b)`). */
export function firstOf(names: readonly string[]): SyncStandbyNames {
  return { method: 'first', num: names.length, names };
}

/** Whether two settings are the same (names compared in order). */
export function sameSyncNames(a: SyncStandbyNames, b: SyncStandbyNames): boolean {
  if (a === '*' || b === '*') return a === b;
  return a.method === b.method && a.num === b.num && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i]);
}

export interface PgReplicationConfig {
  synchronousCommit: SynchronousCommit;
  /** The walsender drops a standby silent for this long (`wal_sender_timeout`, default 60 s; 0: never). */
  walSenderTimeoutUs: Micros;
  /** A standby reports its positions at least this often (`wal_receiver_status_interval`, 10 s; 0: only as WAL arrives). */
  walReceiverStatusIntervalUs: Micros;
  /** A standby retries a failed connection after this long (`wal_retrieve_retry_interval`, 5 s). */
  walRetrieveRetryIntervalUs: Micros;
  /** With `synchronous_commit = off`, the WAL writer flushes this often (`wal_writer_delay`, 200 ms). */
  walWriterDelayUs?: Micros;
  /** WAL removal at checkpoints (undefined: every node keeps all its WAL). */
  walRecycling?: WalRecycling;
}

/** One walsender as `pg_stat_replication` shows it. */
export interface StandbyStatus {
  node: string;
  write: number;
  flush: number;
  apply: number;
}
