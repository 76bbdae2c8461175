/**
 * Fidelity: hasim's distributions against the real systems' recorded fixtures
 * (calibration/fixtures/). Every calibrated step must agree (median within max(5 %, 20 ms, the
 * order-statistic noise of the difference), p90 likewise with 10 % or not testable at the
 * sample sizes; shares and lost-write shares by Fisher's exact test; see
 * src/calibration/compare.ts) or be listed as a documented residual in src/calibration/residuals.ts. A residual whose
 * step now agrees fails too: the table must be tightened when the world gets better.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareExperiment, seedsFor, type ExperimentComparison } from '../../src/calibration/compare.ts';
import { EXPERIMENTS } from '../../src/calibration/experiments.ts';
import { FIXTURES_DIR, loadFixture, parseFixture } from '../../src/calibration/fixture.ts';
import { RESIDUALS } from '../../src/calibration/residuals.ts';
import { runExperiment, type SimTrial } from '../../src/calibration/run-experiment.ts';
import { InputError } from '../../src/sim/input-error.ts';


/** The verdicts a comparison may end in ('disagrees' contains 'agrees': anchor it). */
const ACCEPTABLE = /^(agrees|residual)$/;

const simulated = new Map<string, SimTrial[]>();
async function simTrials(id: string): Promise<SimTrial[]> {
  let trials = simulated.get(id);
  if (!trials) {
    const experiment = EXPERIMENTS.find((e) => e.id === id)!;
    simulated.set(id, (trials = await runExperiment(experiment, seedsFor(experiment))));
  }
  return trials;
}

async function comparison(id: string): Promise<ExperimentComparison> {
  return compareExperiment(EXPERIMENTS.find((e) => e.id === id)!, loadFixture(id), await simTrials(id));
}

describe('fidelity against the real systems', () => {
  it('every experiment has a committed fixture with versions and settings', () => {
    for (const e of EXPERIMENTS) {
      expect(existsSync(join(FIXTURES_DIR, `${e.id}.jsonl`)), e.id).toBe(true);
      const f = loadFixture(e.id);
      expect(Object.keys(f.header.versions).length, e.id).toBeGreaterThan(0);
      expect(f.trials.filter((t) => t.completed).length, `${e.id}: completed trials`).toBeGreaterThanOrEqual(e.minTrials ?? 15);
    }
  });

  for (const e of EXPERIMENTS) {
    it(`${e.id}: each step agrees with the real system or is a documented residual`, async () => {
      const c = await comparison(e.id);
      const failing = c.steps.filter((s) => s.verdict === 'disagrees' || s.verdict === 'no-data');
      const describe = failing.map((s) => `${s.step}: real median ${s.real.median.toFixed(0)} p90 ${s.real.p90.toFixed(0)}, hasim ${s.sim.median.toFixed(0)} / ${s.sim.p90.toFixed(0)}`);
      expect(describe).toEqual([]);
      for (const sh of c.shares) expect(sh.verdict, `${sh.name}: real ${sh.realWith}/${sh.realTrials}, hasim ${sh.simWith}/${sh.simTrials}`).toMatch(ACCEPTABLE);
      expect(c.loss.verdict, `lost acked writes: real ${c.loss.realLost}, hasim ${c.loss.simLost}`).toMatch(ACCEPTABLE);
    });
  }

  it('no residual is listed for a step that now agrees (tighten the table)', async () => {
    const stale: string[] = [];
    for (const r of RESIDUALS) {
      const c = await comparison(r.experiment);
      if (r.step === '*') {
        if (c.steps.every((s) => s.sim.n > 0)) stale.push(`${r.experiment}/* (hasim runs it now)`);
        continue;
      }
      const step = c.steps.find((s) => s.step === r.step);
      const share = c.shares.find((s) => s.name === r.step);
      const loss = r.step === 'lostAckedWrites' ? c.loss : undefined;
      expect(step ?? share ?? loss, `${r.experiment}/${r.step} names no step`).toBeDefined();
      const agrees = step ? step.medianOk && step.p90Ok && (step.occurrence?.ok ?? true) && step.sim.n > 0 : (share ?? loss)!.ok;
      if (agrees) stale.push(`${r.experiment}/${r.step}`);
    }
    expect(stale).toEqual([]);
  });

  it('catches a planted disagreement: hasim 20 % slower on one step', async () => {
    const e = EXPERIMENTS.find((x) => x.id === 'etcd--leader-kill-prevote-off')!;
    const sim = await simTrials(e.id);
    const slowed = sim.map((t) => ({ ...t, steps: { ...t.steps, leaderElected: t.steps.leaderElected === null ? null : t.steps.leaderElected * 1.2 } }));
    const c = compareExperiment(e, loadFixture(e.id), slowed);
    expect(c.steps.find((s) => s.step === 'leaderElected')!.verdict).toBe('disagrees');
  });

  // on a share without a residual (keepalived advert-loss-50's takeovers has one, which would
  // turn a planted disagreement into 'residual')
  it('catches a planted disagreement in a share: a second election round in every hasim run', async () => {
    const e = EXPERIMENTS.find((x) => x.id === 'etcd--leader-kill-prevote-off')!;
    const sim = (await simTrials(e.id)).map((t) => ({ ...t, counts: { ...t.counts, rounds: 9 } }));
    const verdict = compareExperiment(e, loadFixture(e.id), sim).shares[0].verdict;
    expect(verdict).toBe('disagrees');
    expect(verdict).not.toMatch(ACCEPTABLE);
  });

  it('catches planted lost writes where the real system lost none', async () => {
    const e = EXPERIMENTS.find((x) => x.id === 'etcd--leader-kill-prevote-on')!;
    const sim = (await simTrials(e.id)).map((t, i) => ({ ...t, lostAckedWrites: i === 0 ? 3 : t.lostAckedWrites }));
    expect(compareExperiment(e, loadFixture(e.id), sim).loss.verdict).toBe('disagrees');
  });

  it('a malformed fixture is one input error naming the line', () => {
    expect(() => parseFixture('{"header":true,"system":"x","experiment":"y","versions":{},"settings":{}}\nnot json\n', 'f.jsonl')).toThrow(InputError);
    expect(() => parseFixture('{"trial":1}\n', 'f.jsonl')).toThrow(/line 1/);
  });
});
