/**
 * `convergence`: once the run is over, every running replica agrees with the authoritative
 * node (see `authority.ts`) on their common prefix. A replica whose log is a prefix of the
 * authority's (lagging) is fine, and so is one that is longer (the authority lagging behind
 * it); one with a different order id at the same position has diverged. Only nodes whose
 * final state is `up` and whose durable log is non-empty are judged. Violations are at
 * `history.endAt`, one per divergent node.
 */
import { authoritativeNode } from './authority.ts';
import type { History } from './history.ts';
import type { Invariant, Violation } from './invariant.ts';

export const convergence: Invariant = {
  name: 'convergence',
  description: 'after settle, every live replica log and the authoritative log are prefixes of one another',
  check(history: History): Violation[] {
    const authority = authoritativeNode(history);
    if (!authority) return [];
    const truth = authority.durableOrderIds;
    const violations: Violation[] = [];
    const replicas = history.final.filter((f) => f.node !== authority.node && f.state === 'up' && f.durableOrderIds.length > 0);
    for (const replica of replicas.sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0))) {
      const log = replica.durableOrderIds;
      const common = Math.min(log.length, truth.length);
      let i = 0;
      while (i < common && log[i] === truth[i]) i++;
      if (i === common) continue;
      violations.push({
        invariant: 'convergence',
        time: history.endAt,
        detail:
          `${replica.node} diverges from ${authority.node} at log position ${i}: ` +
          `${log[i]} vs ${truth[i]} (logs of ${log.length} and ${truth.length} orders)`,
      });
    }
    return violations;
  },
};
