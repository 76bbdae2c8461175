/**
 * Profiles that draw triggered faults (`when:` in a profile fault): the share drawn triggered,
 * the drawn probe and delay, the target left to the probe's node, validation with one-line
 * errors, and the other draws untouched (the triggers have their own stream).
 */
import { describe, expect, it } from 'vitest';
import { drawRun } from '../../src/faults/random-profile.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';
import { SECOND } from '../../src/sim/time.ts';
import { profileOf, trioDesign } from './random-helpers.ts';

const design = trioDesign();
const base = 'maxConcurrentFaults: 3\nminHealthyTime: 0s\nintensity: 4\nfaults:\n  - { kind: pause, ratePerMinute: 2, for: 1s, targets: [a, b]';
const withWhen = (when: string) => profileOf(`${base}, when: ${when} }\n`);

describe('a profile fault with when', () => {
  it('draws about `probability` of its faults triggered, on a listed probe, after a drawn delay, with no target', () => {
    const profile = withWhen('{ probes: [lock.acquired, commit.waiting], probability: 0.5, after: { min: 0ms, max: 20ms } }');
    let triggered = 0;
    let total = 0;
    const probes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      for (const f of drawRun(profile, design, seed).schedule.faults) {
        total++;
        if (!f.when) {
          expect(f.target).toBeDefined();
          continue;
        }
        triggered++;
        probes.add(f.when.probe);
        expect(f.target).toBeUndefined();
        expect(f.when.after).toBeGreaterThanOrEqual(0);
        expect(f.when.after).toBeLessThanOrEqual(20_000);
      }
    }
    expect(triggered / total).toBeGreaterThan(0.35);
    expect(triggered / total).toBeLessThan(0.65);
    expect([...probes].sort()).toEqual(['commit.waiting', 'lock.acquired']);
  });

  it('leaves the times, durations and the other draws as they were without it', () => {
    const plain = profileOf(`${base} }\n`);
    const triggered = withWhen('{ probes: [lock.acquired] }');
    for (const seed of [1, 2, 3]) {
      const a = drawRun(plain, design, seed).schedule.faults;
      const b = drawRun(triggered, design, seed).schedule.faults;
      expect(b.map((f) => [f.at, f.for])).toEqual(a.map((f) => [f.at, f.for]));
      expect(b.every((f) => f.when?.probe === 'lock.acquired')).toBe(true); // probability defaults to 1
    }
  });

  it('writes drawn schedules that parse back the same', () => {
    const { schedule } = drawRun(withWhen('{ probes: [lock.acquired], probability: 0.5, after: { min: 1ms, max: 5ms } }'), design, 4);
    expect(schedule.faults.some((f) => f.when)).toBe(true);
    expect(parseSchedule(scheduleToYaml(schedule), schedule.source)).toEqual({ ...schedule, faults: schedule.faults.map((f) => ({ ...f })) });
    expect(schedule.duration).toBe(60 * SECOND);
  });

  it('names the field of each mistake', () => {
    expect(() => withWhen('{ probes: [] }')).toThrow(/faults\[0\]\.when\.probes: expected a non-empty list of probe names/);
    expect(() => withWhen('{ probes: [Lock] }')).toThrow(/faults\[0\]\.when\.probes\[0\]: expected a probe name/);
    expect(() => withWhen('{ probes: [a.b], probability: 2 }')).toThrow(/faults\[0\]\.when\.probability/);
    expect(() => withWhen('{ probes: [a.b], every: 1 }')).toThrow(/faults\[0\]\.when\.every: expected one of probes, probability, after/);
  });
});
