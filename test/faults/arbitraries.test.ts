/**
 * scheduleArbitrary: generated schedules are valid schedules (they round-trip through YAML and
 * fit any design with role targets), keep to the options, cover every kind, shrink to small
 * counterexamples, and drive a user's property test of a design: the README example.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleArbitrary } from '../../src/faults/arbitraries.ts';
import { staticDesignView } from '../../src/faults/design-view.ts';
import { faultKindNames } from '../../src/faults/registry.ts';
import { parseSchedule, scheduleToYaml, validateTargets } from '../../src/faults/schedule.ts';
import { formatTarget, type MemberSpec } from '../../src/faults/targets.ts';
import { SECOND } from '../../src/sim/time.ts';
import { defaultParams } from '../../src/world/params.ts';
import { trioDesign } from './random-helpers.ts';

describe('scheduleArbitrary', () => {
  it('generates schedules that round-trip through a file and fit a design (property)', () => {
    const trio = trioDesign();
    const view = staticDesignView(trio, defaultParams(trio.params));
    fc.assert(
      fc.property(scheduleArbitrary({ nodes: ['a', 'b', 'c'] }), (schedule) => {
        expect(parseSchedule(scheduleToYaml(schedule), schedule.source)).toEqual(schedule);
        expect(() => validateTargets(schedule, view)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('keeps to the kinds, the duration, the number of faults and the names it is given (property)', () => {
    const options = { kinds: ['partition', 'pause', 'link-down'], duration: 20 * SECOND, maxFaults: 3, nodes: ['x'] };
    fc.assert(
      fc.property(scheduleArbitrary(options), (schedule) => {
        expect(schedule.duration).toBe(20 * SECOND);
        expect(schedule.faults.length).toBeLessThanOrEqual(3);
        schedule.faults.forEach((f, i) => {
          expect(f.id).toBe(i);
          expect(options.kinds).toContain(f.kind);
          expect(f.at).toBeLessThan(20 * SECOND);
          if (i > 0) expect(f.at).toBeGreaterThanOrEqual(schedule.faults[i - 1].at);
        });
        const named = schedule.faults.flatMap((f) => [f.target, ...((f.groups as MemberSpec[][] | undefined)?.flat() ?? []), ...((f.between as MemberSpec[] | undefined) ?? [])]);
        for (const m of named.filter((m) => m !== undefined)) expect(['primary', 'standby', 'any', 'others', 'exchange', 'x']).toContain(formatTarget(m));
      }),
      { numRuns: 200 },
    );
  });

  it('covers every fault kind by default', () => {
    const kinds = new Set(fc.sample(scheduleArbitrary({ maxFaults: 8 }), { numRuns: 300, seed: 1 }).flatMap((s) => s.faults.map((f) => f.kind)));
    expect([...kinds].sort()).toEqual(faultKindNames().sort());
  });

  it('rejects an unknown kind at once', () => {
    expect(() => scheduleArbitrary({ kinds: ['meteor'] })).toThrow(/unknown fault kind meteor/);
  });

  it('shrinks a counterexample to the one fault that matters', () => {
    const long = (s: { faults: { kind: string; for?: number }[] }) => s.faults.some((f) => f.kind === 'pause' && (f.for ?? Infinity) > 30 * SECOND);
    const outcome = fc.check(fc.property(scheduleArbitrary({ kinds: ['pause', 'loss', 'crash'] }), (s) => !long(s)), { seed: 7 });
    expect(outcome.failed).toBe(true);
    const [smallest] = outcome.counterexample!;
    expect(smallest.faults).toHaveLength(1);
    expect(smallest.faults[0].kind).toBe('pause');
  });
});

describe('a user\'s property test of a design (the README example)', () => {
  it('single never has two effective primaries, whatever partitions and pauses happen', async () => {
    const { loadDesign, scheduleArbitrary, simulate } = await import('../../src/index.ts');
    const design = await loadDesign('single');
    fc.assert(
      fc.property(scheduleArbitrary({ kinds: ['partition', 'pause', 'process-crash'], maxFaults: 3, duration: 10 * SECOND, settle: 5 * SECOND }), fc.nat(), (schedule, seed) => {
        const { violations } = simulate({ design, seed, schedule, invariants: ['single-primary'] });
        expect(violations).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});
