/**
 * Campaign coverage of probes: every probe the design's parts can emit is counted (zeros
 * included), merged across runs, and a probe that never fired becomes a vacuity warning; one
 * that marks an invariant at risk (a lock expiring while held) says the check was never at risk.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/campaign/check.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import { campaignCoverage, vacuityWarnings } from '../../src/report/campaign-metrics.ts';

const schedule = (faults: string[]) =>
  parseSchedule(`name: t\nduration: 30s\nsettle: 10s\nfaults:\n${faults.map((f) => `  - ${f}`).join('\n') || '  []'}\n`, 't.yaml');

const campaignOf = async (faults: string[]) => {
  const result = await check({ designs: ['active-active-lock'], schedules: [schedule(faults)], runs: 2, workers: 0, maxFailures: 0 });
  return result.aggregates[0];
};

describe('probe coverage across a campaign', () => {
  it('counts each probe over runs, lists the silent ones with 0, and warns that no lock expired while held', async () => {
    const a = await campaignOf([]);
    const probes = campaignCoverage(a).probes;
    expect(probes['lock.acquired'].runs).toBe(2);
    expect(probes['lock.acquired'].total).toBe(probes['lock.released'].total);
    expect(probes['lock.expired']).toEqual({ total: 0, runs: 0 });
    expect(probes['raft.nothing']).toBeUndefined();
    const warnings = vacuityWarnings(a);
    expect(warnings).toContain('no lock ever expired while held (probe lock.expired never fired): the check was never at risk');
    expect(warnings.find((w) => w.startsWith('mechanisms never exercised'))).toContain('lock.expired');
  });

  it('has no such warning once a triggered pause outlasts the lease of a held lock', async () => {
    const a = await campaignOf(['{ at: 5s, when: { probe: lock.acquired, node: i1 }, kind: pause, for: 8s }']);
    expect(campaignCoverage(a).probes['lock.expired'].runs).toBe(2);
    expect(vacuityWarnings(a).some((w) => w.includes('lock.expired'))).toBe(false);
  });
});
