/**
 * Role scopes: designs that run several independent services at once (N+1 sharding: one
 * primary per shard) declare each role with a `scope` (the shard), and the invariants apply per
 * scope: two primaries of *different* shards are not a split brain, each shard has its own
 * authoritative log, and an acked order is judged against the log of its own shard.
 *
 * Scope `''` is the whole service: a design that never names a scope has only it, and every
 * invariant behaves as if scopes did not exist.
 *
 * An order belongs to the scope its primary was serving when it acted on it: the first `ack-sent`,
 * accepted `exchange` or client `ok` event for the order names a node, and the order takes the
 * scope that node is primary in at that moment (the one it most recently became primary in, if
 * several). An effect by a node primary in no scope (a late ack after a demotion) counts for the
 * last scope it was primary in; an order with no effect at all has no scope.
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { controlEvents } from '../history/traffic.ts';
import { memoPerHistory } from './memo.ts';

/** The scope of a `role` event (`''`: the whole service). */
export function scopeOf(e: { scope?: string }): string {
  return e.scope ?? '';
}

/** Every scope in which some role was declared, sorted, `''` always first. */
export const roleScopes = memoPerHistory(function roleScopes(history: History): string[] {
  const named = new Set<string>();
  for (const e of controlEvents(history)) if (e.type === 'role' && e.scope) named.add(e.scope);
  return ['', ...[...named].sort()];
});

/** Whether the history names any scope besides the whole service. */
export function hasScopes(history: History): boolean {
  return roleScopes(history).length > 1;
}

/** Order id -> the scope of the primary that first acked it or sent it to the exchange (folded: history/fold/order-scopes.ts). */
export function orderScopes(history: History): { get(orderId: string): string | undefined } {
  return digestOf(history).scopes;
}
