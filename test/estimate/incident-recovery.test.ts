/**
 * Incident simulations give a recovery slower than `settle` its own length. After `settle` an
 * incident is fast-forwarded to its next change, and an outage still open then is charged
 * until that change; with the structure up and the clients still down the simulation goes on
 * (up to RECOVERY_CAP) instead, so a slow failover is charged the failover, not the repair.
 * dns-failover with a 5 s settle is such a design: Route 53-style detection takes up to 44 s.
 */
import { describe, expect, it } from 'vitest';
import design from '../../models/dns-failover.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { simulateIncident, type IncidentOutcome } from '../../src/estimate/incident-sim.ts';
import { SECOND } from '../../src/sim/time.ts';
import { resolveParams } from '../../src/world/params.ts';
import { plantOf, serversOnly } from './helpers.ts';

const REPAIR_S = 10 * 3600;
/** Far shorter than dns-failover's detection, so every failover outlasts it. */
const SHORT_SETTLE = 5 * SECOND;

/** Server `a` (element 0) fails and is repaired 10 h later, simulated with `settle`. */
async function crashOfA(seed: number, set: Record<string, string> = {}): Promise<IncidentOutcome> {
  const params = resolveParams(design, set);
  const spec = estimateSpecOf(design, params);
  const plant = await plantOf('dns-failover', serversOnly(), set);
  expect(plant.nodes[0]).toBe('a');
  const incident = { start: 0, offsets: [0, REPAIR_S], elements: [0, 0], downs: [true, false], structuralDown: 0, length: REPAIR_S, key: 0 };
  return simulateIncident(incident, seed, { design, params, plant, warmup: spec.warmup, settle: SHORT_SETTLE, ordersPerSecond: 10 });
}

describe('incident simulation: recovery slower than settle', () => {
  it('a failover longer than settle is charged the failover, not the 10 h repair', async () => {
    for (const seed of [1, 2]) {
      const outcome = await crashOfA(seed);
      // before: charged REPAIR_S - settle, the outage open when the gap was skipped
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeGreaterThan(SHORT_SETTLE / SECOND);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeLessThan(60);
      expect(outcome.downThroughFastForward, `seed ${seed}`).toBe(false);
    }
  });

  it('a service that never recovers by itself is still charged the repair, and flagged', async () => {
    const forever = await crashOfA(1, { clientResolver: 'jvm-security-manager' });
    expect(forever.downtimeSeconds).toBeGreaterThan(REPAIR_S - 60);
    expect(forever.downThroughFastForward).toBe(true);
  });

  it('stays deterministic', async () => {
    expect(await crashOfA(2)).toEqual(await crashOfA(2));
  });
});

describe('incident simulation: what a skipped gap is charged to', () => {
  it('an outage begun by a change is not charged the skipped stretch before it (an order in flight when quorum is lost)', async () => {
    const raft = (await import('../../models/raft.ts')).default;
    const params = resolveParams(raft, {});
    const spec = estimateSpecOf(raft, params);
    const plant = await plantOf('raft', serversOnly(), {});
    // n2 fails, n3 fails 7.5 h later (quorum lost), n2 is back 20 h after that, then n3
    const offsets = [0, 27_051, 100_332, 163_739];
    const incident = { start: 0, offsets, elements: [1, 2, 1, 2], downs: [true, true, false, false], structuralDown: 0, length: offsets[3], key: 0 };
    for (const seed of [1, 2]) {
      const outcome = simulateIncident(incident, seed, { design: raft, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: 2000 });
      // down from n3's crash to n2's return (73,281 s) plus an election; before, an order in
      // flight at n3's crash also charged the 7.5 h before it
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeGreaterThan(offsets[2] - offsets[1] - 5);
      expect(outcome.downtimeSeconds, `seed ${seed}`).toBeLessThan(offsets[2] - offsets[1] + 60);
      expect(outcome.downThroughFastForward, `seed ${seed}`).toBe(false);
    }
  });
});
