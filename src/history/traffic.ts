/**
 * Order traffic and control events. Order traffic (`invoke`, `ok`, `fail`, `info`, `read`,
 * `ack-sent`, `exchange`) is a few events per order: a long run at 10,000 orders/s records
 * hundreds of millions, so a folded history (fold/history-fold.ts) does not keep them but folds
 * them as they are recorded. Every other event (roles, faults, node states, fencing, routing,
 * phases, notes, probes) is a control event: rare, always kept, and what the checks walk.
 * `controlEvents` gives them in recording order for either kind of history, and positions in
 * that list are what the fold's per-segment facts refer to.
 */
import type { History, HistoryEvent, HistoryEventType } from './history.ts';

const ORDER_TRAFFIC: ReadonlySet<HistoryEventType> = new Set(['invoke', 'ok', 'fail', 'info', 'read', 'ack-sent', 'exchange']);

/** Whether `e` is order traffic (folded away in a folded history) rather than a control event. */
export function isOrderTraffic(e: HistoryEvent): boolean {
  return ORDER_TRAFFIC.has(e.type);
}

const controlOf = new WeakMap<History, HistoryEvent[]>();

/** The history's control events in recording order (its `events` as they are, once folded). */
export function controlEvents(history: History): HistoryEvent[] {
  if (history.digest) return history.events;
  let control = controlOf.get(history);
  if (!control) controlOf.set(history, (control = history.events.filter((e) => !isOrderTraffic(e))));
  return control;
}
