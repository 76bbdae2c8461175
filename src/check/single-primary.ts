/**
 * `single-primary`: no two nodes are *effective* primaries at once. Two nodes merely believing
 * they are primary (overlapping primary intervals) is split-brain belief, measured by the
 * metrics but harmless on its own; it becomes a violation when the overlap is effective: it
 * lasts longer than an instant (both could accept or affect writes within a common interval of
 * positive length) and both nodes produce an external effect (an ack to a client, or an order
 * the exchange accepted) inside it, whether at the same moment or one after the other (see
 * `primary-intervals.ts`). An instantaneous handover is not a split brain. The violation's
 * time is the first instant at which both had acted.
 */
import { formatDuration, formatInstant } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import type { Invariant, Violation } from './invariant.ts';
import { splitBrainIntervals, type SplitBrainInterval } from './primary-intervals.ts';

export { primaryIntervals, splitBrainIntervals } from './primary-intervals.ts';

export const singlePrimary: Invariant = {
  name: 'single-primary',
  description: 'no two nodes both act as primary (ack clients or reach the exchange) while both believe they are primary',
  check(history: History): Violation[] {
    const violations: Violation[] = [];
    for (const pair of splitBrainIntervals(history)) {
      if (pair.effective) violations.push({ invariant: 'single-primary', time: pair.effective.bothAt, detail: describe(pair) });
    }
    return violations;
  },
};

function describe({ first, second, belief, effective }: SplitBrainInterval): string {
  const { start, end, bothAt } = effective!;
  // the stray side: the node that stops acting first (see check/primary-intervals.ts)
  const acting = end > start ? `stray effects from ${formatInstant(start)} to ${formatInstant(end)} (${formatDuration(end - start)})` : `stray effects at ${formatInstant(start)}`;
  return (
    `${first.node} (epoch ${first.epoch}) and ${second.node} (epoch ${second.epoch}) both primary ` +
    `from ${formatInstant(belief.start)} to ${formatInstant(belief.end)} (${formatDuration(belief.end - belief.start)}), ` +
    `both acting by ${formatInstant(bothAt)}; ${acting}`
  );
}
