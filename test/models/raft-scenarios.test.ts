/**
 * raft under every shipped failure scenario (scenarios/*.yaml, the random profiles aside), with
 * 3 and 5 nodes: Raft is safe under all of them, so no invariant may fail; and every committed
 * order reaches the exchange exactly once by the end (the leader reconciles with order-status
 * queries after failovers, disconnects and lost messages).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSchedule } from '../../src/faults/schedule.ts';
import { exchangeExactlyOnceProblems, runRaft } from './raft-helpers.ts';

const DIR = new URL('../../scenarios/', import.meta.url).pathname;
const SCENARIOS = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.startsWith('random-')).sort();

/**
 * Seeds per cluster size: one each keeps the file within its time budget; wider seed sweeps
 * belong to `hasim check` with the random profiles. 5 nodes run under `npm run test:long`
 * (HASIM_LONG=1) only: the same scenarios at 3 nodes hold npm test's 5-minute budget.
 */
const LONG = process.env.HASIM_LONG === '1';
const SEEDS: [number, number[]][] = LONG
  ? [
      [3, [1]],
      [5, [2]],
    ]
  : [[3, [1]]];

describe.each(SEEDS)('raft with %i nodes', (nodes, seeds) => {
  it('has scenarios to run', () => expect(SCENARIOS.length).toBeGreaterThan(10));

  it.each(SCENARIOS)('is safe under %s', (file) => {
    for (const seed of seeds) {
      const r = runRaft(loadSchedule(`${DIR}${file}`), { nodes }, seed);
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(exchangeExactlyOnceProblems(r), `seed ${seed}`).toEqual([]);
    }
  });
});
