/**
 * The silent-reaction rule (incident-sim.ts): a design that declares its longest silent reaction
 * (`EstimateDeclaration.silentReaction`, cited from its timers) has the settle before each long
 * gap ended once that long has passed with no control event, the service up and every up node
 * running. What it cuts must not change the incident's outcome; a declaration shorter than the
 * design's real silent reaction would (so the rule is opt-in, design by design).
 */
import { describe, expect, it } from 'vitest';
import patroni from '../../models/postgres-patroni.ts';
import sentinel from '../../models/redis-sentinel.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import type { IncidentOutcome } from '../../src/estimate/incident-sim.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND, type Micros } from '../../src/sim/time.ts';
import type { Design } from '../../src/world/design.ts';
import { resolveParams } from '../../src/world/params.ts';
import { simulateChanges, type Change } from './helpers.ts';


const simulate = (design: Design, name: string, changes: Change[], silentReaction: Micros | undefined): Promise<IncidentOutcome> =>
  simulateChanges(design, name, changes, silentReaction !== undefined ? { silentReaction } : {});

/** What an incident measures, with its times to the second a failover's timing varies by. */
const measured = (o: IncidentOutcome) => ({
  downtime: Math.round(o.downtimeSeconds / 3),
  outages: o.outageSeconds.length,
  lostAcked: o.lostAcked,
  splitBrainPairs: o.splitBrainPairs,
  falseFailovers: o.falseFailovers,
  unrecovered: o.unrecovered,
  downThroughFastForward: o.downThroughFastForward,
  stillLosing: o.stillLosing,
  modelError: o.modelError,
});

describe('incident simulation: the silent-reaction rule', () => {
  it("postgres-patroni: a primary's 10 h repair with GC pauses in it costs fewer events and measures the same", async () => {
    const silent = estimateSpecOf(patroni, resolveParams(patroni, {})).silentReaction!;
    const changes: [string, boolean, number][] = [
      ['pg1.server', true, 0],
      ['pg2.gcPause', true, 3600],
      ['pg2.gcPause', false, 3600.2],
      ['dcs2.gcPause', true, 7200],
      ['dcs2.gcPause', false, 7201.5],
      ['pg1.server', false, 36_000],
    ];
    const full = await simulate(patroni, 'postgres-patroni', changes, undefined);
    const cut = await simulate(patroni, 'postgres-patroni', changes, silent);
    expect(full.downtimeSeconds).toBeGreaterThan(10); // the failover
    expect(full.downtimeSeconds).toBeLessThan(60);
    expect(measured(cut)).toEqual(measured(full));
    // ~200 events a simulated second: the two gaps after the pauses each end settle - silent (20 s) early
    expect(full.events - cut.events).toBeGreaterThan(0.6 * 200 * 2 * (60 * SECOND - silent) / SECOND);
  }, 60_000);

  it('redis-sentinel: a replica down with a Sentinel pausing meanwhile measures the same, with fewer events', async () => {
    const silent = estimateSpecOf(sentinel, resolveParams(sentinel, {})).silentReaction!;
    const changes: [string, boolean, number][] = [
      ['redis2.server', true, 0],
      ['sentinel1.gcPause', true, 1800],
      ['sentinel1.gcPause', false, 1800.5],
      ['redis2.server', false, 36_000],
    ];
    const full = await simulate(sentinel, 'redis-sentinel', changes, undefined);
    const cut = await simulate(sentinel, 'redis-sentinel', changes, silent);
    expect(measured(cut)).toEqual(measured(full));
    expect(cut.events).toBeLessThan(full.events);
  }, 60_000);

  it("raft: a leader's repair with a follower's GC pauses and process crash in it measures the same, with fewer events", async () => {
    const raft = (await import('../../models/raft.ts')).default;
    const silent = estimateSpecOf(raft, resolveParams(raft, {})).silentReaction!;
    const changes: [string, boolean, number][] = [
      ['n1.server', true, 0],
      ['n2.gcPause', true, 3600],
      ['n2.gcPause', false, 3601.5],
      ['n3.process', true, 7200],
      ['n3.process', false, 7210],
      ['n1.server', false, 36_000],
    ];
    const full = await simulate(raft, 'raft', changes, undefined);
    const cut = await simulate(raft, 'raft', changes, silent);
    expect(full.downtimeSeconds).toBeGreaterThan(0.5); // the election after n1's crash
    expect(measured(cut)).toEqual(measured(full));
    expect(cut.events).toBeLessThan(0.9 * full.events);
  }, 60_000);

  it("a declaration shorter than the design's real silent reaction changes the outcome: dr-site's DR runbook", async () => {
    // d1 (the DR site) loses its NIC and, silently, runs its runbook (31 s) and promotes itself
    // (30 s later); an hour later p1's process crashes and p2 takes over locally. Cut after 10 s
    // of quiet, the runbook is still pending when the hour's fast-forward ends, and plays out
    // after p1's crash instead of before
    const dr = (await import('../../models/dr-site.ts')).default;
    const changes: [string, boolean, number][] = [['d1.nic', true, 0], ['p1.process', true, 3600], ['p1.process', false, 3612], ['d1.nic', false, 7200]];
    const full = await simulate(dr, 'dr-site', changes, undefined);
    const tooShort = await simulate(dr, 'dr-site', changes, 10 * SECOND);
    const covering = await simulate(dr, 'dr-site', changes, 70 * SECOND);
    expect(measured(covering)).toEqual(measured(full));
    expect(measured(tooShort)).not.toEqual(measured(full));
  }, 60_000);

  it("is declared from the design's own timers, and must be a positive duration", async () => {
    expect(estimateSpecOf(patroni, resolveParams(patroni, {})).silentReaction).toBe(40 * SECOND); // ttl 30 s + loop_wait 10 s
    expect(estimateSpecOf(patroni, resolveParams(patroni, { ttl: '60s' })).silentReaction).toBe(70 * SECOND);
    expect(estimateSpecOf(sentinel, resolveParams(sentinel, { downAfterMilliseconds: '5000' })).silentReaction).toBe(15 * SECOND);
    const raft = (await import('../../models/raft.ts')).default;
    expect(estimateSpecOf(raft, resolveParams(raft, {})).silentReaction).toBe(12.1 * SECOND); // RestartSec 10 s + 2 x 1 s + 100 ms
    expect(estimateSpecOf(raft, resolveParams(raft, { electionTimeoutMax: '5s' })).silentReaction).toBe(15.1 * SECOND);
    const dr = { ...patroni, estimate: { structure: 'pg1', silentReaction: -1 } } as unknown as Design;
    expect(() => estimateSpecOf(dr, resolveParams(patroni, {}))).toThrow(InputError);
    expect(() => estimateSpecOf(dr, resolveParams(patroni, {}))).toThrow(/estimate\.silentReaction/);
  });
});
