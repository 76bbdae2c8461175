import { describe, expect, it } from 'vitest';
import { compareExperiment } from '../../src/calibration/compare.ts';
import { EXPERIMENTS } from '../../src/calibration/experiments.ts';
import type { Fixture } from '../../src/calibration/fixture.ts';
import type { SimTrial } from '../../src/calibration/run-experiment.ts';
import { calibrationMarkdown } from '../../src/report/calibration-table.ts';
import { calibrationHtml } from '../../src/report/html/calibration-page.ts';

const experiment = EXPERIMENTS.find((e) => e.id === 'keepalived--host-death')!;
const steps = (t: number) => ({ backupMaster: t, clientFirstFailed: 1000, clientFirstServed: t + 10 });
const fixture: Fixture = {
  header: { system: 'keepalived', experiment: 'host-death', description: 'a <b>test</b> fixture', versions: { keepalived: 'Keepalived v2.2.7' }, settings: { advertIntS: 1 }, recordedAt: '2026-12-05T12:00:00.000Z', cores: 2, loadAvgAtStart: [1, 1, 1] },
  trials: Array.from({ length: 20 }, (_, i) => ({ trial: i + 1, completed: true, steps: steps(2600 + 50 * i), lostAckedWrites: 0, loadAvg: [2, 1, 1] })),
};
const sim = (shift: number): SimTrial[] => Array.from({ length: 40 }, (_, i) => ({ seed: i + 1, faultAtMs: 3000, steps: steps(2600 + 25 * i + shift), counts: {}, lostAckedWrites: 0 }));

describe('calibration report', () => {
  it('the Markdown table gives real and hasim quantiles, the ratio and the verdict per step', () => {
    const md = calibrationMarkdown([compareExperiment(experiment, fixture, sim(0))]);
    expect(md).toContain('#### keepalived--host-death');
    expect(md).toMatch(/\| backupMaster \| 2600 \/ \*\*3075\*\* \/ 3455 \/ 3550 \| 2600 \/ \*\*3088\*\* \/ 3478 \/ 3575 \| 1\.00 \|/);
    expect(md).toContain('| lost acked writes | 0 in 0/20 trials | 0 in 0/40 runs |');
  });

  it('a shifted hasim shows as a disagreement in both renderings', () => {
    const c = compareExperiment(experiment, fixture, sim(800));
    expect(calibrationMarkdown([c])).toMatch(/\| backupMaster \|[^\n]*\| disagrees \|/);
    expect(calibrationHtml([c])).toMatch(/<td>disagrees[ <]/);
  });

  it('the HTML page is self-contained and escapes the fixture text', () => {
    const html = calibrationHtml([compareExperiment(experiment, fixture, sim(0))]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('a &lt;b&gt;test&lt;/b&gt; fixture');
    expect(html).not.toMatch(/<script src=|<link /);
    expect(html).toContain('<svg');
  });
});
