/**
 * The HTML report of `hasim check --html FILE` (and of any campaign result file): per design,
 * failed runs by invariant, then every kept failure grouped by invariant with its shrunk
 * schedule (YAML) and replay command; the metric distributions across runs as histograms (RTO,
 * detection, failover, ack latency, unavailability, split-brain time, RPO) and lost acked
 * orders; and coverage (what the runs exercised, fault kinds that fired) with the warnings of
 * a vacuous check. Charts are static SVG; wall-clock fields (elapsed time, runs per second,
 * workers) are left out so the page depends only on what the campaign found.
 */
import { bucketRange, type HistogramState } from '../../campaign/histogram.ts';
import type { CampaignFile, DesignReport, FailureReport } from '../campaign-json.ts';
import { fmt } from '../format.ts';
import { copyable, esc, facts, htmlDocument, table } from './document.ts';
import { barChart, histogramChart, type HistogramChart } from './svg-charts.ts';

export function checkHtml(file: CampaignFile): string {
  const body = [
    `<header><h1>hasim check <span class="sub">${esc(file.designs.map((d) => d.label).join(', '))}</span></h1>`,
    verdict(file),
    facts(planFacts(file)),
    `<h2 class="inline">Command</h2>${copyable(file.command.join(' '), 'command-line')}</header>`,
    summary(file),
    ...file.designs.map((d, i) => designSection(file, d, i)),
  ].join('\n');
  return htmlDocument({ title: `hasim check: ${file.designs.map((d) => d.label).join(', ')}`, page: 'check', body, scripts: ['common.js'] });
}

export function verdict(file: CampaignFile): string {
  const failed = file.designs.reduce((n, d) => n + d.failedRuns, 0);
  const partial = file.interrupted ? ' (interrupted: partial results)' : file.stoppedEarly ? ' (stopped at the first failure)' : '';
  return failed ? `<p class="verdict bad">${failed} of ${file.completedRuns} runs failed${esc(partial)}</p>` : `<p class="verdict ok">All ${file.completedRuns} runs passed${esc(partial)}</p>`;
}

export function planFacts(file: CampaignFile): [string, string][] {
  const p = file.plan;
  return [
    ['runs', `${file.completedRuns} of ${file.totalRuns}`],
    ['seeds', `${p.seed}..${p.seed + p.runs - 1}${p.shard ? ` (shard ${p.shard})` : ''}`],
    [p.schedules.length ? 'schedules' : 'profile', p.schedules.length ? p.schedules.join(', ') : String(p.profile)],
    ['invariants', p.invariants?.join(', ') ?? 'all'],
    ['hasim', file.hasim],
  ];
}

function summary(file: CampaignFile): string {
  const names = [...new Set(file.designs.flatMap((d) => Object.keys(d.violations)))];
  const rows = [['runs', ...file.designs.map((d) => d.runs)], ['failed runs', ...file.designs.map((d) => d.failedRuns)], ...names.map((n) => [n, ...file.designs.map((d) => d.violations[n] ?? 0)])];
  return `<section><h2>Failed runs by invariant</h2>${table(['', ...file.designs.map((d) => d.label)], rows)}</section>`;
}

function designSection(file: CampaignFile, d: DesignReport, index: number): string {
  const params = Object.entries(d.params);
  const broken = Object.entries(d.violations).filter(([, n]) => n > 0);
  const parts = [
    `<section class="design" id="design-${index}"><h2>${esc(d.label)} <span class="sub">${d.runs} runs, ${d.failedRuns} failed${params.length ? `; ${esc(params.map(([k, v]) => `${k}=${v}`).join(', '))}` : ''}</span></h2>`,
    ...d.warnings.map((w) => `<p class="warning">warning: ${esc(w)}</p>`),
  ];
  if (broken.length) {
    parts.push('<div class="charts">' + barChart({ title: 'Failed runs by invariant', categories: broken.map(([n]) => n), series: [{ name: 'runs', values: broken.map(([, n]) => n) }], format: (v) => String(Math.round(v)) }) + '</div>');
    parts.push(failures(d, file.state[index]?.failures ?? []));
  } else parts.push('<p class="none">No invariant failed.</p>');
  parts.push('<h3>Distributions across runs</h3>', distributions(d, file.state[index]?.histograms));
  parts.push('<h3>Coverage</h3>', coverage(d));
  parts.push('</section>');
  return parts.join('\n');
}

/** Kept failures grouped by the invariant they are known by, each with its schedule and replay. */
function failures(d: DesignReport, states: { seed: number; schedule?: string; shrunk?: { schedule: string } }[]): string {
  const groups = new Map<string, FailureReport[]>();
  for (const f of d.failures) groups.set(f.invariant, [...(groups.get(f.invariant) ?? []), f]);
  const out: string[] = [];
  let n = 0;
  for (const [invariant, list] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push(`<details class="group"${list.length <= 5 ? ' open' : ''}><summary>${esc(invariant)} (${list.length} kept)</summary>`);
    for (const f of list) {
      const yaml = f.scheduleYaml ?? states.find((s) => s.seed === f.seed)?.shrunk?.schedule ?? states.find((s) => s.seed === f.seed)?.schedule ?? null;
      const id = `replay-${d.label.replace(/[^A-Za-z0-9_-]/g, '_')}-${n++}`;
      const shrunk = f.shrunk ? `shrunk to ${f.shrunk.faults} fault${f.shrunk.faults === 1 ? '' : 's'} in ${f.shrunk.runs} runs: ${f.shrunk.detail}` : 'not shrunk';
      out.push(`<div class="failure" data-invariant="${esc(invariant)}" data-seed="${f.seed}">
<div><b>seed ${f.seed}</b> · ${esc(f.schedule)} · at ${esc(fmt.ms(f.timeMs))}${f.invariants.length > 1 ? ` · also ${esc(f.invariants.filter((x) => x !== invariant).join(', '))}` : ''}</div>
<div class="detail">${esc(f.detail)}</div>
<div class="detail">${esc(shrunk)}</div>
${copyable(f.replay, id)}
${yaml ? `<details><summary>schedule${f.scheduleFile ? ` (${esc(f.scheduleFile)})` : ''}</summary><pre>${esc(yaml)}</pre></details>` : ''}
</div>`);
    }
    out.push('</details>');
  }
  if (d.failuresOmitted) out.push(`<p class="none">${d.failuresOmitted} more failed runs were counted but not kept (--max-failures).</p>`);
  return out.join('\n');
}

