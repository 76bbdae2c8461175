/**
 * `no-lost-ack`: every order acked to a client is in the authoritative node's durable log
 * once the run is over (see `authority.ts`). One violation per run, at the ack of the first
 * lost order, carrying the count and the first few ids. `lostAcks` is shared with the RPO
 * metric.
 */
import type { Micros } from '../sim/time.ts';
import { formatInstant } from '../sim/time.ts';
import { authoritativeNode } from './authority.ts';
import type { History } from './history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { memoPerHistory } from './memo.ts';

export interface LostAck {
  orderId: string;
  /** When the client first received the ack. */
  ackAt: Micros;
}

/** How many lost ids a violation's detail lists. */
const SHOWN_IDS = 5;

/** Acked orders missing from the authoritative durable log, sorted by ack time then id. */
export const lostAcks = memoPerHistory(function lostAcks(history: History): LostAck[] {
  const authority = authoritativeNode(history);
  if (!authority) return [];
  const durable = new Set(authority.durableOrderIds);
  const ackAt = new Map<string, Micros>();
  for (const e of history.events) {
    if (e.type === 'ok' && !durable.has(e.orderId) && !ackAt.has(e.orderId)) ackAt.set(e.orderId, e.time);
  }
  return [...ackAt]
    .map(([orderId, at]) => ({ orderId, ackAt: at }))
    .sort((x, y) => x.ackAt - y.ackAt || (x.orderId < y.orderId ? -1 : x.orderId > y.orderId ? 1 : 0));
});

export const noLostAck: Invariant = {
  name: 'no-lost-ack',
  description: 'every order acked to a client is in the authoritative durable log after settle',
  check(history: History): Violation[] {
    const lost = lostAcks(history);
    if (lost.length === 0) return [];
    const authority = authoritativeNode(history)!;
    const shown = lost.slice(0, SHOWN_IDS).map((l) => `${l.orderId} (acked ${formatInstant(l.ackAt)})`);
    const more = lost.length > SHOWN_IDS ? `, and ${lost.length - SHOWN_IDS} more` : '';
    const epoch = authority.lastEpoch === undefined ? '' : `, epoch ${authority.lastEpoch}`;
    return [{
      invariant: 'no-lost-ack',
      time: lost[0].ackAt,
      detail: `${lost.length} acked order(s) missing from the durable log of ${authority.node} (${authority.state}${epoch}): ${shown.join(', ')}${more}`,
    }];
  },
};
