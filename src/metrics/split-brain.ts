/**
 * Split-brain time: how long two nodes both believed they were primary (`belief`), and how
 * long the split brain was acting on it (`effective`: for an overlap longer than an instant in
 * which both produced external effects, from the first effect of either in it to the last;
 * see `check/primary-intervals.ts`). Summed over
 * every overlapping pair of nodes, so three primaries at once count three pairs.
 */
import type { History } from '../history/history.ts';
import { splitBrainIntervals, type PrimaryInterval } from '../check/primary-intervals.ts';
import { toMs } from '../sim/time.ts';

export function splitBrainTime(history: History, intervals?: PrimaryInterval[]): { belief: number; effective: number } {
  let belief = 0;
  let effective = 0;
  // boot (before 0) is not measured
  const measured = (span: { start: number; end: number }) => Math.max(0, span.end - Math.max(0, span.start));
  for (const pair of splitBrainIntervals(history, intervals)) {
    belief += measured(pair.belief);
    if (pair.effective) effective += measured(pair.effective);
  }
  return { belief: toMs(belief), effective: toMs(effective) };
}
