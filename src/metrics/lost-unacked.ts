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

export const COMMIT_VISIBLE_UNACKED = 'commit.visible-unacked';

/** The lost order ids, in the order they were first seen visible. */
export function lostUnacked(history: History): string[] {
  const visible: string[] = [];
  const seen = new Set<string>();
  const acked = new Set<string>();
  for (const e of history.events) {
    if (e.type === 'ok') acked.add(e.orderId);
    const id = e.type === 'read' && e.found ? e.orderId : e.type === 'probe' && e.probe === COMMIT_VISIBLE_UNACKED ? e.subject : undefined;
    if (id !== undefined && !seen.has(id)) {
      seen.add(id);
      visible.push(id);
    }
  }
  const orders = durableOrders(history);
  return visible.filter((id) => {
    if (acked.has(id)) return false;
    return orders.isDurable(id) === false;
  });
}
