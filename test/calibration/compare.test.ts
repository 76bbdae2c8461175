/**
 * The verdict rules of src/calibration/compare.ts on made-up samples: the p90 check says "not
 * testable" where a sample is too small to bound a p90 on the side hasim differs (instead of a
 * silent pass or fail), is tested where it can be, a median shifted 20 % still fails, and
 * shares go through Fisher's exact test.
 */
import { describe, expect, it } from 'vitest';
import { compareExperiment, SHARE_ALPHA } from '../../src/calibration/compare.ts';
import type { Experiment } from '../../src/calibration/experiments.ts';
import type { Fixture } from '../../src/calibration/fixture.ts';
import type { SimTrial } from '../../src/calibration/run-experiment.ts';

const experiment: Experiment = {
  id: 'test--made-up',
  system: 'test',
  design: 'single',
  params: {},
  workload: {},
  fault: { unmodelled: 'made-up samples' },
  faultWindowMs: [0, 1],
  afterFaultMs: 1,
  steps: [{ name: 'step', doc: 'a step', at: () => undefined }],
  counts: [{ name: 'rounds', doc: 'a second round', above: 1, of: () => 1 }],
};

/** n values evenly spread over [1000, 2000): a uniform sample without sampling noise. */
const spread = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => (1000 + (1000 * (i + 0.5)) / n) * scale);

function fixture(values: number[], withSecondRound = 0): Fixture {
  return {
    header: { system: 'test', experiment: 'made-up', description: '', versions: { x: '1' }, settings: {}, recordedAt: '2026-12-05T00:00:00Z', cores: 2, loadAvgAtStart: [0, 0, 0] },
    trials: values.map((v, i) => ({ trial: i + 1, completed: true, steps: { step: v }, lostAckedWrites: 0, rounds: i < withSecondRound ? 2 : 1, loadAvg: [0, 0, 0] })),
  };
}

function sim(values: number[], withSecondRound = 0): SimTrial[] {
  return values.map((v, i) => ({ seed: i + 1, faultAtMs: 0, steps: { step: v }, counts: { rounds: i < withSecondRound ? 2 : 1 }, lostAckedWrites: 0 }));
}

/** The same median, and a tail 30 % longer: values above the median stretched. */
const longTail = (values: number[]) => values.map((v) => (v > 1500 ? 1500 + (v - 1500) * 1.6 : v));

describe('calibration verdicts', () => {
  it('a p90 beyond 10 % that 20 real trials cannot bound from above is "not testable at n=20", not a pass or a fail', () => {
    const step = compareExperiment(experiment, fixture(spread(20)), sim(longTail(spread(60)))).steps[0];
    expect(step.medianCheck).toBe('ok');
    expect(step.p90Check).toBe('untestable');
    expect(step.untestable.join()).toMatch(/p90 not testable at n=20 real trials/);
    expect(step.verdict).toBe('agrees');
  });

  it('with 60 real trials the same p90 difference is tested, and fails', () => {
    const step = compareExperiment(experiment, fixture(spread(60)), sim(longTail(spread(60)))).steps[0];
    expect(step.p90Check).toBe('fails');
    expect(step.verdict).toBe('disagrees');
  });

  it('hasim 20 % slower fails on the median even where the p90 is not testable', () => {
    const step = compareExperiment(experiment, fixture(spread(20)), sim(spread(60, 1.2))).steps[0];
    expect(step.medianCheck).toBe('fails');
    expect(step.verdict).toBe('disagrees');
  });

  it('a median that hasim reached in 2 runs cannot be tested, and is no agreement', () => {
    const step = compareExperiment(experiment, fixture(spread(20)), sim([1300, 1900])).steps[0];
    expect(step.medianCheck).toBe('untestable');
    expect(step.verdict).toBe('disagrees');
  });

  it("shares go through Fisher's exact test: 5/20 against 3/20 agrees, against 15/20 does not", () => {
    const same = compareExperiment(experiment, fixture(spread(20), 5), sim(spread(20), 3)).shares[0];
    expect(same.fisherP).toBeCloseTo(0.6948, 4);
    expect(same.verdict).toBe('agrees');
    const apart = compareExperiment(experiment, fixture(spread(20), 5), sim(spread(20), 15)).shares[0];
    expect(apart.fisherP).toBeLessThan(SHARE_ALPHA);
    expect(apart.verdict).toBe('disagrees');
  });

  it('a step hasim reaches in half its runs and the real system in every trial disagrees, though its times agree', () => {
    const values = spread(20);
    const half = sim(spread(20)).map((t, i) => (i % 2 ? { ...t, steps: { step: null } } : t));
    const step = compareExperiment(experiment, fixture(values), half).steps[0];
    expect(step.medianCheck).toBe('ok');
    expect(step.occurrence).toMatchObject({ realWith: 20, realTrials: 20, simWith: 10, simTrials: 20, ok: false });
    expect(step.verdict).toBe('disagrees');
  });
});
