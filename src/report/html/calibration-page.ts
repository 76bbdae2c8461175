/**
 * The HTML page of the calibration report: per experiment, the medians of each protocol step,
 * real against hasim, as a bar chart, then the full table (min / median / p90 / max, ratio,
 * Mann-Whitney and Kolmogorov-Smirnov p-values, verdict), the losses and the residuals.
 */
import type { ExperimentComparison } from '../../calibration/compare.ts';
import { pValue, ratio, spread, wholeMs, wholePct } from '../format.ts';
import { esc, facts, htmlDocument, table } from './document.ts';
import { barChart } from './svg-charts.ts';

const ms = (x: number) => (Number.isFinite(x) ? `${wholeMs(x)} ms` : '–');
const five = (s: { min: number; median: number; p90: number; max: number }) => spread(s, wholeMs);

function section(c: ExperimentComparison): string {
  const timed = c.steps.filter((s) => !s.step.includes('→'));
  const chart = barChart({
    title: `${c.id}: median time of each step after the fault`,
    categories: timed.map((s) => s.step),
    series: [
      { name: 'real', values: timed.map((s) => (Number.isFinite(s.real.median) ? s.real.median : null)) },
      { name: 'hasim', values: timed.map((s) => (Number.isFinite(s.sim.median) ? s.sim.median : null)) },
    ],
    format: ms,
    scale: 'linear',
  });
  const rows = c.steps.map((s) => [s.step, five(s.real), five(s.sim), ratio(s.medianRatio), pValue(s.mannWhitneyP), pValue(s.ksP), s.verdict + (s.residual ? `: ${s.residual.cause}` : '') + (s.untestable.length ? ` (${s.untestable.join('; ')})` : '') + (s.occurrence && !s.occurrence.ok ? ` (reached in ${s.occurrence.simWith}/${s.occurrence.simTrials} hasim runs vs ${s.occurrence.realWith}/${s.occurrence.realTrials} real trials, Fisher exact p ${pValue(s.occurrence.fisherP)})` : '')]);
  for (const sh of c.shares) {
    rows.push([`${sh.name}: ${sh.doc}`, `${sh.realWith}/${sh.realTrials} (${wholePct(sh.realWith / sh.realTrials)} %)`, `${sh.simWith}/${sh.simTrials} (${wholePct(sh.simWith / sh.simTrials)} %)`, '', '', '', `${sh.verdict} (Fisher exact p ${pValue(sh.fisherP)})` + (sh.residual ? `: ${sh.residual.cause}` : '')]);
  }
  const l = c.loss;
  rows.push(['lost acked writes', `${l.realLost} in ${l.realTrialsWithLoss}/${l.realTrials} trials`, `${l.simLost} in ${l.simTrialsWithLoss}/${l.simTrials} runs`, '', '', '', l.verdict + (l.realLost > 0 ? ` (Fisher exact p ${pValue(l.fisherP)})` : '')]);
  return [
    `<section><h2>${esc(c.id)}</h2>`,
    `<p>${esc(c.description)}</p>`,
    facts([
      ['versions', Object.values(c.versions).join(', ')],
      ['recorded', `${c.loss.realTrials} trials, ${c.recordedAt.slice(0, 19)}Z, 1-min load ${c.loadAvg.min.toFixed(1)}-${c.loadAvg.max.toFixed(1)}`],
      ['hasim', `${c.loss.simTrials} seeds`],
      ['settings', Object.entries(c.settings).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`).join(', ')],
    ]),
    `<div class="charts">${chart}</div>`,
    table(['step', 'real min / median / p90 / max (ms)', 'hasim min / median / p90 / max (ms)', 'median ratio', 'Mann-Whitney p', 'KS p', 'verdict'], rows),
    '</section>',
  ].join('\n');
}

export function calibrationHtml(comparisons: readonly ExperimentComparison[]): string {
  const agree = comparisons.reduce((n, c) => n + c.steps.filter((s) => s.verdict === 'agrees').length, 0);
  const total = comparisons.reduce((n, c) => n + c.steps.length, 0);
  const body = [
    `<header><h1>How faithful is hasim <span class="sub">real systems against hasim</span></h1>`,
    `<p>${agree} of ${total} calibrated steps agree (median within max(5 %, 20 ms, the 95 % order-statistic noise of the difference), p90 likewise with 10 %, a p90 that a small sample cannot bound reported as not testable; shares by Fisher's exact test at p ≥ 0.01); the others are documented residuals.</p></header>`,
    ...comparisons.map(section),
  ].join('\n');
  return htmlDocument({ title: 'hasim: calibration against the real systems', page: 'compare', body, scripts: ['common.js'] });
}
