/**
 * Standby catch-up on rejoin (resync): a node that comes back as standby, or meets a primary it
 * has not synced with, sends the primary the order ids of its log; the primary answers with
 * the length of their common prefix and every entry after it. The standby truncates its log to
 * that prefix, dropping a divergent tail the old primary wrote but never got acknowledged, and
 * appends what it misses. That is what pg_rewind followed by streaming, or a DRBD resync after
 * a split, does; without it the logs of a failed-over pair never `converge`.
 *
 *   standby                                  primary
 *     | resync-request {ids of my log} ------->  |  keep = common prefix of the two logs
 *     | <------- resync-reply {keep, entries}   |
 *     truncate(keep), append entries, then follow the stream (`repl-entry`) in order
 *
 * The whole id list travels in the request: exact, and cheap in a simulation (one array per
 * rejoin). A real system would compare hashes or generation ids instead.
 */
import type { Msg, NodeContext } from '../world/actor.ts';
import type { DiskEntry } from '../world/disk.ts';

export interface ResyncRequest extends Msg {
  type: 'resync-request';
  requestId: number;
  ids: string[];
}

export interface ResyncReply extends Msg {
  type: 'resync-reply';
  requestId: number;
  /** The primary's epoch: the standby follows this (primary, epoch) from now on. */
  epoch: number;
  /** Length of the common prefix: the standby keeps this many entries. */
  keep: number;
  /** The primary's entries after the common prefix. */
  entries: DiskEntry[];
}

/** How many leading entries `ids` and `log` share. */
export function commonPrefixLength(ids: readonly string[], log: readonly DiskEntry[]): number {
  const n = Math.min(ids.length, log.length);
  let i = 0;
  while (i < n && ids[i] === log[i].orderId) i++;
  return i;
}

/** The standby's request: its whole log, by order id. */
export function resyncRequest(ctx: NodeContext, requestId: number): ResyncRequest {
  return { type: 'resync-request', requestId, ids: ctx.disk.entries.map((e) => e.orderId) };
}

/**
 * The primary's side: answers a resync request from its own log at `epoch`, handing out at
 * most its first `upTo` entries (log shipping: only what is in the archive).
 */
export function answerResync(ctx: NodeContext, from: string, msg: ResyncRequest, epoch: number, upTo = Infinity): void {
  const log = ctx.disk.entries;
  const keep = commonPrefixLength(msg.ids, log);
  const reply: ResyncReply = { type: 'resync-reply', requestId: msg.requestId, epoch, keep, entries: log.slice(keep, Math.max(keep, Math.min(upTo, log.length))) };
  ctx.send(from, reply);
}
