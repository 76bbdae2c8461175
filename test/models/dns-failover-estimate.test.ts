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

/** Server `a` (element 0) fails and is repaired 10 h later. */
async function crashOfA(seed: number, set: Record<string, string> = {}): Promise<IncidentOutcome> {
  const params = resolveParams(design, set);
  const spec = estimateSpecOf(design, params);
  const plant = await plantOf('dns-failover', serversOnly(), set);
  expect(plant.nodes[0]).toBe('a');
  const incident = { start: 0, offsets: [0, REPAIR_S], elements: [0, 0], downs: [true, false], structuralDown: 0, length: REPAIR_S, key: 0 };
  return simulateIncident(incident, seed, { design, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: 10 });
}

describe('dns-failover incidents in the estimate', () => {
  it('a 10 h crash of the primary costs a failover (under a minute), not the repair, whatever the check phase', async () => {
    // seeds 1-4 put the crash late in the check cycle: each was charged the whole 10 h before
    for (const seed of [1, 2, 3, 4]) {
      const outcome = await crashOfA(seed);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeGreaterThan(20);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeLessThan(60);
    }
  });

  it('JVM clients (30 s cache) recover too; under a security manager they stay on the dead primary until its repair', async () => {
    const jvm = await crashOfA(1, { clientResolver: 'jvm' });
    expect(jvm.downtimeSeconds).toBeLessThan(90);
    const forever = await crashOfA(1, { clientResolver: 'jvm-security-manager' });
    expect(forever.downtimeSeconds).toBeGreaterThan(REPAIR_S - 60);
  });
});