type Histograms = Record<string, HistogramState> | undefined;

function distributions(d: DesignReport, h: Histograms): string {
  const m = d.metrics;
  const ms = (v: number) => fmt.ms(v);
  const charts: string[] = [];
  const hist = (name: string, title: string, toUnit: (raw: number) => number, format: (v: number) => string, note?: string) => {
    if (h?.[name]) charts.push(histogramChart({ title, ...displayBins(h[name], toUnit), format, note }));
  };
  hist('rtoUs', 'RTO per outage', (us) => us / 1000, ms, `p50 ${fmt.ms(m.rtoMs.p50)}, p99 ${fmt.ms(m.rtoMs.p99)}, max ${fmt.ms(m.rtoMs.max)}`);
  hist('detectionUs', 'Detection time per outage', (us) => us / 1000, ms);
  hist('failoverUs', 'Failover time per outage', (us) => us / 1000, ms);
  hist('ackLatencyUs', 'Ack latency per order', (us) => us / 1000, ms, `p50 ${fmt.ms(m.ackLatencyMs.p50)}, p99 ${fmt.ms(m.ackLatencyMs.p99)}, p99.9 ${fmt.ms(m.ackLatencyMs.p999)}`);
  hist('unavailabilityPpb', 'Unavailability per run (orders not acked in time)', (ppb) => ppb / 1e7, (v) => `${+v.toPrecision(2)}%`, `mean availability ${fmt.pct(m.availability.mean)}, worst ${fmt.pct(m.availability.min)}`);
  hist('splitBrainEffectiveUs', 'Effective split-brain time per run', (us) => us / 1000, ms);
  hist('rpoUs', 'RPO per run (time span of lost acked orders)', (us) => us / 1000, ms);
  charts.push(
    barChart({
      title: 'Runs that lost acked orders',
      categories: ['lost some', 'lost none'],
      series: [{ name: 'runs', values: [m.lostAcked.runs, m.measuredRuns - m.lostAcked.runs] }],
      format: (v) => String(Math.round(v)),
      note: `${m.lostAcked.total} acked orders lost in all (the campaign keeps the total and the runs affected; each failure below says how many it lost).`,
    }),
  );
  return `<div class="charts">${charts.join('')}</div>`;
}

/**
 * A campaign histogram re-binned for drawing: five bins per decade of the display unit, and
 * the zeros apart. Buckets are assigned by their midpoint.
 */
export function displayBins(state: HistogramState, toUnit: (raw: number) => number): Pick<HistogramChart, 'bins' | 'zeros'> {
  const perDecade = 5;
  const counts = new Map<number, number>();
  let zeros = 0;
  for (const [index, count] of state.buckets) {
    const [low, high] = bucketRange(index);
    const mid = toUnit((low + high) / 2);
    if (!(mid > 0)) {
      zeros += count;
      continue;
    }
    const bin = Math.floor(Math.log10(mid) * perDecade + 1e-9);
    counts.set(bin, (counts.get(bin) ?? 0) + count);
  }
  const bins = [...counts.entries()].sort(([a], [b]) => a - b).map(([bin, count]) => ({ low: 10 ** (bin / perDecade), high: 10 ** ((bin + 1) / perDecade), count }));
  return { bins, zeros };
}

function coverage(d: DesignReport): string {
  const c = d.coverage;
  const counters = ['failovers', 'elections', 'fencings', 'staleTokenRejections', 'demotions', 'outages', 'faultsFired', 'faultsSkipped'] as const;
  const kinds = Object.entries(c.faultKinds);
  return `<div class="charts">${barChart({
    title: 'Runs in which it happened',
    categories: counters.map((k) => k.replace(/[A-Z]/g, (ch) => ' ' + ch.toLowerCase())),
    series: [{ name: 'runs', values: counters.map((k) => c[k].runs) }],
    format: (v) => String(Math.round(v)),
    note: counters.map((k) => `${k} ${c[k].total}`).join(', ') + ' (occurrences)',
  })}${kinds.length ? barChart({ title: 'Fault kinds that fired (runs)', categories: kinds.map(([k]) => k), series: [{ name: 'runs', values: kinds.map(([, t]) => t.runs) }], format: (v) => String(Math.round(v)) }) : ''}${probeChart(c.probes)}</div>`;
}

/** Runs in which each probe fired; the design's probes that never did show as empty bars. */
function probeChart(probes: Record<string, { total: number; runs: number }>): string {
  const entries = Object.entries(probes);
  if (entries.length === 0) return '';
  const never = entries.filter(([, t]) => t.total === 0).map(([name]) => name);
  return barChart({
    title: 'Probes: runs in which each fired',
    categories: entries.map(([name]) => name),
    series: [{ name: 'runs', values: entries.map(([, t]) => t.runs) }],
    format: (v) => String(Math.round(v)),
    note: never.length ? `never fired: ${never.join(', ')}` : 'every probe fired',
  });
}
