import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/estimate/estimate.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { serversOnly } from './helpers.ts';

// Exponential servers, MTTF 1000 h, MTTR 10 h. Intervals at 99 % so the checks are robust to
// small changes in the models; the seed makes every run identical anyway.
const base = { years: 2000, confidence: 0.99, seed: 3, simulations: 80 };

describe('hasim estimate against closed forms', () => {
  it('single: A = 0.9900990 (5,203.96 min/yr) lies in the interval; the protocol adds nothing', async () => {
    const [single] = await estimate({ ...base, designs: ['single'], reliability: serversOnly() });
    expect(single.ideal.availability).toBeCloseTo(0.990099, 6);
    expect(single.availability.low).toBeLessThanOrEqual(0.990099);
    expect(single.availability.high).toBeGreaterThanOrEqual(0.990099);
    expect(single.downtimeMinutesPerYear.low).toBeLessThanOrEqual(5203.96);
    expect(single.downtimeMinutesPerYear.high).toBeGreaterThanOrEqual(5203.96);
    expect(Math.abs(single.protocolCostMinutesPerYear.mean)).toBeLessThan(5); // a reboot is the repair
    expect(single.incidents.perYear).toBeCloseTo(8.76, 0); // one failure per 1010 h
  });

  it('a two-node hot standby with 2 crews: close to the 51.52 min/yr of 1-out-of-2, above it only by failover blips', async () => {
    const [vrrp] = await estimate({ ...base, simulations: 150, designs: ['keepalived-vrrp'], reliability: serversOnly('repairCrews: 2') });
    expect(vrrp.ideal.availability === null ? NaN : vrrp.ideal.downtimeMinutesPerYear).toBeCloseTo(51.52, 2);
    const s = vrrp.structuralDowntimeMinutesPerYear;
    expect(s.low).toBeLessThanOrEqual(51.52);
    expect(s.high).toBeGreaterThanOrEqual(51.52);
    // the excess is the blips: each outage of the protocol's own lasts seconds (advert_int 1 s x 3)
    const cost = vrrp.protocolCostMinutesPerYear.mean;
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThan((vrrp.outagesPerYear.mean * 10) / 60);
    expect(vrrp.rto.p50).toBeLessThan(10_000);
    expect(vrrp.downtimeMinutesPerYear.low).toBeLessThanOrEqual(51.52 + vrrp.protocolCostMinutesPerYear.high);
  });

  it('cold standby with one crew: the drawn history agrees with the CTMC (52.03 min/yr)', async () => {
    const [naive] = await estimate({ ...base, simulations: 40, designs: ['hot-standby-naive'], reliability: serversOnly('repairCrews: 1\nstandby: cold') });
    expect(naive.ideal.availability === null ? NaN : naive.ideal.downtimeMinutesPerYear).toBeCloseTo(52.03, 2);
    expect(naive.structuralDowntimeMinutesPerYear.low).toBeLessThanOrEqual(52.03);
    expect(naive.structuralDowntimeMinutesPerYear.high).toBeGreaterThanOrEqual(52.03);
  });
});

describe('hasim estimate, determinism and input', () => {
  const small = { years: 100, seed: 9, simulations: 12, designs: ['keepalived-vrrp'], reliability: serversOnly() };

  it('gives the same estimate for the same seed, in one thread or on two workers', async () => {
    const a = await estimate({ ...small, workers: 0 });
    const b = await estimate({ ...small, workers: 0 });
    const c = await estimate({ ...small, workers: 2 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const other = await estimate({ ...small, seed: 10, workers: 0 });
    expect(other[0].incidents.total).not.toBe(a[0].incidents.total);
  }, 60_000);

  it('rejects an unknown design and a non-positive horizon as input errors', async () => {
    await expect(estimate({ ...small, designs: ['no-such-design'] })).rejects.toBeInstanceOf(InputError);
    await expect(estimate({ ...small, years: -5 })).rejects.toBeInstanceOf(InputError);
  });
});
