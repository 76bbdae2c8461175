/**
 * Split-brain time: how long two nodes both believed they were primary (`belief`), and how
 * long the split brain was acting on it (`effective`: for an overlap longer than an instant in
 * which both produced external effects, how long the stray side acted; see
 * `check/primary-intervals.ts`), and how many pairs were effective at all (`effectivePairs`: a
 * stray side whose effects all fall at one instant acts for 0 ms but is still a split brain).
 * Summed over every overlapping pair of nodes, so three primaries at once count three pairs.
 */
import type { History } from '../history/history.ts';
import { splitBrainIntervals, type PrimaryInterval } from '../check/primary-intervals.ts';
import { toMs } from '../sim/time.ts';

export function splitBrainTime(history: History, intervals?: PrimaryInterval[]): { belief: number; effective: number; effectivePairs: number } {
  let belief = 0;
  let effective = 0;
  let effectivePairs = 0;
  // boot (before 0) is not measured
  const measured = (span: { start: number; end: number }) => Math.max(0, span.end - Math.max(0, span.start));
  for (const pair of splitBrainIntervals(history, intervals)) {
    belief += measured(pair.belief);
    if (!pair.effective || pair.effective.end < 0) continue;
    effective += measured(pair.effective);
    effectivePairs++;
  }
  return { belief: toMs(belief), effective: toMs(effective), effectivePairs };
}
