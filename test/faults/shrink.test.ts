/**
 * shrinkSchedule: with synthetic predicates whose minimal failing schedule is known, the result
 * is exactly that schedule (fewest faults, shortest, as late as chaos allows, simplest targets,
 * chaos cut just past the last fault) in a bounded number of runs; it is deterministic, keeps to its budget and
 * records each accepted step.
 */
import { describe, expect, it } from 'vitest';
import { staticDesignView } from '../../src/faults/design-view.ts';
import { parseSchedule, scheduleToYaml, type FaultSpec, type Schedule } from '../../src/faults/schedule.ts';
import { shrinkSchedule } from '../../src/faults/shrink.ts';
import { largestFailing, roundBetween, roundDown, smallestFailing } from '../../src/faults/shrink-search.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import { defaultParams } from '../../src/world/params.ts';
import { trioDesign } from './random-helpers.ts';

function schedule(faults: string, duration = '120s'): Schedule {
  return parseSchedule(`name: big\ndescription: found by a campaign\nduration: ${duration}\nsettle: 45s\nfaults:\n${faults}`, '<test>');
}

/** Counts the predicate's calls, and checks every candidate is a schedule a file could hold. */
function counted(predicate: (s: Schedule) => boolean) {
  const calls = { n: 0 };
  const wrapped = (s: Schedule) => {
    calls.n++;
    expect(parseSchedule(scheduleToYaml(s), s.source)).toEqual(s);
    return predicate(s);
  };
  return { calls, wrapped };
}

const primaryPartition = (f: FaultSpec) => f.kind === 'partition' && (f.groups as { type: string }[][])[0].some((m) => m.type === 'primary');
/** Fails iff a partition cutting off the primary lasts at least `threshold` and some process crash happens. */
const partitionAndCrash = (threshold: number) => (s: Schedule) =>
  s.faults.some((f) => primaryPartition(f) && Math.min(f.for ?? Infinity, s.duration - f.at) >= threshold) && s.faults.some((f) => f.kind === 'process-crash');

const NOISY = schedule(`  - { at: 3s, kind: latency, target: any, delay: 50ms, for: 10s }
  - { at: 9s, kind: pause, target: standby, for: 2s }
  - { at: 14s, kind: partition, groups: [[standby], [others]], for: 30s }
  - { at: 21s, kind: loss, target: primary, probability: 0.2, for: 5s }
  - { at: 30s, kind: partition, groups: [[primary], [others]], oneWay: true, for: 17s }
  - { at: 33s, kind: clock-jump, target: a, by: -10s }
  - { at: 38s, kind: disk-slow, target: primary, factor: 20, for: 10s }
  - { at: 44s, kind: process-crash, target: any, restartAfter: 5s, for: 20s }
  - { at: 52s, kind: crash, target: b, for: 8s }
  - { at: 61s, kind: feed-down, for: 3s }
  - { at: 70s, kind: duplicate, target: any, probability: 0.1, for: 9s }
  - { at: 90s, kind: market-close, for: 10s }`);

