/**
 * Which node's durable log is the truth after the run: the authoritative node. `no-lost-ack`,
 * `convergence` and the RPO metric all judge against it.
 *
 * Among the final nodes whose last declared role is `primary`, prefer those still running
 * (`up` or `paused`), then the highest last epoch, then the latest primary declaration, then
 * declaration order in `history.nodes`. If no node ends as primary, the node that most
 * recently declared itself primary is authoritative (its disk survives a crash). If no node
 * ever declared primary there is no authority (and `recovery` reports the unserved orders).
 *
 * With scopes (a shard each; see `scopes.ts`) each scope has its own authority, chosen the same
 * way from the roles declared in that scope; the default scope `''` is the whole service.
 */
import type { Micros } from '../sim/time.ts';
import { durableIds, type DurableIds } from '../history/durable-log.ts';
import type { FinalNodeState, History, Role } from '../history/history.ts';
import { controlEvents } from '../history/traffic.ts';
import { hasScopes, orderScopes, scopeOf } from './scopes.ts';

export function authoritativeNode(history: History, scope = ''): FinalNodeState | undefined {
  const lastPrimaryAt = new Map<string, Micros>();
  for (const e of controlEvents(history)) if (e.type === 'role' && e.role === 'primary' && scopeOf(e) === scope) lastPrimaryAt.set(e.node, e.time);
  const last = (f: FinalNodeState): { role?: Role; epoch?: number } =>
    scope === '' ? { role: f.lastRole, epoch: f.lastEpoch } : (f.lastRoleByScope?.[scope] ?? {});
  const rank = (node: string): number => {
    const i = history.nodes.indexOf(node);
    return i < 0 ? history.nodes.length : i;
  };
  const claimants = history.final.filter((f) => last(f).role === 'primary');
  if (claimants.length > 0) {
    return claimants.slice().sort((x, y) =>
      Number(isRunning(y)) - Number(isRunning(x)) ||
      (last(y).epoch ?? -Infinity) - (last(x).epoch ?? -Infinity) ||
      (lastPrimaryAt.get(y.node) ?? -Infinity) - (lastPrimaryAt.get(x.node) ?? -Infinity) ||
      rank(x.node) - rank(y.node) ||
      compareStrings(x.node, y.node),
    )[0];
  }
  let latest: { node: string; at: Micros } | undefined;
  for (const [node, at] of lastPrimaryAt) {
    const earlierInOrder = latest && at === latest.at && (rank(node) - rank(latest.node) || compareStrings(node, latest.node)) < 0;
    if (!latest || at > latest.at || earlierInOrder) latest = { node, at };
  }
  return latest ? history.final.find((f) => f.node === latest.node) : undefined;
}

function isRunning(f: FinalNodeState): boolean {
  return f.state === 'up' || f.state === 'paused';
}

function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Where an order stands after settle: its scope, and whether the scope's authority kept it. */
export interface DurableOrders {
  scopeOfOrder(orderId: string): string;
  /** `true` or `false`, or `null` when the order's scope has no authority to judge by. */
  isDurable(orderId: string): boolean | null;
  /**
   * `isDurable` of an order given as `OrderTimes.forEachOrder` visits it (a client id as its
   * prefix and n, any other id whole with n = -1), so a pass over every acked order of a long
   * run builds no string per order (only with scopes, which need the id to find its scope).
   */
  isDurableOrder(prefixOrId: string, n: number): boolean | null;
}

/**
 * The authoritative durable state as a lookup per order. no-lost-ack and the
 * visible-but-unacked metric ask the same question, so they share this one lookup.
 */
export function durableOrders(history: History): DurableOrders {
  const scopes = hasScopes(history) ? orderScopes(history) : undefined;
  /** Per scope: the authority's durable order ids, or null when the scope has no authority. */
  const durableIn = new Map<string, DurableIds | null>();
  const scopeOfOrder = (orderId: string) => scopes?.get(orderId) ?? '';
  const idsOf = (scope: string): DurableIds | null => {
    let ids = durableIn.get(scope);
    if (ids === undefined) {
      const authority = authoritativeNode(history, scope);
      durableIn.set(scope, (ids = authority ? durableIds(authority.durableLog) : null));
    }
    return ids;
  };
  const isDurable = (orderId: string) => idsOf(scopeOfOrder(orderId))?.has(orderId) ?? null;
  return {
    scopeOfOrder,
    isDurable,
    isDurableOrder(prefixOrId, n) {
      if (scopes) return isDurable(n < 0 ? prefixOrId : `${prefixOrId}${n}`);
      return idsOf('')?.hasOrder(prefixOrId, n) ?? null;
    },
  };
}
