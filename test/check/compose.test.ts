import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { check } from '../../src/campaign/check.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { composeInvariants, type Invariant } from '../../src/check/index.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND } from '../../src/sim/time.ts';

const DESIGN = 'test/campaign/fixtures/single-with-invariant.ts';
const MODULE = 'test/campaign/fixtures/late-acks.ts';
const schedule = { name: 'quiet-3s', description: '', duration: 3 * SECOND, settle: 0, faults: [], source: '<test>' };

const never: Invariant = { name: 'never-holds', description: 'planted', check: (h) => [{ invariant: 'never-holds', time: h.endAt, detail: 'planted' }] };

describe('invariants composed per design and per call', () => {
  it("a design's own invariants are checked in every run of it, besides the built-in ones", async () => {
    const design = await loadDesign(DESIGN);
    const names = simulate({ design, seed: 1, schedule }).violations.map((v) => v.invariant);
    expect(names).toEqual(['acks-before-1500ms']);
    const only = simulate({ design, seed: 1, schedule, invariants: ['no-ack-from-b', 'single-primary'] });
    expect(only.violations).toEqual([]);
  });

  it("a call's extra invariants are checked in that call only", async () => {
    const design = await loadDesign('single');
    expect(simulate({ design, seed: 1, schedule, extraInvariants: [never] }).violations.map((v) => v.invariant)).toEqual(['never-holds']);
    expect(simulate({ design, seed: 1, schedule }).violations).toEqual([]);
  });

  it('an extra invariant may not take a built-in name (it would switch that one off), nor repeat another', () => {
    expect(() => composeInvariants([{ ...never, name: 'single-primary' }])).toThrow(InputError);
    expect(() => composeInvariants([never, never])).toThrow(/never-holds/);
  });

  it("worker threads check the design's invariants and an invariant module's", async () => {
    const result = await check({ designs: [DESIGN], schedules: [schedule], runs: 2, workers: 1, shrinkRuns: 0, invariantModules: [MODULE] });
    const violations = Object.fromEntries(result.aggregates[0].violations);
    expect(violations).toEqual({ 'acks-before-1500ms': 2, 'acks-before-2s': 2 });
  });

  it('a campaign refuses an invariant name no source defines, and a module without invariants', async () => {
    await expect(check({ designs: ['single'], schedules: [schedule], runs: 1, workers: 0, invariants: ['acks-before-2s'] })).rejects.toThrow(/acks-before-2s/);
    await expect(check({ designs: ['single'], schedules: [schedule], runs: 1, workers: 0, invariants: ['acks-before-2s'], invariantModules: [MODULE] })).resolves.toBeDefined();
    await expect(check({ designs: ['single'], schedules: [schedule], runs: 1, workers: 0, invariantModules: ['test/campaign/fixtures/short.yaml'] })).rejects.toThrow(InputError);
  });
});
