/**
 * Campaign plans: positions map to runs by arithmetic, shards partition the runs exactly
 * (1-based, index mod n), and the done set of a resumable campaign keeps merged ranges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, positions, RangeSet, runAt, totalRuns, type Plan } from '../../src/campaign/plan.ts';
import { InputError } from '../../src/sim/input-error.ts';

const schedule = (name: string) => ({ name, description: '', duration: 1, settle: 1, faults: [], source: '<test>' });
const plan = (variants: number, schedules: number, runs: number, shard?: Plan['shard']): Plan => ({
  variants: Array.from({ length: variants }, (_, i) => ({ label: `v${i}`, design: `d${i}`, params: {} })),
  schedules: Array.from({ length: schedules }, (_, i) => schedule(`s${i}`)),
  seed: 100,
  runs,
  ...(shard ? { shard } : {}),
});

describe('a plan', () => {
  it('numbers runs variant-major, then schedule, then seed', () => {
    const p = plan(2, 3, 4);
    expect(totalRuns(p)).toBe(24);
    expect(runAt(p, 0)).toEqual({ index: 0, variant: 0, schedule: 0, seed: 100 });
    expect(runAt(p, 5)).toEqual({ index: 5, variant: 0, schedule: 1, seed: 101 });
    expect(runAt(p, 23)).toEqual({ index: 23, variant: 1, schedule: 2, seed: 103 });
    expect(runAt(plan(1, 0, 5), 4)).toEqual({ index: 4, variant: 0, schedule: 0, seed: 104 });
  });

  it('splits into shards that cover every run exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 7 }), (v, s, runs, count) => {
        const whole = plan(v, s, runs);
        const seen: number[] = [];
        for (let index = 1; index <= count; index++) {
          const shard = plan(v, s, runs, { index, count });
          for (let p = 0; p < positions(shard); p++) {
            const run = runAt(shard, p);
            expect(run.index % count).toBe(index - 1);
            expect(run).toEqual(runAt(whole, run.index));
            seen.push(run.index);
          }
        }
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: totalRuns(whole) }, (_, i) => i));
      }),
    );
  });

  it('parses --shard i/n (1-based) and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['3/2', '0/2', '1/0', '1', 'a/b', '-1/2']) expect(() => parseShard(bad)).toThrow(InputError);
  });
});

describe('RangeSet', () => {
  it('holds exactly the integers added, as merged ranges', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }), (xs) => {
        const set = new RangeSet();
        for (const x of xs) set.add(x);
        const unique = [...new Set(xs)];
        expect(set.size).toBe(unique.length);
        for (let i = 0; i <= 61; i++) expect(set.has(i)).toBe(unique.includes(i));
        const ranges = set.toJSON();
        for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
        expect(new RangeSet(ranges).toJSON()).toEqual(ranges);
      }),
    );
  });

  it('stays small when runs finish nearly in order', () => {
    const set = new RangeSet();
    for (let i = 0; i < 10_000; i += 2) set.add(i + 1), set.add(i);
    expect(set.toJSON()).toEqual([[0, 10_000]]);
  });
});
