/**
 * `no-lost-ack`: every order acked to a client is in the authoritative node's durable log
 * once the run is over (see `authority.ts`). One violation per run, carrying the count and
 * the first few ids with their ack times, timed at the event that lost the first lost order:
 * the first crash or power-off of the node that acked it, or promotion of another node in its
 * scope, after the ack (the ack time when there is none). `lostAcks` is shared with the RPO
 * metric. With scopes (shards; see `scopes.ts`) each acked order is judged against the
 * authoritative log of its own scope, and each scope that lost orders is one violation.
 */
import type { Micros } from '../sim/time.ts';
import { formatInstant } from '../sim/time.ts';
import { authoritativeNode, durableOrders } from './authority.ts';
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { controlEvents } from '../history/traffic.ts';
import type { Invariant, Violation } from './invariant.ts';
import { memoPerHistory } from './memo.ts';

export interface LostAck {
  orderId: string;
  /** When the client first received the ack. */
  ackAt: Micros;
  /** The scope (shard) whose authoritative log lacks it; absent: the whole service. */
  scope?: string;
}

/** How many lost ids a violation's detail lists. */
const SHOWN_IDS = 5;

/** Acked orders missing from the authoritative durable log, sorted by ack time then id. */
export const lostAcks = memoPerHistory(function lostAcks(history: History): LostAck[] {
  const orders = durableOrders(history);
  const lost: LostAck[] = [];
  // every order's first ack, folded (history/fold/acks.ts); an id string only for the lost ones
  digestOf(history).acks.firstAck.forEachOrder((prefixOrId, n, ackAt) => {
    if (orders.isDurableOrder(prefixOrId, n) !== false) return;
    const orderId = n < 0 ? prefixOrId : `${prefixOrId}${n}`;
    const scope = orders.scopeOfOrder(orderId);
    lost.push(scope === '' ? { orderId, ackAt } : { orderId, ackAt, scope });
  });
  return lost.sort((x, y) => x.ackAt - y.ackAt || (x.orderId < y.orderId ? -1 : x.orderId > y.orderId ? 1 : 0));
});

export const noLostAck: Invariant = {
  name: 'no-lost-ack',
  description: 'every order acked to a client is in the authoritative durable log after settle',
  check(history: History): Violation[] {
    const byScope = new Map<string, LostAck[]>();
    for (const l of lostAcks(history)) {
      const scope = l.scope ?? '';
      const list = byScope.get(scope);
      if (list) list.push(l);
      else byScope.set(scope, [l]);
    }
    return [...byScope].map(([scope, lost]) => {
      const lostAt = lossEvent(history, lost[0]);
      const authority = authoritativeNode(history, scope)!;
      const lastEpoch = scope === '' ? authority.lastEpoch : authority.lastRoleByScope?.[scope]?.epoch;
      const shown = lost.slice(0, SHOWN_IDS).map((l) => `${l.orderId} (acked ${formatInstant(l.ackAt)})`);
      const more = lost.length > SHOWN_IDS ? `, and ${lost.length - SHOWN_IDS} more` : '';
      const epoch = lastEpoch === undefined ? '' : `, epoch ${lastEpoch}`;
      const where = scope === '' ? '' : `${scope}: `;
      return {
        invariant: 'no-lost-ack',
        time: lostAt?.time ?? lost[0].ackAt,
        detail: `${where}${lost.length} acked order(s) missing from the durable log of ${authority.node} (${authority.state}${epoch})${lostAt ? `, lost at ${lostAt.what}` : ''}: ${shown.join(', ')}${more}`,
      };
    });
  },
};

/**
 * The event that lost an acked order: after its ack, the first crash or power-off of the node
 * that held it (the scope's primary when the order was acked, or the node that acked it when
 * no one was), or promotion of another node in the same scope (a failover to a node without
 * it). Undefined when neither happened.
 */
function lossEvent(history: History, lost: LostAck): { time: Micros; what: string } | undefined {
  const events = controlEvents(history);
  const acks = digestOf(history).acks;
  const scope = lost.scope ?? '';
  // the ack's place among the control events: after every one before its instant, unless the fold noted otherwise
  const position = acks.controlPosition.get(lost.orderId) ?? lowerBound(events, lost.ackAt);
  let primary: string | undefined;
  let i = 0;
  for (; i < position; i++) {
    const e = events[i];
    if (e.type === 'role' && (e.scope ?? '') === scope) {
      if (e.role === 'primary') primary = e.node;
      else if (e.node === primary) primary = undefined;
    }
  }
  const acker = primary ?? acks.ackerWithoutPrimary.get(lost.orderId)!;
  for (; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'node-state' && e.node === acker && (e.state === 'crashed' || e.state === 'off')) return { time: e.time, what: `${acker} ${e.state} ${formatInstant(e.time)}` };
    if (e.type === 'role' && e.role === 'primary' && e.node !== acker && (e.scope ?? '') === scope) return { time: e.time, what: `${e.node} promoted ${formatInstant(e.time)}` };
  }
  return undefined;
}

/** How many of the time-ordered `events` are before `time`. */
function lowerBound(events: readonly { time: Micros }[], time: Micros): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
