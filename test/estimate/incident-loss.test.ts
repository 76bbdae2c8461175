/**
 * Acked orders lost during a fast-forwarded stretch of an incident are counted, at the rate of
 * the steady state the simulated part of its gap ended in (`extrapolatedLoss`), not only over
 * the simulated `settle`. hot-standby-stonith's `b.server- L a.disk-`: b fails, a fences it and
 * goes on alone (DRBD without its peer) for an hour, then a's disk fails: every order a acked
 * alone is gone (b has the data up to its crash only), about 10/s for the hour, where the
 * estimate counted only the simulated settle's worth. Real two-copy replication loses them too.
 * An incident still losing orders at its end (dns-failover's failback: two primaries, diverged
 * logs) is marked `stillLosing`, since its count stops there.
 */
import { describe, expect, it } from 'vitest';
import design from '../../models/hot-standby-stonith.ts';
import { elementNames } from '../../src/estimate/components.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { extrapolatedLoss, simulateIncident } from '../../src/estimate/incident-sim.ts';
import { parseReliability } from '../../src/estimate/reliability.ts';
import { SECOND } from '../../src/sim/time.ts';
import { resolveParams } from '../../src/world/params.ts';
import { plantOf, serversOnly } from './helpers.ts';

const ALONE_S = 3600;
const RATE = 10;
const data = parseReliability('name: servers-and-disks\ncomponents:\n  server: { mttf: 1000h, mttr: 10h }\n  disk: { mttf: 10000h, mttr: 8h }\n', '<test>');

describe('incident simulation: losses over skipped stretches', () => {
  it('hot-standby-stonith: a lone primary whose disk fails after an hour loses the hour of orders it acked alone', async () => {
    const params = resolveParams(design, {});
    const spec = estimateSpecOf(design, params);
    const plant = await plantOf('hot-standby-stonith', data);
    const names = elementNames(plant);
    const bServer = names.indexOf('b.server');
    const aDisk = names.indexOf('a.disk');
    const offsets = [0, ALONE_S, 2 * ALONE_S, 3 * ALONE_S];
    const incident = { start: 0, offsets, elements: [bServer, aDisk, bServer, aDisk], downs: [true, true, false, false], structuralDown: 0, length: offsets[3], key: 0 };
    const outcome = simulateIncident(incident, 3, { design, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: RATE });
    // before: about settle x rate (a few hundred); the rate is read from a 7.5 s window of
    // Poisson arrivals (about 75 orders), so the figure is exact only on average
    expect(outcome.lostAcked).toBeGreaterThan(0.75 * RATE * ALONE_S);
    expect(outcome.lostAcked).toBeLessThan(1.25 * RATE * ALONE_S);
    expect(outcome.rpoMs).toBeGreaterThan((ALONE_S - 100) * 1000);
    // b back, then a's disk: the pair is healthy again at the end, losing nothing more
    expect(outcome.stillLosing).toBe(false);
  }, 60_000);

  it('dns-failover: after a failback the two primaries\' logs diverge until an operator steps in: the incident is still losing orders at its end', async () => {
    const dns = (await import('../../models/dns-failover.ts')).default;
    const params = resolveParams(dns, {});
    const spec = estimateSpecOf(dns, params);
    const plant = await plantOf('dns-failover', serversOnly());
    const repair = 10 * 3600;
    const incident = { start: 0, offsets: [0, repair], elements: [0, 0], downs: [true, false], structuralDown: 0, length: repair, key: 0 };
    const outcome = simulateIncident(incident, 3, { design: dns, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: RATE });
    expect(outcome.lostAcked).toBeGreaterThan(0);
    expect(outcome.stillLosing).toBe(true);
  }, 60_000);

  it('a loss at the change itself (an asynchronous replica\'s last milliseconds) does not scale with the gap', () => {
    const at = [0, 30 * SECOND];
    const skipped = [0, 36_000 * SECOND];
    const atCrash = [{ orderId: '1-1', ackAt: 30 * SECOND - 2000 }, { orderId: '1-2', ackAt: 30 * SECOND - 1000 }];
    expect(extrapolatedLoss(atCrash, at, skipped)).toEqual({ orders: 0, spanMs: 0 });
    // lost all along the steady part: 1 order/s from 15 s to 22.5 s, so 1/s over the 10 h skipped
    const steady = Array.from({ length: 8 }, (_, i) => ({ orderId: `1-${i}`, ackAt: (15 + i) * SECOND }));
    const loss = extrapolatedLoss(steady, at, skipped);
    expect(loss.orders).toBeCloseTo(8 * 36_000 / 7.5, 6);
    expect(loss.spanMs).toBe(36_000_000);
  });
});
