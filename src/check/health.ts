/**
 * When no node was healthy: the periods that excuse a long outage in the `recovery`
 * invariant (no design can fail over to a standby that is itself down).
 *
 * An approximation from the history alone: a node is unhealthy while its last `node-state` is
 * not `up` (paused, crashed, off), or while it is named in the `targets` of an active fault
 * (between `fault-begin` and the `fault-end` with the same `faultId`; a fault that never ends
 * lasts to the end of the run). Targets that are not node ids (links, switches) are ignored,
 * so a partition counts only if its fault names the nodes it isolates. Witnesses and other
 * non-serving nodes count like any node in `history.nodes`.
 */
import type { Micros } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import { controlEvents } from '../history/traffic.ts';

export interface Period {
  start: Micros;
  /** Exclusive. */
  end: Micros;
}

/** Periods [start, end) in which every node of `history.nodes` was unhealthy, in order. */
export function noHealthyNodePeriods(history: History): Period[] {
  const nodes = new Set(history.nodes);
  if (nodes.size === 0) return [];
  const notUp = new Set<string>();
  const faultCount = new Map<string, number>();
  const faultTargets = new Map<number, string[]>();
  const unhealthy = (node: string): boolean => notUp.has(node) || (faultCount.get(node) ?? 0) > 0;
  let unhealthyNodes = 0;
  // Applies `change` to one node and keeps the count of unhealthy nodes in step.
  const update = (node: string, change: () => void): void => {
    const before = unhealthy(node);
    change();
    unhealthyNodes += Number(unhealthy(node)) - Number(before);
  };

  const periods: Period[] = [];
  let openSince: Micros | null = null;
  const events = controlEvents(history);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'node-state' && nodes.has(e.node)) {
      update(e.node, () => (e.state === 'up' ? notUp.delete(e.node) : notUp.add(e.node)));
    } else if (e.type === 'fault-begin') {
      const targets = [...new Set(e.targets)].filter((t) => nodes.has(t));
      faultTargets.set(e.faultId, targets);
      for (const t of targets) update(t, () => faultCount.set(t, (faultCount.get(t) ?? 0) + 1));
    } else if (e.type === 'fault-end') {
      const targets = faultTargets.get(e.faultId) ?? [];
      faultTargets.delete(e.faultId);
      for (const t of targets) update(t, () => faultCount.set(t, (faultCount.get(t) ?? 0) - 1));
    }
    // Judge only once every event of this instant has been applied.
    if (i + 1 < events.length && events[i + 1].time === e.time) continue;
    if (unhealthyNodes === nodes.size && openSince === null) openSince = e.time;
    else if (unhealthyNodes < nodes.size && openSince !== null) {
      if (e.time > openSince) periods.push({ start: openSince, end: e.time });
      openSince = null;
    }
  }
  if (openSince !== null && history.endAt > openSince) periods.push({ start: openSince, end: history.endAt });
  return periods;
}