describe('shrinkSchedule', () => {
  it('finds exactly the minimal schedule: the two culprits, the shortest partition, the simplest targets, no optional fields, as late as chaos allows', () => {
    const { calls, wrapped } = counted(partitionAndCrash(5 * SECOND));
    const result = shrinkSchedule(NOISY, wrapped);
    // chaos lasts 120 s: the partition ends by then, the crash falls in its last second
    expect(result.schedule.faults).toEqual([
      { id: 0, at: 110 * SECOND, kind: 'partition', groups: [[{ type: 'primary' }], [{ type: 'others' }]], oneWay: false, for: 5 * SECOND },
      { id: 1, at: 119 * SECOND, kind: 'process-crash', target: { type: 'primary' }, for: MS },
    ]);
    expect(result.schedule.duration).toBe(120 * SECOND);
    expect(result.schedule.settle).toBe(45 * SECOND);
    expect(result.schedule.name).toBe('big');
    expect(result.schedule.description).toBe(`found by a campaign (shrunk from 12 faults to 2 in ${result.runs} runs)`);
    expect(result.runs).toBe(calls.n);
    expect(result.runs).toBeLessThanOrEqual(60);
    expect(partitionAndCrash(5 * SECOND)(result.schedule)).toBe(true);
  });

  it('records each accepted step for people', () => {
    const { steps } = shrinkSchedule(NOISY, partitionAndCrash(5 * SECOND));
    expect(steps[0]).toMatch(/^removed .*faults\[0\] latency.*: \d+ of 12 left$/);
    expect(steps.join('\n')).toContain('faults[1] process-crash: target any -> primary');
    expect(steps.join('\n')).toContain('faults[0] partition: dropped oneWay');
    expect(steps.join('\n')).toContain('faults[1] process-crash: dropped restartAfter');
    expect(steps.join('\n')).toContain('faults[0] partition: for 17s -> 5s');
    expect(steps.join('\n')).toContain('every fault 75s later');
    expect(steps[steps.length - 1]).toBe('faults[0] partition: at 105s -> 110s');
  });

  it('finds a threshold that is not a round number to within 2 %', () => {
    const result = shrinkSchedule(NOISY, partitionAndCrash(3_700 * MS));
    const partition = result.schedule.faults.find(primaryPartition)!;
    expect(partition.for).toBeGreaterThanOrEqual(3_700 * MS);
    expect(partition.for).toBeLessThanOrEqual(3_700 * MS * 1.02);
  });

  it('isolates a single culprit among many faults in O(log n) runs of ddmin', () => {
    const lines = Array.from({ length: 64 }, (_, i) => `  - { at: ${i + 1}s, kind: pause, target: ${i === 41 ? 'primary' : 'standby'}, for: 500ms }`);
    let runs = 0;
    const culprit = (s: Schedule) => {
      runs++;
      return s.faults.some((f) => f.target?.type === 'primary');
    };
    const result = shrinkSchedule(schedule(lines.join('\n')), culprit, { maxRuns: 300 });
    expect(result.schedule.faults).toHaveLength(1);
    const ddminRuns = result.steps.filter((s) => s.startsWith('removed')).length;
    expect(ddminRuns).toBeLessThanOrEqual(Math.log2(64) + 1);
    expect(runs).toBeLessThanOrEqual(40);
  });

  it('keeps the order-dependent timing of a pair by moving both faults later together, and never moves a fault earlier (into boot)', () => {
    // fails iff the crash begins 2-3 s after the partition begins
    let earliest = Infinity;
    const pair = (s: Schedule) => {
      earliest = Math.min(earliest, ...s.faults.map((f) => f.at));
      const p = s.faults.find((f) => f.kind === 'partition');
      const c = s.faults.find((f) => f.kind === 'process-crash');
      return !!p && !!c && c.at - p.at >= 2 * SECOND && c.at - p.at <= 3 * SECOND;
    };
    const result = shrinkSchedule(schedule(`  - { at: 40s, kind: partition, groups: [[primary], [others]], for: 10s }
  - { at: 42500ms, kind: process-crash, target: primary, for: 10s }`), pair);
    const [p, c] = result.schedule.faults;
    expect(p.at).toBe(115 * SECOND);
    expect(c.at - p.at).toBeGreaterThanOrEqual(2 * SECOND);
    expect(c.at - p.at).toBeLessThanOrEqual(3 * SECOND);
    expect(result.steps).toContain('every fault 75s later');
    expect(earliest).toBe(40 * SECOND);
  });

  it('simplifies a rack target to one of its nodes when given the design, and group members to roles', () => {
    const view = staticDesignView(trioDesign(), defaultParams(trioDesign().params));
    const predicate = (s: Schedule) =>
      s.faults.some((f) => f.kind === 'crash' && ((f.target?.type === 'rack' && f.target.name === 'r1') || (f.target?.type === 'node' && f.target.node === 'a'))) &&
      s.faults.some((f) => f.kind === 'partition');
    const result = shrinkSchedule(schedule(`  - { at: 10s, kind: crash, target: rack:r1, for: 10s }
  - { at: 20s, kind: partition, groups: [[any, c], [others]], for: 10s }`), predicate, { view });
    expect(result.schedule.faults.map((f) => [f.kind, f.target, f.groups])).toEqual([
      ['crash', { type: 'node', node: 'a' }, undefined],
      ['partition', undefined, [[{ type: 'primary' }, { type: 'primary' }], [{ type: 'others' }]]],
    ]);
  });

  it('gives a fault without `for` one only when shorter still fails, then moves it as late as chaos allows', () => {
    const result = shrinkSchedule(schedule('  - { at: 50s, kind: pause, target: primary }'), (s) => s.faults.length === 1 && Math.min(s.faults[0].for ?? Infinity, s.duration - s.faults[0].at) >= 20 * SECOND);
    expect(result.schedule.faults[0]).toMatchObject({ at: 100 * SECOND, for: 20 * SECOND });
    expect(result.schedule.duration).toBe(120 * SECOND);
  });

  it('cuts chaos to just past the last fault when the faults cannot move later', () => {
    // fails iff the pause starts at 50 s exactly and lasts 20 s: it cannot move
    const result = shrinkSchedule(schedule('  - { at: 50s, kind: pause, target: primary }'), (s) => s.faults.length === 1 && s.faults[0].at === 50 * SECOND && Math.min(s.faults[0].for ?? Infinity, s.duration - s.faults[0].at) >= 20 * SECOND);
    expect(result.schedule.faults[0]).toMatchObject({ at: 50 * SECOND, for: 20 * SECOND });
    expect(result.schedule.duration).toBe(71 * SECOND);
  });

  it('returns no faults when the failure needs none', () => {
    const result = shrinkSchedule(NOISY, () => true);
    expect(result.schedule.faults).toEqual([]);
    expect(result.runs).toBe(2); // the empty schedule, then the duration floor
    expect(result.schedule.duration).toBe(SECOND);
  });

  it('is deterministic', () => {
    const a = shrinkSchedule(NOISY, partitionAndCrash(4 * SECOND));
    const b = shrinkSchedule(NOISY, partitionAndCrash(4 * SECOND));
    expect(b).toEqual(a);
  });

  it('keeps to its run budget and returns a schedule that still fails', () => {
    for (const maxRuns of [0, 1, 5, 20]) {
      const { calls, wrapped } = counted(partitionAndCrash(5 * SECOND));
      const result = shrinkSchedule(NOISY, wrapped, { maxRuns });
      expect(calls.n).toBeLessThanOrEqual(maxRuns);
      expect(result.runs).toBe(calls.n);
      expect(partitionAndCrash(5 * SECOND)(result.schedule)).toBe(true);
    }
  });

  it('never asks about the same schedule twice', () => {
    const seen = new Set<string>();
    shrinkSchedule(NOISY, (s) => {
      const key = JSON.stringify([s.duration, s.faults]);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      return partitionAndCrash(5 * SECOND)(s);
    });
  });
});

