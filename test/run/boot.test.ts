/**
 * The boot phase (run/run.ts, campaign/simulate.ts): every run starts with the design's own
 * start-up, which ends when a client first receives an ack; schedule and result times count
 * from there, and nothing in boot is measured.
 */
import { describe, expect, it } from 'vitest';
import { designNames, loadDesign } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { eventsOf } from '../../src/history/history.ts';
import { SECOND } from '../../src/sim/time.ts';
import { defineDesign } from '../../src/world/design.ts';
import { faultSchedule } from '../models/fault-schedule.ts';

const quiet = faultSchedule([], '20s', '5s');

describe('boot', () => {
  it.each(designNames())('%s with no faults: no outage, full availability, no failover, over several seeds', async (name) => {
    const design = await loadDesign(name);
    for (const seed of [1, 2, 3]) {
      const r = simulate({ design, seed, schedule: quiet });
      expect(r.violations).toEqual([]);
      expect(r.metrics.outages).toEqual([]);
      expect(r.metrics.availability).toBe(1);
      expect(r.metrics.uptimeFraction).toBe(1);
      expect(r.metrics.failovers).toBe(0);
      expect(r.metrics.splitBrainMs).toEqual({ belief: 0, effective: 0, effectivePairs: 0 });
      // boot ended a steady second after the first ack a client received (within 1 ms)
      const firstOk = eventsOf(r.history, 'ok')[0];
      expect(r.history.boot).toBeGreaterThan(0);
      expect(r.metrics.bootMs).toBe(r.history.boot / 1000);
      expect(firstOk.time).toBeLessThanOrEqual(-SECOND);
      const lastTrouble = r.history.events.filter((e) => (e.type === 'fail' || e.type === 'info') && e.time < 0).at(-1)?.time ?? -Infinity;
      const steadyFrom = eventsOf(r.history, 'ok').find((e) => e.time > lastTrouble)!.time;
      expect(steadyFrom).toBeGreaterThan(-SECOND - 1000);
      expect(steadyFrom).toBeLessThanOrEqual(-SECOND);
    }
  });

  it('fault times count from the end of boot', async () => {
    const design = await loadDesign('raft');
    const r = simulate({ design, seed: 2, schedule: faultSchedule(['{ at: 5s, kind: crash, target: primary, for: 2s }'], '10s', '5s') });
    expect(eventsOf(r.history, 'fault-begin').map((e) => e.time)).toEqual([5 * SECOND]);
    // raft's start-up election happened in boot, at negative times, and is not a failover
    expect(eventsOf(r.history, 'role').find((e) => e.role === 'primary')!.time).toBeLessThan(0);
    expect(r.metrics.failovers).toBe(1);
    expect(r.metrics.outages).toHaveLength(1);
    expect(r.metrics.outages[0].startMs).toBeGreaterThan(4_950);
  });

  it('fails the run with a boot violation when the design never serves', () => {
    const mute = defineDesign({
      name: 'mute',
      description: 'a node that never answers an order',
      params: {},
      topology: () => ({ nodes: [{ id: 'n1' }], routing: { kind: 'direct', targets: ['n1'] } }),
      createNode: (ctx) => ({ onStart: () => ctx.declareRole('primary', 1), onMessage: () => {}, onTimer: () => {} }),
    });
    const r = simulate({ design: mute, seed: 1, schedule: quiet, workload: { ordersPerSecond: 5 } });
    expect(r.violations.map((v) => v.invariant)).toEqual(['boot']);
    expect(r.violations[0].detail).toContain('never served');
  });
});

describe('reads after boot', () => {
  it('count their invoke time from the end of boot, like every other instant', async () => {
    const design = await loadDesign('postgres-patroni');
    const r = simulate({ design, seed: 1, schedule: quiet, workload: { readsPerSecond: 50 } });
    expect(r.history.boot).toBeGreaterThan(0);
    const reads = eventsOf(r.history, 'read');
    expect(reads.length).toBeGreaterThan(100);
    for (const e of reads) expect(e.invokedAt).toBeLessThanOrEqual(e.time);
    expect(simulate({ design, seed: 1, schedule: quiet, workload: { readsPerSecond: 50 }, foldTraffic: true }).metrics.staleReads).toBe(r.metrics.staleReads);
  });
});
