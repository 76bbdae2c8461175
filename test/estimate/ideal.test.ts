import { describe, expect, it } from 'vitest';
import { stationary } from '../../src/estimate/ctmc.ts';
import { idealAvailability } from '../../src/estimate/ideal.ts';
import { CONTINUOUS_CLIENTS, seenOutage } from '../../src/estimate/plant.ts';
import { loadReliability, parseReliability } from '../../src/estimate/reliability.ts';
import { SECOND } from '../../src/sim/time.ts';
import { MIN_PER_YEAR, P, Q, R, plantOf, serversOnly } from './helpers.ts';

const binomialAtLeast = (k: number, n: number) => {
  let a = 0;
  for (let j = k; j <= n; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
    a += c * P ** j * Q ** (n - j);
  }
  return a;
};

describe('the ideal (structural availability, solved exactly)', () => {
  it('single: one unit is up MTTF/(MTTF+MTTR) = 0.9900990 of the time, 5,203.96 min/yr down', async () => {
    const ideal = idealAvailability(await plantOf('single', serversOnly()));
    // repairs no longer than the 1 s client timeout are no outage: E[D; D > 1 s] = (1 s + 10 h) e^(-1 s / 10 h)
    const hours = 3600;
    expect(ideal.availability).toBeCloseTo(1 - ((1 + 10 * hours) * Math.exp(-1 / (10 * hours))) / (1010 * hours), 11);
    expect(ideal.availability).toBeCloseTo(1000 / 1010, 8);
    expect((1 - ideal.availability) * MIN_PER_YEAR).toBeCloseTo(5203.96, 2);
    expect(ideal).toMatchObject({ method: 'product-form', exact: true });
  });

  it('counts a down period only when it outlasts the client timeout, as the clients do (a 500 ms pause is no outage)', async () => {
    const pauses = (duration: string) => parseReliability(`name: p\ncomponents:\n  server: { mttf: 1000000h, ttr: 500ms }\nsoftware:\n  gcPause: { every: 1h, duration: ${duration} }`, '<p>');
    const short = idealAvailability(await plantOf('single', pauses('500ms')));
    expect(short.downtimeMinutesPerYear).toBe(0);
    const long = idealAvailability(await plantOf('single', pauses('2s')));
    // a 2 s pause each hour (of up time): 2 s in every 3,602 s
    expect(1 - long.availability).toBeCloseTo(2 / 3602, 12);
    // the client timeout is the workload's: with a 3 s timeout the 2 s pauses are no outage either
    expect(idealAvailability(await plantOf('single', pauses('2s'), {}, { ...CONTINUOUS_CLIENTS, timeout: 3 * SECOND })).downtimeMinutesPerYear).toBe(0);
    // a lognormal (median 200 ms, p99 3 s): E[P; P > 1 s] = mean * Phi(sigma - ln(1 s / median) / sigma), Phi(-0.21851) = 0.41352
    const sigma = Math.log(15) / 2.3263478740408408;
    const above = 0.2 * Math.exp((sigma * sigma) / 2) * 0.41352;
    const lognormal = idealAvailability(await plantOf('single', pauses('{ lognormal: { median: 200ms, p99: 3s } }')));
    expect((1 - lognormal.availability) * 3600).toBeCloseTo(above, 3);
  });

  it('sees a down period as the simulated clients do: from the first order sent in it (Poisson or constant arrivals)', () => {
    const poisson = { timeout: SECOND, orderGap: SECOND / 10, arrivals: 'poisson' as const };
    expect(seenOutage(0.9 * SECOND, poisson)).toBe(0);
    // long periods: one mean gap short, the first order's expected delay after the start
    expect(seenOutage(3600 * SECOND, poisson)).toBeCloseTo(3600 * SECOND - SECOND / 10, 3);
    // just over the timeout: seen only when an order falls in the first 10 ms
    const a = 0.01 * SECOND;
    const expected = (1.01 * SECOND - SECOND / 10) * (1 - Math.exp(-a / (SECOND / 10))) + a * Math.exp(-a / (SECOND / 10));
    expect(seenOutage(1.01 * SECOND, poisson)).toBeCloseTo(expected, 6);
    expect(seenOutage(1.01 * SECOND, poisson)).toBeLessThan(0.1 * SECOND);
    // constant arrivals: the first order falls uniformly within one gap, half a gap late on average
    expect(seenOutage(3600 * SECOND, { ...poisson, arrivals: 'constant' })).toBeCloseTo(3600 * SECOND - SECOND / 20, 3);
    // continuous clients see every instant of a period longer than the timeout
    expect(seenOutage(2 * SECOND, CONTINUOUS_CLIENTS)).toBe(2 * SECOND);
  });

  it('a hot-standby pair with independent repairs is a 1-out-of-2 parallel system: 51.52 min/yr', async () => {
    const ideal = idealAvailability(await plantOf('hot-standby-stonith', serversOnly('repairCrews: 2')));
    expect(ideal.availability).toBeCloseTo(1 - Q * Q, 12);
    expect(ideal.downtimeMinutesPerYear).toBeCloseTo(51.52, 2);
  });

  it('one shared repair crew: U = 2r^2 / (1 + 2r + 2r^2) (birth-death chain)', async () => {
    const ideal = idealAvailability(await plantOf('keepalived-vrrp', serversOnly('repairCrews: 1')));
    expect(ideal.method).toBe('ctmc');
    expect(1 - ideal.availability).toBeCloseTo((2 * R * R) / (1 + 2 * R + 2 * R * R), 12);
  });

  it('cold standby with one crew: the idle unit never fails, U = r^2 / (1 + r + r^2)', async () => {
    const ideal = idealAvailability(await plantOf('hot-standby-naive', serversOnly('repairCrews: 1\nstandby: cold')));
    expect(1 - ideal.availability).toBeCloseTo((R * R) / (1 + R + R * R), 12);
    expect(ideal.downtimeMinutesPerYear).toBeCloseTo(52.03, 2);
  });

  it('warm standby (f = 0.3) with one crew: U = (1+f) r^2 / (1 + (1+f) r + (1+f) r^2)', async () => {
    const ideal = idealAvailability(await plantOf('hot-standby-naive', serversOnly('repairCrews: 1\nstandby: { warm: 0.3 }')));
    const f = 1.3;
    expect(1 - ideal.availability).toBeCloseTo((f * R * R) / (1 + f * R + f * R * R), 12);
  });

  it('Raft quorums: 2-of-3 and 3-of-5 are binomial sums with independent repairs', async () => {
    expect(idealAvailability(await plantOf('raft', serversOnly())).availability).toBeCloseTo(binomialAtLeast(2, 3), 12);
    expect(idealAvailability(await plantOf('raft', serversOnly(), { nodes: '5' })).availability).toBeCloseTo(binomialAtLeast(3, 5), 12);
  });

  it('N+1 (3 shards + 1 spare): the share of shards served, min(3, nodes up)/3; with one crew, a birth-death chain', async () => {
    // with k of the four nodes up, min(3, k) shards serve: a second lost node costs one shard in three, not the service
    const exactly = (k: number) => binomialAtLeast(k, 4) - (k < 4 ? binomialAtLeast(k + 1, 4) : 0);
    const expected = exactly(4) + exactly(3) + (2 / 3) * exactly(2) + (1 / 3) * exactly(1);
    expect(idealAvailability(await plantOf('n-plus-1', serversOnly(), { shards: '3' })).availability).toBeCloseTo(expected, 12);
    expect(expected).toBeGreaterThan(binomialAtLeast(3, 4)); // the old all-or-nothing structure counted a lost shard as the whole service
    const oneCrew = idealAvailability(await plantOf('n-plus-1', serversOnly('repairCrews: 1'), { shards: '3' }));
    const w = [1, 4 * R, 12 * R ** 2, 24 * R ** 3, 24 * R ** 4];
    const share = [1, 1, 2 / 3, 1 / 3, 0];
    expect(oneCrew.availability).toBeCloseTo(w.reduce((a, x, j) => a + x * share[j], 0) / w.reduce((a, b) => a + b), 12);
  });

  it('a witness pair needs a data node and two of three votes; the witness counts in the product', async () => {
    const a = idealAvailability(await plantOf('hot-standby-witness', serversOnly())).availability;
    expect(a).toBeCloseTo(P ** 3 + 3 * P * P * Q, 12); // all up, or exactly one of three down
  });

  it('common-cause domains: a datacenter outage takes every node down at once', async () => {
    const data = serversOnly('domains:\n  dc: { mttf: 500000h, mttr: 24h }');
    const dcDown = 24 / 500024;
    const ideal = idealAvailability(await plantOf('keepalived-vrrp', data));
    expect(ideal.availability).toBeCloseTo((1 - dcDown) * (1 - Q * Q), 12);
  });

  it('is exact for any distributions in product form, and marked approximate in a CTMC of non-exponential times', async () => {
    const p1 = loadReliability('scenarios/reliability/p1.yaml');
    expect(idealAvailability(await plantOf('hot-standby-stonith', p1))).toMatchObject({ method: 'product-form', exact: true });
    expect(idealAvailability(await plantOf('raft', p1))).toMatchObject({ method: 'ctmc', exact: false });
  });

  it('the dense and the iterative solver agree on a birth-death chain', () => {
    const n = 1600; // above the dense limit: Gauss-Seidel
    const transitions = [];
    for (let i = 0; i + 1 < n; i++) transitions.push({ from: i, to: i + 1, rate: 1 }, { from: i + 1, to: i, rate: 2 });
    const pi = stationary(n, transitions);
    expect(pi[0]).toBeCloseTo(0.5, 10);
    expect(pi[1]).toBeCloseTo(0.25, 10);
    const small = stationary(3, transitions.slice(0, 4));
    expect([...small].map((x) => x * 7)).toEqual([expect.closeTo(4, 10), expect.closeTo(2, 10), expect.closeTo(1, 10)]);
  });
});
