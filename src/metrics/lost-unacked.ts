/**
 * Visible but unacknowledged data lost: orders that became visible (a client's read found
 * them, or the design recorded `commit.visible-unacked`: a commit that completed locally
 * without its ack, like a PostgreSQL commit whose wait for the synchronous standby was
 * cancelled) yet were never acked, and are missing from the authoritative durable log at the
 * end. Acked losses are `lostAcked` (no-lost-ack); these are the other kind a failover
 * silently takes back: data other clients may have seen and acted on (Patroni's docs on
 * synchronous_mode_strict; PostgreSQL's "waiting transactions will be marked fully committed
 * once the primary database recovers").
 */
import type { History } from '../history/history.ts';
import { durableOrders } from '../check/authority.ts';
import { digestOf } from '../history/fold/history-fold.ts';

export { COMMIT_VISIBLE_UNACKED } from '../history/fold/acks.ts';

/**
 * The lost order ids: client ids (`<client>-<n>`) by client in first-seen order and ascending
 * n, then any other ids in the order they were first seen visible (history/order-ids.ts).
 */
export function lostUnacked(history: History): string[] {
  const acks = digestOf(history).acks;
  const orders = durableOrders(history);
  const lost: string[] = [];
  for (const id of acks.visible) if (!acks.firstAck.has(id) && orders.isDurable(id) === false) lost.push(id);
  return lost;
}
