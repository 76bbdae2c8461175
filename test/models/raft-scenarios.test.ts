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

describe.each([3, 5])('raft with %i nodes', (nodes) => {
  it('has scenarios to run', () => expect(SCENARIOS.length).toBeGreaterThan(10));

  it.each(SCENARIOS)('is safe under %s', (file) => {
    const r = runRaft(loadSchedule(`${DIR}${file}`), { nodes }, 1);
    expect(r.violations).toEqual([]);
    expect(exchangeExactlyOnceProblems(r)).toEqual([]);
  });
});
