import { describe, expect, it } from 'vitest';
import { drawIncidents } from '../../src/estimate/components.ts';
import { idealAvailability } from '../../src/estimate/ideal.ts';
import type { Plant } from '../../src/estimate/plant.ts';
import { batchMeans } from '../../src/estimate/statistics.ts';
import { Rng } from '../../src/sim/rng.ts';
import { plantOf, serversOnly } from './helpers.ts';

const YEAR_SECONDS = 365 * 86400;

/** Structural downtime (min/yr) of the drawn history, over 20 independent spans. */
function sampledDowntime(plant: Plant, years: number) {
  const spans = 20;
  const perSpan = Array.from({ length: spans }, (_, k) => {
    const totals = drawIncidents(plant, Rng.stream(7, `span:${k}`), (years / spans) * YEAR_SECONDS, 30, () => {});
    return totals.structuralDown / 60 / (totals.seconds / YEAR_SECONDS);
  });
  return batchMeans(perSpan, 0.99);
}

describe('the component sampler', () => {
  it.each([
    ['single', '', {}],
    ['keepalived-vrrp', '', {}],
    ['keepalived-vrrp', 'repairCrews: 1', {}],
    ['hot-standby-naive', 'repairCrews: 1\nstandby: cold', {}],
    ['hot-standby-naive', 'repairCrews: 1\nstandby: { warm: 0.3 }', {}],
    ['raft', 'repairCrews: 1', {}],
    ['raft', '', { nodes: '5' }],
    ['n-plus-1', 'repairCrews: 1', { shards: '3' }],
    ['hot-standby-witness', 'domains:\n  rack: { mttf: 20000h, mttr: 8h }', {}],
  ])('draws histories whose structural downtime matches the exact ideal: %s %s %j', async (design, extra, params) => {
    const plant = await plantOf(design, serversOnly(extra), params);
    const exact = idealAvailability(plant).downtimeMinutesPerYear;
    const sampled = sampledDowntime(plant, 40_000);
    expect(sampled.low).toBeLessThanOrEqual(exact);
    expect(sampled.high).toBeGreaterThanOrEqual(exact);
  });

  it('cuts the history into incidents: failures closer than the settle time are one incident', async () => {
    const plant = await plantOf('keepalived-vrrp', serversOnly());
    const incidents: { offsets: number[]; elements: number[] }[] = [];
    drawIncidents(plant, Rng.stream(1, 'x'), 200 * YEAR_SECONDS, 30, (i) => incidents.push(i));
    for (const i of incidents) {
      expect(i.offsets[0]).toBe(0);
      expect(i.offsets.length % 2).toBe(0); // every failure is repaired within its incident
    }
    expect(incidents.some((i) => i.offsets.length === 4)).toBe(true); // overlapping failures of a and b
  });
});
