/**
 * The HTML report of a long-horizon availability estimate (`hasim estimate --html FILE`): per
 * design, availability with its confidence interval on a nines axis
 * next to the ideal one (component failures alone, every failover instant and perfect); the
 * downtime per year, real against ideal, against the budget (52 min/yr, four nines); outages
 * per year, RTO, and the yearly probabilities of losing acked data or of a split brain. With
 * the estimate's incident log (`--incidents FILE`), the incidents to look at (the flagged ones
 * and each design's longest), each with the command that replays it, behind a copy button.
 *
 * The page takes this file's own documented input type, shaped after design.md §8 (`estimate`
 * JSON), so it can be drawn from any source; `estimateReportInput` maps `estimate()`'s results
 * onto it.
 *
 * ```ts
 * estimateHtml({ designs: [{ design: 'raft', availability: { mean: 0.99995, low: 0.99991, high: 0.99998, confidence: 0.95 },
 *   idealAvailability: 0.999995, downtimeMinutesPerYear: 26.3, outagesPerYear: 4.1 }] });
 * ```
 */
import type { DesignEstimate } from '../../estimate/estimate.ts';
import type { IncidentHighlight } from '../../estimate/incident-log.ts';
import { fmt } from '../format.ts';
import { estimateVerdict } from '../verdict.ts';
import { esc, facts, htmlDocument, table, copyable } from './document.ts';
import { barChart, intervalChart, nines } from './svg-charts.ts';

/** Minutes in a (365-day) year. */
const MINUTES_PER_YEAR = 525_600;
/** The HA requirement's downtime budget: 99.99 % is 52.56 min/yr. */
export const DEFAULT_DOWNTIME_BUDGET_MIN_PER_YEAR = 52;

export interface EstimateReportInput {
  /** hasim version and command line, shown in the header when given. */
  hasim?: string;
  command?: string[];
  /** Simulated years per design, and the seed, when known. */
  horizonYears?: number;
  seed?: number;
  /** Downtime budget per year in minutes (default 52). */
  downtimeBudgetMinutesPerYear?: number;
  designs: EstimateDesign[];
  /** Caveats a reader must see (figures resting on few events, approximate ideals...). */
  notes?: string[];
  /** The incident log the estimate wrote (`--incidents FILE`) and the incidents it lists. */
  incidents?: EstimateIncidents;
}

/** The incident log of `hasim estimate --incidents FILE` as the page lists it. */
export interface EstimateIncidents {
  file: string;
  /** Incidents in the log, and how many of them are flagged. */
  count: number;
  flagged: number;
  /** The listed ones, in log order. */
  incidents: IncidentHighlight[];
}

export interface EstimateDesign {
  design: string;
  /** Availability (time-based fraction) with its confidence interval. */
  availability: { mean: number; low: number; high: number; confidence: number };
  /**
   * Availability from component reliability alone, as if failover were instant and perfect
   * (the closed-form / Markov figure); null or absent when not computed.
   */
  idealAvailability?: number | null;
  downtimeMinutesPerYear: number;
  /** Its confidence interval, when known. */
  downtimeIntervalMinutesPerYear?: { low: number; high: number };
  outagesPerYear: number;
  /** RTO quantiles over the simulated incidents, in ms. */
  rto?: { p50: number | null; p99: number | null; max?: number | null };
  pDataLossPerYear?: number;
  /** Absent where the design cannot have two primaries. */
  pSplitBrainPerYear?: number;
  /** The safety verdict (report/verdict.ts): `safe`, or what broke. */
  verdict?: { safe: boolean; text: string };
}

