/**
 * `convergence`: once the run is over, every running replica agrees with the authoritative
 * node (see `authority.ts`) on their common prefix. A replica whose log is a prefix of the
 * authority's (lagging) is fine, and so is one that is longer (the authority lagging behind
 * it); one with a different order id at the same position has diverged. Only nodes whose
 * final state is `up` and whose durable log is non-empty are judged. Violations are at
 * `history.endAt`, one per divergent node.
 *
 * With scopes (shards; see `scopes.ts`) each scope is judged on its own: its replicas are the
 * nodes that declared a role in it, and the logs compared are restricted to the scope's orders
 * (a shared standby's log interleaves every shard's). Orders no primary ever acted on have no
 * scope and are left out of that comparison.
 */
import { authoritativeNode } from './authority.ts';
import type { FinalNodeState, History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { orderScopes, roleScopes, scopeOf } from './scopes.ts';

export const convergence: Invariant = {
  name: 'convergence',
  description: 'after settle, every live replica log and the authoritative log are prefixes of one another',
  check(history: History): Violation[] {
    const scopes = roleScopes(history);
    if (scopes.length === 1) return checkScope(history, '', (f) => f.durableOrderIds, () => true);
    const scopeOfOrder = orderScopes(history);
    const members = new Map<string, Set<string>>();
    for (const e of history.events) {
      if (e.type !== 'role') continue;
      const scope = scopeOf(e);
      if (!members.has(scope)) members.set(scope, new Set());
      members.get(scope)!.add(e.node);
    }
    return scopes.flatMap((scope) =>
      checkScope(
        history,
        scope,
        (f) => f.durableOrderIds.filter((id) => scopeOfOrder.get(id) === scope),
        (f) => members.get(scope)?.has(f.node) ?? false,
      ),
    );
  },
};

function checkScope(
  history: History,
  scope: string,
  logOf: (f: FinalNodeState) => string[],
  isReplica: (f: FinalNodeState) => boolean,
): Violation[] {
  const authority = authoritativeNode(history, scope);
  if (!authority) return [];
  const truth = logOf(authority);
  const where = scope === '' ? '' : `${scope}: `;
  const violations: Violation[] = [];
  const replicas = history.final.filter((f) => f.node !== authority.node && f.state === 'up' && f.durableOrderIds.length > 0 && isReplica(f));
  for (const replica of replicas.sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0))) {
    const log = logOf(replica);
    const common = Math.min(log.length, truth.length);
    let i = 0;
    while (i < common && log[i] === truth[i]) i++;
    if (i === common) continue;
    violations.push({
      invariant: 'convergence',
      time: history.endAt,
      detail:
        `${where}${replica.node} diverges from ${authority.node} at log position ${i}: ` +
        `${log[i]} vs ${truth[i]} (logs of ${log.length} and ${truth.length} orders)`,
    });
  }
  return violations;
}
