/**
 * PostgreSQL's streaming replication protocol between a standby's walreceiver and the primary's
 * walsender (postgresql.org/docs/16/protocol-replication.html), as far as hasim needs it:
 * START_REPLICATION with the standby's timeline history, WAL data, the standby's status updates,
 * keepalives, and a refusal when there is no walsender or the WAL the standby needs is removed.
 */
import type { Msg } from '../world/actor.ts';
import type { DiskEntry, DiskSnapshot } from '../world/disk.ts';
import { messageKinds } from '../world/messages.ts';
import type { TimelineRun } from './postgres-wal.ts';

/** walreceiver -> walsender: START_REPLICATION, with the standby's timeline history and positions. */
export interface PgConnect extends Msg {
  type: 'pg-connect';
  runs: TimelineRun[];
  flushed: number;
  applied: number;
}
/**
 * walsender -> walreceiver: streaming starts at `from` (the standby rewinds anything after it).
 * With `backup`, the standby's data directory was empty and the WAL before `from` is removed:
 * it is a base backup of everything before `from` first.
 */
export interface PgStart extends Msg {
  type: 'pg-start';
  streamId: number;
  from: number;
  backup?: { snapshot: DiskSnapshot; history: TimelineRun[] };
}
/** WAL records from `start`; `wantWrite`/`wantApply`: a commit waits for that reply level. */
export interface PgWal extends Msg {
  type: 'pg-wal';
  streamId: number;
  start: number;
  entries: DiskEntry[];
  wantWrite: boolean;
  wantApply: boolean;
}
/** The standby's status update (write/flush/apply positions); `status` asks for a keepalive back. */
export interface PgReply extends Msg {
  type: 'pg-reply';
  streamId: number;
  write: number;
  flush: number;
  apply: number;
  status: boolean;
}
export interface PgKeepalive extends Msg {
  type: 'pg-keepalive';
  streamId: number;
  sentUpTo: number;
}
/** No walsender for that stream (0: this server is not a primary): reconnect. `walRemoved`: the WAL the standby needs is gone. */
export interface PgRefuse extends Msg {
  type: 'pg-refuse';
  streamId: number;
  walRemoved?: boolean;
}
export const PG_MESSAGES = messageKinds<PgConnect | PgStart | PgWal | PgReply | PgKeepalive | PgRefuse>('pg-connect', 'pg-reply', 'pg-start', 'pg-wal', 'pg-keepalive', 'pg-refuse');
