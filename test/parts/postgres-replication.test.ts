/**
 * Timeline histories and the common prefix of two WAL logs (src/parts/postgres-replication.ts):
 * how far a rejoining standby agrees with the primary, i.e. where pg_rewind cuts.
 */
import { describe, expect, it } from 'vitest';
import { commonPrefix, timelineRuns } from '../../src/parts/postgres-replication.ts';

const log = (...terms: number[]) => terms.map((term, i) => ({ orderId: `o${i}`, term }));

describe('timelineRuns', () => {
  it('compresses a log into runs of one timeline each', () => {
    expect(timelineRuns(log(5, 5, 5, 9, 9, 12))).toEqual([
      { term: 5, start: 0, end: 3 },
      { term: 9, start: 3, end: 5 },
      { term: 12, start: 5, end: 6 },
    ]);
    expect(timelineRuns([])).toEqual([]);
  });
});

describe('commonPrefix', () => {
  const primary = timelineRuns(log(5, 5, 5, 9, 9, 9));

  it('is the whole standby log when the standby is behind on the same history', () => {
    expect(commonPrefix(primary, timelineRuns(log(5, 5)))).toBe(2);
    expect(commonPrefix(primary, timelineRuns(log(5, 5, 5, 9)))).toBe(4);
  });

  it('ends at the fork when a former primary wrote on its own timeline (pg_rewind cuts there)', () => {
    // the old primary kept writing on timeline 5 after the new one forked at entry 3
    expect(commonPrefix(primary, timelineRuns(log(5, 5, 5, 5, 5)))).toBe(3);
    // a split-brain primary on its own timeline 7 from entry 2
    expect(commonPrefix(primary, timelineRuns(log(5, 5, 7, 7)))).toBe(2);
  });

  it('is zero for an empty standby (a base backup)', () => {
    expect(commonPrefix(primary, [])).toBe(0);
  });
});
