/**
 * `no-lost-ack`: every order acked to a client is in the authoritative node's durable log
 * once the run is over (see `authority.ts`). One violation per run, at the ack of the first
 * lost order, carrying the count and the first few ids. `lostAcks` is shared with the RPO
 * metric. With scopes (shards; see `scopes.ts`) each acked order is judged against the
 * authoritative log of its own scope, and each scope that lost orders is one violation.
 */
import type { Micros } from '../sim/time.ts';
import { formatInstant } from '../sim/time.ts';
import { authoritativeNode } from './authority.ts';
import type { History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { memoPerHistory } from './memo.ts';
import { hasScopes, orderScopes } from './scopes.ts';

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
  const scopeOfOrder = hasScopes(history) ? orderScopes(history) : undefined;
  /** Per scope: the authority's durable order ids, or null when the scope has no authority. */
  const durableIn = new Map<string, Set<string> | null>();
  const durable = (scope: string): Set<string> | null => {
    if (!durableIn.has(scope)) {
      const authority = authoritativeNode(history, scope);
      durableIn.set(scope, authority ? new Set(authority.durableOrderIds) : null);
    }
    return durableIn.get(scope)!;
  };
  const lost = new Map<string, LostAck>();
  for (const e of history.events) {
    if (e.type !== 'ok' || lost.has(e.orderId)) continue;
    const scope = scopeOfOrder?.get(e.orderId) ?? '';
    const ids = durable(scope);
    if (ids && !ids.has(e.orderId)) lost.set(e.orderId, scope === '' ? { orderId: e.orderId, ackAt: e.time } : { orderId: e.orderId, ackAt: e.time, scope });
  }
  return [...lost.values()].sort((x, y) => x.ackAt - y.ackAt || (x.orderId < y.orderId ? -1 : x.orderId > y.orderId ? 1 : 0));
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
      const authority = authoritativeNode(history, scope)!;
      const lastEpoch = scope === '' ? authority.lastEpoch : authority.lastRoleByScope?.[scope]?.epoch;
      const shown = lost.slice(0, SHOWN_IDS).map((l) => `${l.orderId} (acked ${formatInstant(l.ackAt)})`);
      const more = lost.length > SHOWN_IDS ? `, and ${lost.length - SHOWN_IDS} more` : '';
      const epoch = lastEpoch === undefined ? '' : `, epoch ${lastEpoch}`;
      const where = scope === '' ? '' : `${scope}: `;
      return {
        invariant: 'no-lost-ack',
        time: lost[0].ackAt,
        detail: `${where}${lost.length} acked order(s) missing from the durable log of ${authority.node} (${authority.state}${epoch}): ${shown.join(', ')}${more}`,
      };
    });
  },
};
