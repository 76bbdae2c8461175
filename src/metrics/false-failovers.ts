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
import { effectIndices, lowerBound, primaryIntervals, type PrimaryInterval } from '../check/primary-intervals.ts';

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

/** Promotions made while another primary was alive and serving. */
export function falseFailovers(history: History, intervals: readonly PrimaryInterval[] = primaryIntervals(history)): number {
  const effects = effectIndices(history);
  const { events } = history;
  let count = 0;
  let active: PrimaryInterval[] = [];
  for (const promoted of intervals) {
    const at = promoted.startIndex;
    const since = events[at].time - history.clientTimeout;
    active = active.filter((x) => x.endIndex > at);
    const serving = active.some((old) => {
      if (old.node === promoted.node || old.scope !== promoted.scope) return false;
      const own = effects.get(old.node) ?? [];
      const last = lowerBound(own, at) - 1; // the old primary's last effect before the promotion
      return last >= 0 && own[last] >= old.startIndex && events[own[last]].time >= since;
    });
    if (serving && promoted.start >= 0) count++;
    active.push(promoted);
  }
  return count;
}
