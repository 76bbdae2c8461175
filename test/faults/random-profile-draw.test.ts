/**
 * drawRun: a pure function of (profile, design, seed) that draws from its own streams only;
 * its schedules respect the profile's limits and are ordinary schedules; swarm testing enables
 * about half the kinds per run; parameters are drawn only for a design that declares them,
 * within the declared ranges and valid for the design.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { drawRun, loadProfile } from '../../src/faults/random-profile.ts';
import { parseSchedule, scheduleToYaml, validateTargets } from '../../src/faults/schedule.ts';
import { staticDesignView } from '../../src/faults/design-view.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { Rng } from '../../src/sim/rng.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { defaultParams, parseParam } from '../../src/world/params.ts';
import { World } from '../../src/world/world.ts';
import { brokenLimits, profileOf, trioDesign } from './random-helpers.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const PROFILES = ['random-default', 'random-network', 'random-process', 'random-clock'].map((n) => loadProfile(join(SCENARIOS, `${n}.yaml`)));
const trio = trioDesign();

describe('drawRun is deterministic', () => {
  it('gives equal runs for equal (profile, design, seed), whatever other streams and simulations did in between', async () => {
    const single = await loadDesign('single');
    for (const profile of PROFILES) {
      const first = drawRun(profile, trio, 42);
      Rng.stream(42, 'swarm').float();
      Rng.stream(42, 'schedule').float();
      simulate({ design: single, seed: 42, schedule: drawRun(profile, single, 42).schedule });
      expect(drawRun(profile, trio, 42)).toEqual(first);
    }
  });

  it('gives the same configuration and faults to two designs with the same names but different behaviour', () => {
    const other = { ...trioDesign('other'), createNode: () => ({ onStart() { throw new Error('never runs'); }, onMessage() {} }) };
    for (let seed = 0; seed < 20; seed++) {
      const a = drawRun(PROFILES[0], trio, seed);
      const b = drawRun(PROFILES[0], other, seed);
      expect(b.swarm).toEqual(a.swarm);
      expect(b.schedule.faults).toEqual(a.schedule.faults);
    }
  });

  it('differs between seeds', () => {
    const yamls = new Set(Array.from({ length: 20 }, (_, seed) => scheduleToYaml(drawRun(PROFILES[0], trio, seed).schedule)));
    expect(yamls.size).toBeGreaterThan(15);
  });

  it('moves no draw of the other kinds or parameters when a kind or a parameter is added to the profile', () => {
    const base = `maxConcurrentFaults: 50\nminHealthyTime: 0s\nfaults:
  - { kind: pause, ratePerMinute: 3, for: 2s, targets: [primary, any] }
  - { kind: latency, ratePerMinute: 3, for: 2s, targets: [node:*], fields: { delay: { min: 1ms, max: 1s } } }
params: { heartbeatTimeout: { min: 1s, max: 9s } }\n`;
    const grown = base
      .replace('faults:\n', 'faults:\n  - { kind: loss, ratePerMinute: 3, for: 2s, targets: [standby], fields: { probability: 0.5 } }\n')
      .replace('params: {', 'params: { priority: { values: [1, 2] }, ');
    let compared = 0;
    for (let seed = 0; seed < 30; seed++) {
      const before = drawRun(profileOf(base), trio, seed);
      const after = drawRun(profileOf(grown), trio, seed);
      for (const kind of ['pause', 'latency']) {
        // (a kind enabled only as the fallback, when no other was, may be off once loss is on)
        if (!before.swarm.enabledKinds.includes(kind) || !after.swarm.enabledKinds.includes(kind)) continue;
        const of = (faults: typeof before.schedule.faults) => faults.filter((f) => f.kind === kind).map(({ id: _id, ...f }) => f);
        expect(of(after.schedule.faults)).toEqual(of(before.schedule.faults));
        compared++;
      }
      expect(after.swarm.intensity).toBe(before.swarm.intensity);
      expect(after.params.heartbeatTimeout).toBe(before.params.heartbeatTimeout);
    }
    expect(compared).toBeGreaterThan(15);
  });
});

describe('drawn schedules', () => {
  it('respect the bundled profiles\' limits and replay as ordinary schedule files (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROFILES), fc.nat(), (profile, seed) => {
        const { schedule, swarm } = drawRun(profile, trio, seed);
        expect(brokenLimits(schedule, profile)).toEqual([]);
        expect(schedule.settle).toBe(profile.settle);
        for (const f of schedule.faults) expect(swarm.enabledKinds).toContain(f.kind);
        expect(parseSchedule(scheduleToYaml(schedule), schedule.source)).toEqual(schedule);
        expect(() => validateTargets(schedule, staticDesignView(trio, defaultParams(trio.params)))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('respect any profile\'s concurrency, healthy-time and duration limits (property)', () => {
    const settings = fc.record({
      durationS: fc.integer({ min: 1, max: 300 }),
      maxConcurrentFaults: fc.integer({ min: 1, max: 4 }),
      minHealthyMs: fc.integer({ min: 0, max: 20_000 }),
      rates: fc.tuple(fc.double({ min: 0.1, max: 20, noNaN: true }), fc.double({ min: 0.1, max: 20, noNaN: true })),
      forMaxMs: fc.integer({ min: 1, max: 120_000 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(settings, (s) => {
        const profile = profileOf(`duration: ${s.durationS}s
maxConcurrentFaults: ${s.maxConcurrentFaults}
minHealthyTime: ${s.minHealthyMs}ms
faults:
  - { kind: crash, ratePerMinute: ${s.rates[0]}, for: { uniform: { min: 0ms, max: ${s.forMaxMs}ms } }, targets: [primary, node:*] }
  - { kind: partition, ratePerMinute: ${s.rates[1]}, for: { exponential: { mean: ${s.forMaxMs}ms } }, fields: { groups: [[any], [others]] } }
`);
        expect(brokenLimits(drawRun(profile, trio, s.seed).schedule, profile)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a quiet start of minHealthyTime and round times to whole milliseconds', () => {
    for (let seed = 0; seed < 100; seed++) {
      for (const f of drawRun(PROFILES[0], trio, seed).schedule.faults) {
        expect(f.at % MS).toBe(0);
        expect(f.for! % MS).toBe(0);
        expect(f.at).toBeGreaterThanOrEqual(5 * SECOND);
      }
    }
  });

  it('record the profile and seed they came from', () => {
    const { schedule } = drawRun(PROFILES[0], trio, 7);
    expect(schedule.name).toBe('random-default-7');
    expect(schedule.source).toMatch(/random-default\.yaml#seed=7$/);
    expect(schedule.description).toMatch(/^drawn from random-default with seed 7: .+ at intensity [\d.]+$/);
  });
});

describe('swarm testing', () => {
  it('enables each kind in about half the runs, always at least one, and draws an intensity within the range', () => {
    const profile = PROFILES[0];
    const enabled = new Map<string, number>();
    const runs = 400;
    for (let seed = 0; seed < runs; seed++) {
      const { swarm } = drawRun(profile, trio, seed);
      expect(swarm.enabledKinds.length).toBeGreaterThan(0);
      expect(swarm.intensity).toBeGreaterThanOrEqual(profile.intensity.min);
      expect(swarm.intensity).toBeLessThanOrEqual(profile.intensity.max);
      for (const k of swarm.enabledKinds) enabled.set(k, (enabled.get(k) ?? 0) + 1);
    }
    for (const f of profile.faults) {
      expect(enabled.get(f.kind)! / runs).toBeGreaterThan(0.4);
      expect(enabled.get(f.kind)! / runs).toBeLessThan(0.6);
    }
  });

  it('scales arrivals with the intensity', () => {
    const profile = (x: number) => profileOf(`maxConcurrentFaults: 100\nminHealthyTime: 0s\nintensity: ${x}\nfaults:\n  - { kind: pause, ratePerMinute: 10, for: 1ms, targets: [primary] }`);
    const count = (x: number) => Array.from({ length: 50 }, (_, seed) => drawRun(profile(x), trio, seed).schedule.faults.length).reduce((a, b) => a + b, 0);
    expect(count(1) / 50).toBeGreaterThan(8);
    expect(count(1) / 50).toBeLessThan(12);
    expect(count(3) / count(1)).toBeGreaterThan(2.5);
  });
});

describe('targets and fields against a design', () => {
  it('expand patterns to the design\'s names, drop names it lacks, and skip kinds left with none', () => {
    const profile = profileOf(`maxConcurrentFaults: 100\nminHealthyTime: 0s\nfaults:
  - { kind: crash, ratePerMinute: 30, for: 1s, targets: [node:*, rack:*, zz, rack:nowhere] }
  - { kind: pause, ratePerMinute: 30, for: 1s, targets: [zz] }
  - { kind: link-down, ratePerMinute: 30, for: 1s, fields: { between: { values: [[a, zz], [primary, b]] } } }
  - { kind: feed-down, ratePerMinute: 30, for: 1s, targets: [all] }
`);
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const { schedule, swarm } = drawRun(profile, trio, seed);
      expect(swarm.enabledKinds).not.toContain('pause');
      for (const f of schedule.faults) {
        if (f.kind === 'crash') seen.add(scheduleToYaml({ ...schedule, faults: [f] }).match(/target: ([\w:-]+)/)![1]);
        if (f.kind === 'link-down') expect(f.between).toEqual([{ type: 'primary' }, { type: 'node', node: 'b' }]);
        if (f.kind === 'feed-down') expect(f.target).toBeUndefined();
      }
    }
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'rack:r1', 'rack:r2']);
  });

  it('leave an optional field out when the choice is null', () => {
    const profile = profileOf(`faults:\n  - { kind: process-crash, ratePerMinute: 30, for: 1s, targets: [primary], fields: { restartAfter: { values: [null, 5s] } } }\nmaxConcurrentFaults: 100\nminHealthyTime: 0s`);
    const values = new Set(Array.from({ length: 10 }, (_, seed) => drawRun(profile, trio, seed).schedule.faults.map((f) => String(f.restartAfter))).flat());
    expect([...values].sort()).toEqual(['5000000', 'undefined']);
  });

  it('draw range values within the range: whole milliseconds for durations, three decimals for numbers', () => {
    const profile = profileOf(`maxConcurrentFaults: 100\nminHealthyTime: 0s\nfaults:
  - { kind: latency, ratePerMinute: 30, for: 1s, targets: [primary], fields: { delay: { min: 10ms, max: 20ms } } }
  - { kind: loss, ratePerMinute: 30, for: 1s, targets: [primary], fields: { probability: { min: 0.25, max: 0.5 } } }
  - { kind: clock-jump, ratePerMinute: 30, for: 1s, targets: [primary], fields: { by: { min: -2s, max: 2s } } }
`);
    for (let seed = 0; seed < 20; seed++) {
      for (const f of drawRun(profile, trio, seed).schedule.faults) {
        if (f.kind === 'latency') {
          const delay = (f.delay as { constant: number }).constant;
          expect(delay % MS).toBe(0);
          expect(delay).toBeGreaterThanOrEqual(10 * MS);
          expect(delay).toBeLessThanOrEqual(20 * MS);
        }
        if (f.kind === 'loss') {
          expect(f.probability).toBeGreaterThanOrEqual(0.25);
          expect(f.probability).toBeLessThanOrEqual(0.5);
          expect(Number((f.probability as number).toFixed(3))).toBe(f.probability);
        }
        if (f.kind === 'clock-jump') expect(Math.abs(f.by as number)).toBeLessThanOrEqual(2 * SECOND);
      }
    }
  });

  it('agree with the World on the design\'s names (the static view uses the same defaults)', () => {
    const params = defaultParams(trio.params);
    const world = new World(new Simulator({ seed: 1 }), trio, params, DEFAULT_WORKLOAD);
    const view = staticDesignView(trio, params);
    expect(view.nodeIds).toEqual(world.nodeIds);
    for (const place of ['rack', 'dc', 'switch', 'power'] as const) {
      expect(view.valuesOf(place)).toEqual(world.valuesOf(place));
      for (const name of world.valuesOf(place)) expect(view.nodesAt(place, name)).toEqual(world.nodesWhere(place, name));
    }
  });
});

describe('design parameters', () => {
  const profile = profileOf(`faults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [primary] }
params:
  heartbeatTimeout: { min: 500ms, max: 3s }
  priority: { min: 10, max: 20 }
  ratio: { min: 0.1, max: 0.2 }
  mode: { values: [async, sync] }
  advertInt: { min: 1s, max: 2s }
`);

  it('are drawn only for parameters the design declares, valid for its specs and within the ranges', () => {
    const modes = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const { params } = drawRun(profile, trio, seed);
      expect(Object.keys(params).sort()).toEqual(['heartbeatTimeout', 'mode', 'priority', 'ratio']);
      const timeout = parseParam(trio.params.heartbeatTimeout, params.heartbeatTimeout, 't', 'heartbeatTimeout') as number;
      expect(timeout).toBeGreaterThanOrEqual(500 * MS);
      expect(timeout).toBeLessThanOrEqual(3 * SECOND);
      expect(params.heartbeatTimeout).toMatch(/^\d+(ms|s)$/);
      const priority = parseParam(trio.params.priority, params.priority, 't', 'priority') as number;
      expect(Number.isInteger(priority) && priority >= 10 && priority <= 20).toBe(true);
      const ratio = Number(params.ratio);
      expect(ratio >= 0.1 && ratio <= 0.2).toBe(true);
      modes.add(params.mode);
    }
    expect([...modes].sort()).toEqual(['async', 'sync']);
  });

  it('are none for a design without them, and appear in the schedule description', async () => {
    const single = await loadDesign('single');
    expect(drawRun(profile, single, 1).params).toEqual({});
    expect(drawRun(profile, trio, 1).schedule.description).toMatch(/; params heartbeatTimeout=\w+, priority=\d+, ratio=[\d.]+, mode=\w+$/);
  });

  it('that do not fit the design\'s spec are an InputError naming the profile field', () => {
    const bad = (params: string) => () => drawRun(profileOf(`faults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [primary] }\nparams: ${params}`, 'p.yaml'), trio, 1);
    expect(bad('{ priority: { min: 0, max: 10 } }')).toThrow(InputError);
    expect(bad('{ priority: { min: 0, max: 10 } }')).toThrow(/p\.yaml: params\.priority\.min: expected an integer >= 1 and <= 255/);
    expect(bad('{ heartbeatTimeout: { min: 1, max: 2 } }')).toThrow(/params\.heartbeatTimeout: expected a range of durations/);
    expect(bad('{ mode: { values: [async, turbo] } }')).toThrow(/params\.mode\.values\[1\]: expected one of async, sync/);
  });
});
