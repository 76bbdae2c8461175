/**
 * Failovers, and the false ones. A promotion is the start of a primary interval (a `primary`
 * declaration by a node not already primary in that epoch; see `check/primary-intervals.ts`).
 * Every promotion after the first is a failover, except a node re-declaring the same epoch
 * after its own restart (it recovered in place; nothing failed over). A promotion of node B is *false* when another
 * node A was still primary at that moment and had produced an external effect (an ack or an
 * accepted exchange order) within the preceding client timeout: A was alive and serving, so
 * the failover was not needed and cost at least a moment of split-brain belief.
 */
import type { History } from '../history/history.ts';
import { lowerBound, primaryIntervals, type PrimaryInterval } from '../check/primary-intervals.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { controlEvents } from '../history/traffic.ts';

/** Promotions after the first one that moved primaryship (another node or a new epoch). */
export function failoverCount(intervals: readonly PrimaryInterval[]): number {
  // intervals are in declaration order; the same node taking primaryship back after its own
  // restart (same epoch) is a recovery in place, not a failover. Counted per scope: each shard
  // has its own primaries (see check/scopes.ts).
  let count = 0;
  const previous = new Map<string, PrimaryInterval>();
  for (const interval of intervals) {
    const prev = previous.get(interval.scope);
    // promotions during boot are the design starting up, not failovers
    if (prev && interval.start >= 0 && (interval.node !== prev.node || interval.epoch !== prev.epoch)) count++;
    previous.set(interval.scope, interval);
  }
  return count;
}

/**
 * Failbacks: a node taking back the primaryship it had before the current primary took over
 * from it (keepalived preemption, Pacemaker moving a resource back to its preferred node, an
 * N+1 active taking its shard back). Planned, and not a false failover even though the
 * primary it replaces is alive and serving. After boot only.
 */
export function failbacks(intervals: readonly PrimaryInterval[]): number {
  return failbackSet(intervals).size;
}

/** The promotions (intervals) that are failbacks. */
function failbackSet(intervals: readonly PrimaryInterval[]): Set<PrimaryInterval> {
  const back = new Set<PrimaryInterval>();
  const previous = new Map<string, PrimaryInterval[]>();
  for (const interval of intervals) {
    const list = previous.get(interval.scope) ?? [];
    const current = list[list.length - 1];
    const before = list[list.length - 2];
    if (interval.start >= 0 && current && before && current.node !== interval.node && before.node === interval.node) back.add(interval);
    list.push(interval);
    previous.set(interval.scope, list);
  }
  return back;
}

/** Promotions made while another primary was alive and serving (failbacks excepted). */
export function falseFailovers(history: History, intervals: readonly PrimaryInterval[] = primaryIntervals(history)): number {
  const effects = digestOf(history).effects.byNode;
  const events = controlEvents(history);
  const back = failbackSet(intervals);
  let count = 0;
  let active: PrimaryInterval[] = [];
  for (const promoted of intervals) {
    const at = promoted.startIndex;
    const since = events[at].time - history.clientTimeout;
    active = active.filter((x) => x.endIndex > at);
    const serving = active.some((old) => {
      if (old.node === promoted.node || old.scope !== promoted.scope) return false;
      const own = effects.get(old.node);
      if (!own) return false;
      // the old primary's last effect before the promotion: in the last segment up to it
      const last = lowerBound(own.segment, at + 1) - 1;
      return last >= 0 && own.segment[last] > old.startIndex && own.last[last] >= since;
    });
    if (serving && promoted.start >= 0 && !back.has(promoted)) count++;
    active.push(promoted);
  }
  return count;
}
