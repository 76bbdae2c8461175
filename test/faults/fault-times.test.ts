/** Seeded random fault times and durations (`at: 20s..30s`): parsed, drawn per seed, written, shrunk. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND } from '../../src/sim/time.ts';
import { drawFaultTimes, pinFaultTimes } from '../../src/faults/fault-times.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';
import { shrinkSchedule } from '../../src/faults/shrink.ts';
import { worldWith } from './helpers.ts';

const schedule = (faults: string) => parseSchedule(`duration: 60s\nfaults:\n${faults}\n`, 'r.yaml');

function errorField(faults: string): string {
  try {
    schedule(faults);
  } catch (error) {
    if (error instanceof InputError) return `${error.field}: ${error.message}`;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('random fault times', () => {
  it('parses a range for at and for, and writes it back as the file spelled it', () => {
    const s = schedule('  - { at: 20s..30s, kind: process-crash, target: primary, for: 5s..15s }');
    expect(s.faults[0]).toMatchObject({ at: 20 * SECOND, atMax: 30 * SECOND, for: 5 * SECOND, forMax: 15 * SECOND });
    expect(scheduleToYaml(s)).toContain('{ at: 20s..30s, kind: process-crash, target: primary, for: 5s..15s }');
    expect(parseSchedule(scheduleToYaml(s), 'r.yaml').faults).toEqual(s.faults);
  });

  it.each([
    ['  - { at: 30s..20s, kind: crash, target: a }', 'faults[0].at'],
    ['  - { at: 20s..20s, kind: crash, target: a }', 'faults[0].at'],
    ['  - { at: 20s.., kind: crash, target: a }', 'faults[0].at'],
    ['  - { at: 1s..2s..3s, kind: crash, target: a }', 'faults[0].at'],
    ['  - { at: 50s..60s, kind: crash, target: a }', 'faults[0].at'],
    ['  - { at: 1s, kind: crash, target: a, for: 9s..1s }', 'faults[0].for'],
  ])('rejects %s naming %s', (line, field) => {
    expect(errorField(line)).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`));
  });

  it('draws each within its range, the same for a seed, spread over the range across seeds', () => {
    const fault = schedule('  - { at: 20s..30s, kind: crash, target: a, for: 5s..15s }').faults[0];
    const starts = Array.from({ length: 200 }, (_, seed) => drawFaultTimes(fault, seed));
    for (const f of starts) {
      expect(f.at).toBeGreaterThanOrEqual(20 * SECOND);
      expect(f.at).toBeLessThanOrEqual(30 * SECOND);
      expect(f.for).toBeGreaterThanOrEqual(5 * SECOND);
      expect(f.for).toBeLessThanOrEqual(15 * SECOND);
      expect(f).not.toHaveProperty('atMax');
    }
    expect(drawFaultTimes(fault, 7)).toEqual(drawFaultTimes(fault, 7));
    // every second of the range is hit by some seed: the phase is really random
    const seconds = new Set(starts.map((f) => Math.floor(f.at / SECOND)));
    for (let s = 20; s < 30; s++) expect(seconds.has(s)).toBe(true);
  });

  it('leaves a fixed-time fault as it is, and one fault\'s draw does not move another\'s', () => {
    const s = schedule('  - { at: 20s, kind: crash, target: a }\n  - { at: 1s..9s, kind: pause, target: b, for: 1s }');
    expect(drawFaultTimes(s.faults[0], 3)).toBe(s.faults[0]);
    const alone = schedule('  - { at: 1s, kind: crash, target: a }\n  - { at: 1s..9s, kind: pause, target: b, for: 1s }');
    expect(drawFaultTimes(alone.faults[1], 3).at).toBe(drawFaultTimes(s.faults[1], 3).at);
  });

  it('a run fires the fault at the time its seed draws', () => {
    for (const seed of [1, 2, 3]) {
      const { world, schedule: s } = worldWith('  - { at: 1s..5s, kind: crash, target: a, for: 1s..2s }', { seed });
      const drawn = drawFaultTimes(s.faults[0], seed);
      world.sim.runUntil(9 * SECOND);
      const begin = world.history.events.find((e) => e.type === 'fault-begin')!;
      const end = world.history.events.find((e) => e.type === 'fault-end')!;
      expect(begin.time).toBe(drawn.at);
      expect(end.time).toBe(drawn.at + drawn.for!);
    }
  });

  it('shrinking pins the random times to the failing seed\'s draws first, so the result replays that run', () => {
    const s = schedule('  - { at: 10s..20s, kind: crash, target: a, for: 5s }\n  - { at: 1s..5s, kind: pause, target: b, for: 1s }');
    const seed = 11;
    const drawnCrash = drawFaultTimes(s.faults[0], seed).at;
    // "fails" while a crash begins at the time seed 11 drew for it
    const stillFails = (c: typeof s) => c.faults.some((f) => f.kind === 'crash' && f.atMax === undefined && f.at === drawnCrash);
    const shrunk = shrinkSchedule(s, stillFails, { seed });
    expect(shrunk.schedule.faults).toHaveLength(1);
    expect(shrunk.schedule.faults[0]).toMatchObject({ kind: 'crash', at: drawnCrash });
    expect(shrunk.steps[0]).toBe('pinned random fault times to those of seed 11');
    expect(pinFaultTimes(shrunk.schedule, 99)).toBe(shrunk.schedule);
  });
});
