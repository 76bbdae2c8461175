/**
 * The HTML reports of `hasim compare --html FILE` and `hasim sweep --html FILE`: the comparison
 * table as bar charts, one per column that matters for a failover design (availability on a
 * nines axis, RTO p50 and p99, lost acked orders, split brain, duplicates, false failovers, ack
 * latency), followed by the table itself; for a sweep, first the trade-off curve (RTO against
 * false failovers, one point per parameter value), then the same charts by value.
 */
import type { CampaignFile, DesignReport } from '../campaign-json.ts';
import { campaignCaption, compareTable, sweepTable } from '../compare-table.ts';
import { fmt } from '../format.ts';
import { type Tabular } from '../table.ts';
import { copyable, esc, facts, htmlDocument, table } from './document.ts';
import { planFacts, verdict } from './check-page.ts';
import { barChart, curveChart } from './svg-charts.ts';

export function compareHtml(file: CampaignFile): string {
  const body = [
    header(file, `hasim compare <span class="sub">${esc(file.designs.map((d) => d.label).join(', '))}</span>`),
    safety(file.designs, (d) => d.label),
    `<section><h2>By design</h2>${charts(file.designs, (d) => d.label)}</section>`,
    `<section><h2>Table</h2>${tabular(compareTable(file))}</section>`,
  ].join('\n');
  return htmlDocument({ title: `hasim compare: ${file.designs.map((d) => d.label).join(', ')}`, page: 'compare', body, scripts: ['common.js'] });
}

/** `param`: the swept parameter (default: read from the labels, `name=value`). */
export function sweepHtml(file: CampaignFile, param?: string): string {
  const name = param ?? file.designs[0]?.label.split('=')[0] ?? 'value';
  const valueOf = (d: DesignReport) => d.params[name] ?? d.label;
  const design = file.plan.variants[0]?.design ?? '';
  const body = [
    header(file, `hasim sweep <span class="sub">${esc(design)} across ${esc(name)}</span>`),
    safety(file.designs, valueOf),
    `<section><h2>Trade-off</h2><div class="charts">${tradeOff(file.designs, valueOf, name)}</div></section>`,
    `<section><h2>By ${esc(name)}</h2>${charts(file.designs, valueOf)}</section>`,
    `<section><h2>Table</h2>${tabular(sweepTable(file, name))}</section>`,
  ].join('\n');
  return htmlDocument({ title: `hasim sweep: ${design} across ${name}`, page: 'sweep', body, scripts: ['common.js'] });
}

function header(file: CampaignFile, title: string): string {
  // campaignCaption carries the elapsed time: keep only what the campaign found.
  const caption = campaignCaption(file).replace(/ in [\d.]+s/, '');
  return `<header><h1>${title}</h1>${verdict(file)}${facts(planFacts(file))}<p class="none">${esc(caption)}</p><h2 class="inline">Command</h2>${copyable(file.command.join(' '), 'command-line')}</header>`;
}

/** Safety first: each design's verdict (report/verdict.ts), before any availability figure. */
function safety(designs: DesignReport[], label: (d: DesignReport) => string): string {
  const items = designs.map((d) => `<li class="${d.safe ? 'ok' : 'bad'}"><b>${esc(label(d))}</b>: ${esc(d.verdict)}</li>`);
  return `<section><h2>Safety</h2><ul class="verdicts">${items.join('')}</ul></section>`;
}

/** One bar chart per metric, one bar (or pair) per design or value; an unsafe design's bars say so. */
function charts(designs: DesignReport[], label: (d: DesignReport) => string): string {
  const categories = designs.map((d) => (d.safe ? label(d) : `${label(d)} (UNSAFE)`));
  const series = (name: string, f: (d: DesignReport) => number | null, label?: (d: DesignReport) => string) => ({ name, values: designs.map(f), ...(label ? { labels: designs.map(label) } : {}) });
  const inRuns = (t: { total: number; runs: number }) => (t.total ? `${t.total} in ${t.runs} run${t.runs === 1 ? '' : 's'}` : '0');
  const count = (v: number) => String(Math.round(v));
  return `<div class="charts">${[
    barChart({ title: 'Availability (mean and worst run; nines axis)', categories, series: [series('mean', (d) => d.metrics.availability.mean), series('worst run', (d) => d.metrics.availability.min)], format: fmt.pct, scale: 'nines' }),
    barChart({ title: 'RTO per outage', categories, series: [series('p50', (d) => d.metrics.rtoMs.p50), series('p99', (d) => d.metrics.rtoMs.p99)], format: fmt.ms }),
    barChart({ title: 'Lost acked orders', categories, series: [series('orders', (d) => d.metrics.lostAcked.total, (d) => inRuns(d.metrics.lostAcked))], format: count }),
    barChart({ title: 'Split-brain runs', categories, series: [series('effective', (d) => d.metrics.splitBrainRuns.effective), series('belief', (d) => d.metrics.splitBrainRuns.belief)], format: count }),
    barChart({ title: 'Duplicate orders at the exchange', categories, series: [series('orders', (d) => d.metrics.duplicates.total, (d) => inRuns(d.metrics.duplicates))], format: count }),
    barChart({ title: 'False failovers', categories, series: [series('failovers', (d) => d.metrics.falseFailovers.total, (d) => inRuns(d.metrics.falseFailovers))], format: count }),
    barChart({ title: 'Ack latency p99', categories, series: [series('p99', (d) => d.metrics.ackLatencyMs.p99)], format: fmt.ms }),
    barChart({ title: 'Failed runs', categories, series: [series('failed', (d) => d.failedRuns, (d) => `${d.failedRuns} of ${d.runs}`)], format: count }),
  ].join('')}</div>`;
}

/** RTO against false failovers, one point per value, in value order: the sweep's curve. */
function tradeOff(designs: DesignReport[], valueOf: (d: DesignReport) => string, name: string): string {
  const points = (f: (d: DesignReport) => number | null) => designs.map((d) => ({ x: d.metrics.falseFailovers.total, y: f(d), label: valueOf(d) }));
  return curveChart({
    title: `RTO against false failovers across ${name}`,
    xLabel: 'false failovers (all runs)',
    yLabel: 'RTO',
    series: [
      { name: 'RTO p50', points: points((d) => d.metrics.rtoMs.p50) },
      { name: 'RTO p99', points: points((d) => d.metrics.rtoMs.p99) },
    ],
    xFormat: (v) => String(+v.toFixed(1)),
    yFormat: fmt.ms,
    note: `Each point is one value of ${name}, joined in the order swept: lower and further left is better.`,
  });
}

function tabular(t: Tabular): string {
  return table(t.columns, t.rows);
}
