import { describe, expect, it } from 'vitest';
import { drawIncidents, type Incident } from '../../src/estimate/components.ts';
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
    // agents on some nodes only (none on the DCS members, the qnetd arbiter): product form and CTMC
    ['postgres-patroni', '  agent: { mttf: 1000h, mttr: 10h }', {}, 1_500],
    ['postgres-patroni', '  agent: { mttf: 1000h, mttr: 10h }\nstandby: { warm: 0.5 }', {}, 1_500],
    ['hot-standby-stonith', '  agent: { mttf: 1000h, mttr: 10h }\nrepairCrews: 1', { quorumDevice: 'ffsplit' }, 5_000],
  ])('draws histories whose structural downtime matches the exact ideal: %s %s %j', async (design, extra, params, years = 40_000) => {
    const plant = await plantOf(design, serversOnly(extra), params);
    const exact = idealAvailability(plant).downtimeMinutesPerYear;
    const sampled = sampledDowntime(plant, years);
    expect(sampled.low).toBeLessThanOrEqual(exact);
    expect(sampled.high).toBeGreaterThanOrEqual(exact);
  });

  it('cuts the history into incidents: failures closer than the settle time are one incident', async () => {
    const plant = await plantOf('keepalived-vrrp', serversOnly());
    const incidents: Incident[] = [];
    drawIncidents(plant, Rng.stream(1, 'x'), 200 * YEAR_SECONDS, 30, (draw) => {
      const incident = draw.incident();
      expect([incident.key, incident.structuralDown]).toEqual([draw.key, draw.structuralDown]);
      incidents.push(incident);
    });
    for (const i of incidents) {
      expect(i.offsets[0]).toBe(0);
      expect(i.offsets.length % 2).toBe(0); // every failure is repaired within its incident
      expect(i.elements).toHaveLength(i.offsets.length);
      expect(i.length).toBe(i.offsets[i.offsets.length - 1]);
    }
    expect(incidents.some((i) => i.offsets.length === 4)).toBe(true); // overlapping failures of a and b
    // each incident kept is its own copy: the sampler reuses its lists for the next one
    expect(new Set(incidents.map((i) => i.offsets)).size).toBe(incidents.length);
    expect(incidents.some((i) => i.offsets.length === 2)).toBe(true);
  });
});
