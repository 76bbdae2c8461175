/**
 * "How faithful is hasim": the real-against-hasim comparison as Markdown, one table per
 * experiment (steps in ms from the fault: min / median / p90 / max of each, the ratio of
 * medians, Mann-Whitney and Kolmogorov-Smirnov p-values, the verdict), then the losses, then the
 * documented residuals with their causes. The README section and calibration/REPORT.md are this
 * text.
 */
import type { ExperimentComparison, StepComparison } from '../calibration/compare.ts';
import { pValue, ratio, spread, stepMs as ms, wholePct } from './format.ts';

const five = (s: StepComparison['real']) => spread(s, ms, '**');

/** What the verdict rests on, with the checks that could not be made at this sample size. */
export function verdictText(step: StepComparison): string {
  const o = step.occurrence;
  const seldom = o && !o.ok ? `; reached in ${o.simWith}/${o.simTrials} hasim runs vs ${o.realWith}/${o.realTrials} real trials (Fisher p ${pValue(o.fisherP)})` : '';
  return verdictCore(step) + seldom;
}

function verdictCore(step: StepComparison): string {
  const untested = [step.medianCheck, step.p90Check].includes('untestable') ? `; ${[step.medianCheck === 'untestable' ? 'median' : '', step.p90Check === 'untestable' ? 'p90' : ''].filter(Boolean).join(' and ')} not testable at n=${step.real.n}/${step.sim.n}` : '';
  if (step.verdict === 'agrees') {
    const base = untested ? 'agrees in median' : step.mannWhitneyP < 0.01 ? 'agrees in median and p90; shapes differ (MW p < 0.01)' : 'agrees';
    return base + untested;
  }
  if (step.verdict === 'residual') return `residual${step.residual?.issue ? ` (${step.residual.issue})` : ''}`;
  return step.verdict;
}

export function calibrationMarkdown(comparisons: readonly ExperimentComparison[]): string {
  const out: string[] = [];
  for (const c of comparisons) {
    const versions = Object.values(c.versions).join(', ');
    out.push(`#### ${c.id}`, '');
    out.push(`${c.description}. Real: ${versions}, ${c.loss.realTrials} trials recorded ${c.recordedAt.slice(0, 10)} (1-min load ${c.loadAvg.min.toFixed(1)}-${c.loadAvg.max.toFixed(1)} on 2 shared cores); hasim: ${c.loss.simTrials} seeds. Settings: ${settingsText(c.settings)}.`, '');
    out.push('| step | real min / **median** / p90 / max (ms) | hasim min / **median** / p90 / max (ms) | median ratio | MW p | KS p | verdict |');
    out.push('|---|---|---|---:|---:|---:|---|');
    for (const s of c.steps) {
      out.push(`| ${s.step} | ${five(s.real)} | ${five(s.sim)} | ${ratio(s.medianRatio)} | ${pValue(s.mannWhitneyP)} | ${pValue(s.ksP)} | ${verdictText(s)} |`);
    }
    for (const sh of c.shares) {
      const pct = (x: number) => `${wholePct(x)} %`;
      out.push(`| ${sh.name}: ${sh.doc} | ${sh.realWith}/${sh.realTrials} (${pct(sh.realWith / sh.realTrials)}) | ${sh.simWith}/${sh.simTrials} (${pct(sh.simWith / sh.simTrials)}) | | | | ${sh.verdict === 'residual' ? `residual${sh.residual?.issue ? ` (${sh.residual.issue})` : ''}` : sh.verdict} (Fisher p ${pValue(sh.fisherP)}) |`);
    }
    const l = c.loss;
    out.push(`| lost acked writes | ${l.realLost} in ${l.realTrialsWithLoss}/${l.realTrials} trials | ${l.simLost} in ${l.simTrialsWithLoss}/${l.simTrials} runs | | | | ${l.verdict}${l.realLost > 0 ? ` (Fisher p ${pValue(l.fisherP)})` : ''} |`, '');
  }
  const residuals = comparisons.flatMap((c) => [
    ...c.steps.filter((s) => s.verdict === 'residual').map((s) => ({ id: c.id, name: s.step, measured: s.real.n && s.sim.n ? `median ${ms(s.real.median)} vs ${ms(s.sim.median)}, p90 ${ms(s.real.p90)} vs ${ms(s.sim.p90)}` : `real median ${ms(s.real.median)}; hasim: not run`, residual: s.residual! })),
    ...c.shares.filter((s) => s.verdict === 'residual').map((s) => ({ id: c.id, name: s.name, measured: `${s.realWith}/${s.realTrials} real vs ${s.simWith}/${s.simTrials} hasim`, residual: s.residual! })),
  ]);
  if (residuals.length) {
    out.push('**Documented residuals** (`src/calibration/residuals.ts`; the fidelity test fails if one of them starts to agree, or if a step disagrees without being listed):', '');
    out.push('| experiment | step | measured (real vs hasim, ms) | cause |', '|---|---|---|---|');
    for (const r of residuals) out.push(`| ${r.id} | ${r.name} | ${r.measured} | ${r.residual.cause}${r.residual.issue ? ` (${r.residual.issue})` : ''} |`);
    out.push('');
  }
  return out.join('\n');
}

function settingsText(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('-') : typeof v === 'object' && v !== null ? settingsText(v as Record<string, unknown>).replace(/^/, '{ ').replace(/$/, ' }') : String(v)}`)
    .join(', ');
}