export function estimateHtml(input: EstimateReportInput): string {
  const budget = input.downtimeBudgetMinutesPerYear ?? DEFAULT_DOWNTIME_BUDGET_MIN_PER_YEAR;
  const d = input.designs;
  const names = d.map((x) => x.design);
  const count = (v: number) => `${+v.toFixed(2)}`;
  const prob = (v: number) => (v === 0 ? '0' : v < 0.001 ? v.toExponential(1) : `${+(v * 100).toFixed(2)}%`);
  const minutes = (v: number) => `${+v.toFixed(1)} min`;
  const idealDowntime = (x: EstimateDesign) => (x.idealAvailability == null ? null : (1 - x.idealAvailability) * MINUTES_PER_YEAR);
  const over = d.filter((x) => x.downtimeMinutesPerYear > budget).map((x) => x.design);
  const verdict = over.length
    ? `<p class="verdict bad">over the ${budget} min/yr budget: ${esc(over.join(', '))}</p>`
    : `<p class="verdict ok">every design within the ${budget} min/yr budget</p>`;
  const header = `<header><h1>hasim estimate <span class="sub">${esc(names.join(', '))}</span></h1>${verdict}${facts([
    ...(input.horizonYears !== undefined ? ([['horizon', `${input.horizonYears} years per design`]] as [string, string][]) : []),
    ...(input.seed !== undefined ? ([['seed', String(input.seed)]] as [string, string][]) : []),
    ['downtime budget', `${budget} min/yr`],
    ...(input.hasim ? ([['hasim', input.hasim]] as [string, string][]) : []),
  ])}${input.command ? `<h2 class="inline">Command</h2>${copyable(input.command.join(' '), 'command-line')}` : ''}</header>`;
  const charts = [
    intervalChart({
      title: 'Availability: estimate with its interval, and the ideal',
      rows: d.map((x) => ({ label: x.design, mean: x.availability.mean, low: x.availability.low, high: x.availability.high, ideal: x.idealAvailability ?? null })),
      format: fmt.pct,
      note: `Intervals at ${d.length ? `${Math.round(d[0].availability.confidence * 100)}%` : '-'} confidence; the axis counts nines (99% = 2, 99.99% = 4).`,
    }),
    barChart({
      title: 'Downtime per year against the budget',
      categories: names,
      series: [
        { name: 'real', values: d.map((x) => x.downtimeMinutesPerYear) },
        { name: 'ideal', values: d.map(idealDowntime) },
      ],
      format: minutes,
      target: { value: budget, label: `budget ${budget} min/yr` },
    }),
    barChart({ title: 'Outages per year', categories: names, series: [{ name: 'outages', values: d.map((x) => x.outagesPerYear) }], format: count }),
    barChart({ title: 'RTO over incidents', categories: names, series: [{ name: 'p50', values: d.map((x) => x.rto?.p50 ?? null) }, { name: 'p99', values: d.map((x) => x.rto?.p99 ?? null) }], format: fmt.ms }),
    barChart({
      title: 'Probability per year',
      categories: names,
      series: [
        { name: 'data loss', values: d.map((x) => x.pDataLossPerYear ?? null) },
        { name: 'split brain', values: d.map((x) => x.pSplitBrainPerYear ?? null) },
      ],
      format: prob,
    }),
  ];
  const rows = d.map((x) => [
    x.design,
    x.verdict?.text ?? '-',
    x.verdict && !x.verdict.safe ? `${fmt.pct(x.availability.mean)} (UNSAFE)` : fmt.pct(x.availability.mean),
    `${fmt.pct(x.availability.low)} – ${fmt.pct(x.availability.high)}`,
    nines(x.availability.mean).toFixed(2),
    x.idealAvailability == null ? '-' : fmt.pct(x.idealAvailability),
    `${minutes(x.downtimeMinutesPerYear)}${x.downtimeIntervalMinutesPerYear ? ` [${+x.downtimeIntervalMinutesPerYear.low.toFixed(1)}, ${+x.downtimeIntervalMinutesPerYear.high.toFixed(1)}]` : ''}`,
    count(x.outagesPerYear),
    fmt.ms(x.rto?.p99 ?? null),
    x.pDataLossPerYear === undefined ? '-' : prob(x.pDataLossPerYear),
    x.pSplitBrainPerYear === undefined ? '-' : prob(x.pSplitBrainPerYear),
  ]);
  const body = [
    header,
    safetySection(d),
    `<section><h2>By design</h2><div class="charts">${charts.join('')}</div></section>`,
    input.notes?.length ? `<section><h2>Notes</h2><ul class="notes">${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : '',
    input.incidents ? incidentsSection(input.incidents) : '',
    `<section><h2>Table</h2>${table(['design', 'safety verdict', 'availability', 'interval', 'nines', 'ideal', 'downtime/yr', 'outages/yr', 'RTO p99', 'P(data loss)/yr', 'P(split brain)/yr'], rows)}</section>`,
  ].join('\n');
  return htmlDocument({ title: `hasim estimate: ${names.join(', ')}`, page: 'estimate', body, scripts: ['common.js'] });
}

/** The page's input from `estimate()`'s results, with what the command knows about the run. */
export function estimateReportInput(results: readonly DesignEstimate[], meta: Omit<EstimateReportInput, 'designs'> = {}): EstimateReportInput {
  return {
    ...meta,
    designs: results.map((r) => ({
      design: r.design,
      availability: r.availability,
      idealAvailability: r.ideal.availability,
      downtimeMinutesPerYear: r.downtimeMinutesPerYear.mean,
      ...(Number.isFinite(r.downtimeMinutesPerYear.low) ? { downtimeIntervalMinutesPerYear: { low: r.downtimeMinutesPerYear.low, high: r.downtimeMinutesPerYear.high } } : {}),
      outagesPerYear: r.outagesPerYear.mean,
      rto: r.rto.outagesSimulated ? { p50: r.rto.p50, p99: r.rto.p99, max: r.rto.max } : { p50: null, p99: null },
      pDataLossPerYear: r.pDataLossPerYear.perYear,
      ...(r.canSplitBrain ? { pSplitBrainPerYear: r.pSplitBrainPerYear.perYear } : {}),
      verdict: estimateVerdict(r),
    })),
  };
}

/** The incidents to look at, each with its replay command (copy button: common.js). */
function incidentsSection(log: EstimateIncidents): string {
  const intro = `<p>The incident log <code>${esc(log.file)}</code> holds every simulated incident (${log.count.toLocaleString('en-US')}, ${log.flagged.toLocaleString('en-US')} flagged). Listed: the flagged ones${log.flagged > log.incidents.filter((x) => x.flagged.length > 0).length ? ' (the first of them)' : ''} and each design's longest. Each command re-runs its incident exactly, as <code>hasim run</code> prints a run: timeline, invariants, the estimate's figures beside the replay's.</p>`;
  if (log.incidents.length === 0) return `<section id="incidents"><h2>Incidents to replay</h2>${intro}<p>None flagged, none down.</p></section>`;
  const head = ['#', 'design', 'class', 'why listed', 'downtime', 'acked orders lost (real rate)', 'replay'].map((c) => `<th>${esc(c)}</th>`).join('');
  const rows = log.incidents.map((x) => {
    const cells = [
      `<td class="num">${x.incident}</td>`,
      `<td>${esc(x.design)}</td>`,
      `<td><code>${esc(x.className)}</code></td>`,
      `<td class="${x.flagged.length ? 'bad' : ''}">${esc(x.flagged.length ? x.flagged.join(', ') : 'among the longest')}</td>`,
      `<td class="num">${esc(fmt.ms(x.downtimeSeconds * 1000))}</td>`,
      `<td class="num">${esc(Math.round(x.lostAckedAtRealRate).toLocaleString('en-US'))}</td>`,
      `<td>${copyable(x.replay, `replay-${x.incident}`)}</td>`,
    ];
    return `<tr id="incident-${x.incident}">${cells.join('')}</tr>`;
  });
  return `<section id="incidents"><h2>Incidents to replay</h2>${intro}<table class="data incidents"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** Safety first: each design's verdict, before any availability figure. */
function safetySection(d: readonly EstimateDesign[]): string {
  if (!d.some((x) => x.verdict)) return '';
  const items = d.map((x) => `<li class="${x.verdict?.safe === false ? 'bad' : 'ok'}"><b>${esc(x.design)}</b>: ${esc(x.verdict?.text ?? '-')}</li>`);
  return `<section><h2>Safety</h2><ul class="verdicts">${items.join('')}</ul></section>`;
}
