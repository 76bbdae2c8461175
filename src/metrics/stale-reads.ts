/**
 * Stale reads, where a design serves reads: a read that did not find an order whose ack the
 * client had received before it asked. A client only reads orders with an outcome, so a stale
 * read is a read-your-writes failure: a node answering from an old state (a demoted primary
 * still serving, a lagging replica).
 */
import type { History } from '../history/history.ts';

export function staleReads(history: History): number {
  const ackedAt = new Map<string, number>();
  let stale = 0;
  for (const e of history.events) {
    if (e.type === 'ok' && !ackedAt.has(e.orderId)) ackedAt.set(e.orderId, e.time);
    else if (e.type === 'read' && !e.found) {
      const at = ackedAt.get(e.orderId);
      if (at !== undefined && at < e.invokedAt) stale++;
    }
  }
  return stale;
}