describe('the duration search', () => {
  it('probes round values strictly between its bounds', () => {
    expect(roundBetween(0, 60 * SECOND)).toBe(20 * SECOND);
    expect(roundBetween(4 * SECOND, 6 * SECOND)).toBe(5 * SECOND);
    expect(roundBetween(3_750 * MS, 7_500 * MS)).toBe(6 * SECOND);
    for (const [lo, hi] of [[0, 2], [999, 1001], [1, 1_000_003], [4_800_000, 5_000_000]]) {
      const probe = roundBetween(lo, hi);
      expect(probe).toBeGreaterThan(lo);
      expect(probe).toBeLessThan(hi);
    }
  });

  it('tries the floor first and otherwise bisects to within 2 %', () => {
    let probes = 0;
    expect(smallestFailing(MS, 60 * SECOND, () => (probes++, true))).toBe(MS);
    expect(probes).toBe(1);
    probes = 0;
    const found = smallestFailing(0, 60 * SECOND, (v) => (probes++, v >= 12_345 * MS));
    expect(found).toBeGreaterThanOrEqual(12_345 * MS);
    expect(found).toBeLessThanOrEqual(12_345 * MS * 1.02);
    expect(probes).toBeLessThanOrEqual(12);
  });

  it('searching later: tries the ceiling rounded down first and otherwise bisects to within 2 %', () => {
    let probes = 0;
    expect(largestFailing(0, 75_999 * MS, () => (probes++, true))).toBe(75 * SECOND);
    expect(probes).toBe(1);
    probes = 0;
    const found = largestFailing(0, 60 * SECOND, (v) => (probes++, v <= 12_345 * MS));
    expect(found).toBeLessThanOrEqual(12_345 * MS);
    expect(found).toBeGreaterThanOrEqual(12_345 * MS * 0.98);
    expect(probes).toBeLessThanOrEqual(12);
    expect(roundDown(1_234 * MS)).toBe(1_200 * MS);
  });
});
