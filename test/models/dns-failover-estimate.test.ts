/**
 * dns-failover in the estimate's incident simulations. An incident simulation gives the
 * protocol `settle` after each change and then fast-forwards, counting an outage still open at
 * that point as lasting until the next change. Route 53-style failover takes up to
 * (failureThreshold + 1) x requestInterval + connectTimeout to detect (44 s by default) plus the
 * clients' cache, longer than the estimate's default settle of 30 s: with it, a crash of `a`
 * whose failover needed more than 30 s was charged the whole 10 h repair (3,224 of the 3,274
 * min/yr of `estimate dns-failover` under cold-standby). A client that never follows (a JVM
 * with a security manager caches forever) really is down until `a` is repaired.
 */
import { describe, expect, it } from 'vitest';
import design from '../../models/dns-failover.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { simulateIncident, type IncidentOutcome } from '../../src/estimate/incident-sim.ts';
import { resolveParams } from '../../src/world/params.ts';
import { plantOf, serversOnly } from '../estimate/helpers.ts';

const REPAIR_S = 10 * 3600;

/** Changes at `offsets` (seconds): element i (servers only: node i) goes down or comes back. */
async function incident(seed: number, offsets: number[], elements: number[], downs: boolean[], set: Record<string, string> = {}): Promise<IncidentOutcome> {
  const params = resolveParams(design, set);
  const spec = estimateSpecOf(design, params);
  const plant = await plantOf('dns-failover', serversOnly(), set);
  expect(plant.nodes.slice(0, 2)).toEqual(['a', 'b']);
  const length = offsets[offsets.length - 1];
  return simulateIncident({ start: 0, offsets, elements, downs, structuralDown: 0, length, key: 0 }, seed, { design, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: 10 });
}

/** Server `a` (element 0) fails and is repaired 10 h later. */
function crashOfA(seed: number, set: Record<string, string> = {}): Promise<IncidentOutcome> {
  return incident(seed, [0, REPAIR_S], [0, 0], [true, false], set);
}

describe('dns-failover incidents in the estimate', () => {
  it('a 10 h crash of the primary costs a failover (under a minute), not the repair, whatever the check phase', async () => {
    // seeds 1-4 put the crash late in the check cycle: each was charged the whole 10 h before
    for (const seed of [1, 2, 3, 4]) {
      const outcome = await crashOfA(seed);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeGreaterThan(20);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeLessThan(60);
      expect(outcome.downThroughFastForward, `seed ${seed}`).toBe(false);
    }
  });

  it('JVM clients (30 s cache) recover too; under a security manager they stay on the dead primary until its repair', async () => {
    const jvm = await crashOfA(1, { clientResolver: 'jvm' });
    expect(jvm.downtimeSeconds).toBeLessThan(90);
    const forever = await crashOfA(1, { clientResolver: 'jvm-security-manager' });
    expect(forever.downtimeSeconds).toBeGreaterThan(REPAIR_S - 60);
    // the estimate says why: down through fast-forwarded time with `b` up
    expect(forever.downThroughFastForward).toBe(true);
    expect(jvm.downThroughFastForward).toBe(false);
  });

  it('an outage through fast-forwarded time is not flagged when the structure itself is down (both servers)', async () => {
    const both = await incident(1, [0, 3600, 7200, 10800], [0, 1, 0, 1], [true, true, false, false]);
    expect(both.downtimeSeconds).toBeGreaterThan(3600 - 60);
    expect(both.downThroughFastForward).toBe(false);
  });
});
