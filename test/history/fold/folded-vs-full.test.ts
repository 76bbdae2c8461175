/**
 * A run whose order traffic is folded as it is recorded (history/fold/history-fold.ts) gives
 * exactly the violations and metrics of the same run keeping every event: across designs and
 * faults that break each invariant (split brain, lost acks, duplicates, stale reads, scoped
 * outages, market-closed refusals, late acks on a kept session).
 */
import { describe, expect, it } from 'vitest';
import { loadDesign, profilePath, scenarioPath } from '../../../src/campaign/catalog.ts';
import { simulate, type RunResult, type SimulateOptions } from '../../../src/campaign/simulate.ts';
import { drawRun, loadProfile } from '../../../src/faults/random-profile.ts';
import { loadSchedule } from '../../../src/faults/schedule.ts';
import { isOrderTraffic } from '../../../src/history/traffic.ts';
import { faultSchedule } from '../../models/fault-schedule.ts';

interface Case {
  name: string;
  options: () => Promise<Omit<SimulateOptions, 'foldTraffic'>>;
  /** What the run must show, so that the comparison covers it. */
  shows?: (r: RunResult) => boolean;
}

const breaks = (...invariants: string[]) => (r: RunResult) => invariants.every((name) => r.violations.some((v) => v.invariant === name));

const drawn = (design: string, profile: string, seed: number, workload?: SimulateOptions['workload'], shows?: Case['shows']): Case => ({
  name: `${design} ${profile} seed ${seed}`,
  shows,
  options: async () => {
    const d = await loadDesign(design);
    const run = drawRun(loadProfile(profilePath(profile)), d, seed);
    return { design: d, seed, schedule: run.schedule, params: run.params, workload };
  },
});

const fixed = (design: string, lines: string[], seed: number, workload?: SimulateOptions['workload'], shows?: Case['shows']): Case => ({
  name: `${design} ${lines.join('; ')} seed ${seed}`,
  shows,
  options: async () => ({ design: await loadDesign(design), seed, schedule: faultSchedule(lines, '40s', '15s'), workload }),
});

/** Runs that break every invariant between them (seeds found failing by `hasim check`), kept short. */
const CASES: Case[] = [
  drawn('hot-standby-sync', 'random-default', 2, undefined, breaks('single-primary', 'no-lost-ack', 'no-duplicate-order', 'recovery', 'convergence')),
  drawn('n-plus-1', 'random-default', 3, undefined, (r) => breaks('single-primary', 'no-lost-ack', 'no-duplicate-order')(r) && r.metrics.scopes !== undefined),
  drawn('postgres-patroni', 'random-worst-moment', 4, { readsPerSecond: 40 }, (r) => r.metrics.staleReads > 0),
  fixed('raft', ['{ at: 10s, kind: pause, target: primary, for: 8s }'], 2, { session: 'keep', timeout: 300_000, maxAttempts: 2 }, (r) => r.metrics.outages.length > 0),
  {
    name: 'single market-close',
    options: async () => ({ design: await loadDesign('single'), seed: 1, schedule: loadSchedule(scenarioPath('market-close')), workload: { ordersPerSecond: 50 } }),
    shows: (r) => r.metrics.marketClosed > 0,
  },
];

/** More of them, for `npm run test:long`. */
const LONG_CASES: Case[] = [
  drawn('hot-standby-naive', 'random-default', 1),
  drawn('hot-standby-naive', 'random-network', 3),
  drawn('hot-standby-sync', 'random-worst-moment', 5),
  drawn('keepalived-vrrp', 'random-network', 1),
  drawn('dr-site', 'random-default', 1),
  drawn('dns-failover', 'random-network', 2),
  drawn('postgres-trigger-file', 'random-network', 1),
  drawn('n-plus-1', 'random-network', 2),
  drawn('n-plus-1', 'random-worst-moment', 6),
  drawn('active-active-lock', 'random-default', 2),
  drawn('active-active-lock', 'random-clock', 1),
  drawn('redis-sentinel', 'random-network', 3),
  drawn('raft', 'random-worst-moment', 1, { ordersPerSecond: 2_000 }),
  fixed('n-plus-1', ['{ at: 10s, kind: crash, target: primary }'], 1),
];

describe('a folded history', () => {
  it.each([...CASES, ...(process.env.HASIM_LONG ? LONG_CASES : [])].map((c) => [c.name, c] as const))('gives the violations and metrics of the full history: %s', async (_name, c) => {
    const options = await c.options();
    const full = simulate({ ...options, foldTraffic: false });
    const folded = simulate({ ...options, foldTraffic: true });
    expect(folded.history.digest).toBeDefined();
    expect(folded.history.events.some(isOrderTraffic)).toBe(false);
    expect(full.history.events.some(isOrderTraffic)).toBe(true);
    expect(folded.traceHash).toBe(full.traceHash);
    if (c.shows) expect(c.shows(full)).toBe(true);
    expect(JSON.stringify({ violations: folded.violations, metrics: folded.metrics })).toBe(JSON.stringify({ violations: full.violations, metrics: full.metrics }));
  });
});
