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
 *
 * Logs a design compacted (raft) keep their folded prefix as a set and prefix hashes
 * (`durable-log.ts`), and are compared by hash where they are folded: exactly, except where a
 * replica's whole log ends inside the other's folded part less than CHECKPOINT_ENTRIES after a
 * checkpoint; there its unfolded ids are checked to be in the other log (a missing order is
 * caught, a reordering within those entries is not). A divergence inside a folded part is
 * reported by the range of positions it lies in. Scoped comparisons read the unfolded ids
 * (no design with scopes compacts).
 */
import { authoritativeNode } from './authority.ts';
import { CHECKPOINT_ENTRIES, durableLogOf, idAt, prefixHash, unfoldedIds, type DurableLog } from '../history/durable-log.ts';
import type { FinalNodeState, History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { controlEvents } from '../history/traffic.ts';
import { orderScopes, roleScopes, scopeOf } from './scopes.ts';

export const convergence: Invariant = {
  name: 'convergence',
  description: 'after settle, every live replica log and the authoritative log are prefixes of one another',
  check(history: History): Violation[] {
    const scopes = roleScopes(history);
    if (scopes.length === 1) return checkScope(history, '', (f) => f.durableLog, () => true);
    const scopeOfOrder = orderScopes(history);
    const members = new Map<string, Set<string>>();
    for (const e of controlEvents(history)) {
      if (e.type !== 'role') continue;
      const scope = scopeOf(e);
      if (!members.has(scope)) members.set(scope, new Set());
      members.get(scope)!.add(e.node);
    }
    return scopes.flatMap((scope) =>
      checkScope(
        history,
        scope,
        (f) => durableLogOf(unfoldedIds(f.durableLog).filter((id) => scopeOfOrder.get(id) === scope)),
        (f) => members.get(scope)?.has(f.node) ?? false,
      ),
    );
  },
};

function checkScope(
  history: History,
  scope: string,
  logOf: (f: FinalNodeState) => DurableLog,
  isReplica: (f: FinalNodeState) => boolean,
): Violation[] {
  const authority = authoritativeNode(history, scope);
  if (!authority) return [];
  const truth = logOf(authority);
  const where = scope === '' ? '' : `${scope}: `;
  const violations: Violation[] = [];
  const replicas = history.final.filter((f) => f.node !== authority.node && f.state === 'up' && f.durableLog.length > 0 && isReplica(f));
  for (const replica of replicas.sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0))) {
    const log = logOf(replica);
    const divergence = firstDivergence(log, truth);
    if (divergence === undefined) continue;
    const lengths = `(logs of ${log.length} and ${truth.length} orders)`;
    violations.push({
      invariant: 'convergence',
      time: history.endAt,
      detail:
        typeof divergence === 'number'
          ? `${where}${replica.node} diverges from ${authority.node} at log position ${divergence}: ${idAt(log, divergence)} vs ${idAt(truth, divergence)} ${lengths}`
          : `${where}${replica.node} diverges from ${authority.node} within log positions ${divergence.from}-${divergence.to - 1}, compacted ${lengths}`,
    });
  }
  return violations;
}

/**
 * Where two logs first differ on their common prefix: a position, a range of positions when
 * the difference lies where one of them is folded, or undefined when one is a prefix of the
 * other.
 */
function firstDivergence(a: DurableLog, b: DurableLog): number | { from: number; to: number } | undefined {
  const common = Math.min(a.length, b.length);
  const bothUnfolded = Math.max(a.folded.length, b.folded.length);
  if (bothUnfolded === 0) return firstDifferentId(a, b, 0, common);
  // the prefix where either is folded: compared by hash at the furthest point both can hash
  let checked = Math.min(bothUnfolded, common);
  let ha = prefixHash(a, checked);
  let hb = prefixHash(b, checked);
  if (ha === undefined || hb === undefined) {
    checked -= checked % CHECKPOINT_ENTRIES;
    ha = prefixHash(a, checked)!;
    hb = prefixHash(b, checked)!;
  }
  if (!ha.equals(hb)) return foldedDivergence(a, b, checked);
  if (checked < Math.min(bothUnfolded, common)) {
    // the shorter log ends inside the other's folded part, past its last checkpoint
    const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
    const inLonger = longer.folded.ids;
    for (let p = Math.max(checked, shorter.folded.length); p < common; p++) {
      if (!inLonger.has(idAt(shorter, p)!)) return { from: checked, to: common };
    }
    return undefined;
  }
  return firstDifferentId(a, b, checked, common);
}

/** The first position in [from, to) where two logs, unfolded there, hold different ids. */
function firstDifferentId(a: DurableLog, b: DurableLog, from: number, to: number): number | undefined {
  for (let p = from; p < to; p++) if (idAt(a, p) !== idAt(b, p)) return p;
  return undefined;
}

/** The first checkpoint block (below `upTo`, where the prefixes' hashes differ) in which the logs differ. */
function foldedDivergence(a: DurableLog, b: DurableLog, upTo: number): number | { from: number; to: number } {
  let from = 0;
  for (let n = CHECKPOINT_ENTRIES; n < upTo; n += CHECKPOINT_ENTRIES) {
    const ha = prefixHash(a, n);
    const hb = prefixHash(b, n);
    if (ha === undefined || hb === undefined || !ha.equals(hb)) break;
    from = n;
  }
  const to = Math.min(from + CHECKPOINT_ENTRIES, upTo);
  if (from >= a.folded.length && from >= b.folded.length) return firstDifferentId(a, b, from, to) ?? { from, to };
  return { from, to };
}
