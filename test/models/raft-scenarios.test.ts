/**
 * raft under every shipped failure scenario (scenarios/*.yaml, the random profiles aside), with
 * 3 and 5 nodes: Raft is safe under all of them, so no invariant may fail. Where the cluster
 * keeps a majority and the exchange link works, every committed order also reaches the exchange
 * exactly once.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSchedule } from '../../src/faults/schedule.ts';
import { exchangeExactlyOnceProblems, runRaft } from './raft-helpers.ts';

const DIR = new URL('../../scenarios/', import.meta.url).pathname;
const SCENARIOS = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.startsWith('random-')).sort();

/** Scenarios that lose orders on their way to the exchange (lost messages, no link) or lose every node. */
const EXCHANGE_MAY_MISS = new Set([
  'dc-loss.yaml',
  'disk-failure.yaml',
  'exchange-disconnect.yaml',
  'market-close.yaml',
  'packet-loss.yaml',
  'link-down.yaml',
]);

describe.each([3, 5])('raft with %i nodes', (nodes) => {
  it('has scenarios to run', () => expect(SCENARIOS.length).toBeGreaterThan(10));

  it.each(SCENARIOS)('is safe under %s', (file) => {
    const r = runRaft(loadSchedule(`${DIR}${file}`), { nodes }, 1);
    expect(r.violations).toEqual([]);
    if (!EXCHANGE_MAY_MISS.has(file)) expect(exchangeExactlyOnceProblems(r)).toEqual([]);
  });
});
