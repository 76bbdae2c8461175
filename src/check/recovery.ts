/**
 * `recovery`: the service comes back, and comes back fast enough.
 *
 * (a) After `healAt` (every fault healed) the service accepts orders again before
 *     `settleEndAt`: some order invoked at or after `healAt` is acked by then. Orders
 *     rejected because the market is closed do not count either way; with no other order
 *     invoked after `healAt` there is nothing to judge.
 * (b) Every outage (see `outages.ts`) lasts at most the design's `rtoTarget`, while a
 *     healthy standby exists. Approximation: an outage is excused if at some instant during
 *     it every node in `history.nodes` was unhealthy (not `up`, or the target of an active
 *     fault; see `health.ts`), and an outage still open at `settleEndAt` is left to (a).
 *     The violation's time is the instant the outage exceeded the target.
 */
import { formatDuration, formatInstant } from '../sim/time.ts';
import { findOutages, type Outage } from './outages.ts';
import { noHealthyNodePeriods, type Period } from './health.ts';
import type { History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { isMarketClosed } from '../history/order-record.ts';

export const recovery: Invariant = {
  name: 'recovery',
  description: 'after faults heal the service accepts orders again before settle ends, and outages with a healthy standby stay within the RTO target',
  check(history: History): Violation[] {
    return [...serviceReturns(history), ...outagesWithinTarget(history)];
  },
};

function serviceReturns(history: History): Violation[] {
  // orders acked in time left the fold at their ack (as counts); the others are all kept
  const flow = digestOf(history).orders;
  let afterHeal = flow.settledAfterHeal;
  let ackedBySettle = flow.settledAfterHealBySettle;
  for (const o of flow.unserved()) {
    if (o.invokeAt < history.healAt || isMarketClosed(o)) continue;
    afterHeal++;
    if (o.outcome === 'ok' && o.outcomeAt! <= history.settleEndAt) ackedBySettle = true;
  }
  if (afterHeal === 0 || ackedBySettle) return [];
  return [{
    invariant: 'recovery',
    time: history.settleEndAt,
    detail:
      `none of the ${afterHeal} order(s) invoked after faults healed at ${formatInstant(history.healAt)} ` +
      `was acked before settle ended at ${formatInstant(history.settleEndAt)}`,
  }];
}

function outagesWithinTarget(history: History): Violation[] {
  const excusing = noHealthyNodePeriods(history);
  const violations: Violation[] = [];
  for (const outage of findOutages(history)) {
    if (outage.open || outage.end - outage.start <= history.rtoTarget) continue;
    if (overlapsAny(outage, excusing)) continue;
    violations.push({
      invariant: 'recovery',
      time: outage.start + history.rtoTarget,
      detail:
        `outage from ${formatInstant(outage.start)} to ${formatInstant(outage.end)} lasted ` +
        `${formatDuration(outage.end - outage.start)}, over the RTO target of ${formatDuration(history.rtoTarget)}, ` +
        `while a healthy node existed`,
    });
  }
  return violations;
}

/** Whether the outage shares an instant with one of the sorted, disjoint periods. */
function overlapsAny(outage: Outage, periods: Period[]): boolean {
  let lo = 0;
  let hi = periods.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (periods[mid].end <= outage.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < periods.length && periods[lo].start < outage.end;
}
