/**
 * The tables of `hasim compare` (one row per design) and `hasim sweep` (one row per parameter
 * value), built from the result file. Each row leads with its safety verdict (verdict.ts), and
 * an unsafe design's availability is marked; then availability, RTO p50/p99, lost acked orders, split
 * brain, duplicate orders, false failovers and ack latency, plus the failed runs and which
 * invariants they broke. Rendered as a
 * box, CSV or Markdown by `table.ts`.
 */
import { WORKLOAD_NAMES } from '../faults/schedule-workload.ts';
import { workloadCaption } from './campaign-text.ts';
import type { CampaignFile, DesignReport } from './campaign-json.ts';
import { fmt } from './format.ts';
import { toBox, type Tabular } from './table.ts';
import { campaignVerdict, markedAvailability } from './verdict.ts';

const VERDICT = 'safety verdict';
const RUN_COLUMNS = [VERDICT, 'runs', 'failed runs'];

/**
 * `text`: formatted cells for people (Markdown, HTML): `98.86%`, `559ms`, `12 (3)`.
 * `raw`: one plain number per cell for spreadsheets (CSV): availability as a fraction,
 * times in milliseconds, a count and its runs in two columns; empty when there is no data.
 */
export type CellStyle = 'text' | 'raw';

export function compareTable(file: CampaignFile, style: CellStyle = 'text'): Tabular {
  if (style === 'raw') {
    return {
      columns: ['design', 'runs', 'failed runs', 'invariants broken', 'safe', 'availability', 'RTO p50 ms', 'RTO p99 ms', 'lost acked', 'lost acked runs', 'split-brain runs', 'duplicate orders', 'false failovers', 'ack p99 ms'],
      rows: file.designs.map((d) => [
        d.label,
        ...rawRunCells(d),
        raw(d.metrics.availability.mean),
        raw(d.metrics.rtoMs.p50),
        raw(d.metrics.rtoMs.p99),
        d.metrics.lostAcked.total,
        d.metrics.lostAcked.runs,
        d.metrics.splitBrainRuns.effective,
        d.metrics.duplicates.total,
        d.metrics.falseFailovers.total,
        raw(d.metrics.ackLatencyMs.p99),
      ]),
    };
  }
  return {
    columns: ['design', ...RUN_COLUMNS, 'availability', 'RTO p50', 'RTO p99', 'lost acked (runs)', 'split-brain runs', 'duplicate orders', 'false failovers', 'ack p99'],
    rows: file.designs.map((d) => [
      d.label,
      ...runCells(d),
      markedAvailability(fmt.pct(d.metrics.availability.mean), campaignVerdict(d)),
      fmt.ms(d.metrics.rtoMs.p50),
      fmt.ms(d.metrics.rtoMs.p99),
      `${d.metrics.lostAcked.total} (${d.metrics.lostAcked.runs})`,
      d.metrics.splitBrainRuns.effective,
      d.metrics.duplicates.total,
      d.metrics.falseFailovers.total,
      fmt.ms(d.metrics.ackLatencyMs.p99),
    ]),
  };
}

/** A sweep row's value of the swept parameter or workload setting (`rate` reads `ordersPerSecond`). */
function sweptValue(d: DesignReport, param: string): string {
  const field = WORKLOAD_NAMES[param];
  const workload = field === undefined ? undefined : d.workload?.[field];
  return d.params[param] ?? (workload === undefined ? d.label : String(workload));
}

/** The sweep's trade-off: how recovery time moves against false failovers and safety. */
export function sweepTable(file: CampaignFile, param: string, style: CellStyle = 'text'): Tabular {
  if (style === 'raw') {
    return {
      columns: [param, 'runs', 'failed runs', 'invariants broken', 'safe', 'RTO p50 ms', 'RTO p99 ms', 'false failovers', 'false failover runs', 'availability', 'split-brain runs', 'lost acked', 'lost acked runs', 'ack p99 ms'],
      rows: file.designs.map((d) => [
        sweptValue(d, param),
        ...rawRunCells(d),
        raw(d.metrics.rtoMs.p50),
        raw(d.metrics.rtoMs.p99),
        d.metrics.falseFailovers.total,
        d.metrics.falseFailovers.runs,
        raw(d.metrics.availability.mean),
        d.metrics.splitBrainRuns.effective,
        d.metrics.lostAcked.total,
        d.metrics.lostAcked.runs,
        raw(d.metrics.ackLatencyMs.p99),
      ]),
    };
  }
  return {
    columns: [param, ...RUN_COLUMNS, 'RTO p50', 'RTO p99', 'false failovers', 'availability', 'split-brain runs', 'lost acked (runs)', 'ack p99'],
    rows: file.designs.map((d) => [
      sweptValue(d, param),
      ...runCells(d),
      fmt.ms(d.metrics.rtoMs.p50),
      fmt.ms(d.metrics.rtoMs.p99),
      `${d.metrics.falseFailovers.total} (${d.metrics.falseFailovers.runs})`,
      markedAvailability(fmt.pct(d.metrics.availability.mean), campaignVerdict(d)),
      d.metrics.splitBrainRuns.effective,
      `${d.metrics.lostAcked.total} (${d.metrics.lostAcked.runs})`,
      fmt.ms(d.metrics.ackLatencyMs.p99),
    ]),
  };
}

/**
 * A table for a terminal, about 110 columns wide whatever the designs: headers on two lines,
 * no rule between rows, and the invariants each row broke listed under the table instead of
 * in a column of their own (they made the table ~260 columns wide).
 */
export function terminalTable(t: Tabular): string {
  // the verdict stays in the table, short (safe / UNSAFE); each one in full is listed below
  const verdict = t.columns.indexOf(VERDICT);
  const narrow: Tabular = {
    columns: t.columns.map((c) => HEADER_LINES[c] ?? c),
    // the availability's (UNSAFE) mark is the verdict cell of the same row here
    rows: t.rows.map((row) => row.map((cell, i) => (i === verdict ? (String(cell).startsWith('UNSAFE') ? 'UNSAFE' : 'safe') : String(cell).replace(' (UNSAFE)', '')))),
    align: t.columns.map((_, i) => (i === 0 ? 'left' : 'right')),
  };
  const notes = verdict < 0 ? [] : t.rows.map((row) => `  ${row[0]}: ${row[verdict]}`);
  return toBox(narrow, { compact: true }) + (notes.length ? `safety verdicts (invariants broken):\n${notes.join('\n')}\n` : '');
}

const HEADER_LINES: Record<string, string> = {
  [VERDICT]: 'safety',
  'failed runs': 'failed\nruns',
  availability: 'avail-\nability',
  'RTO p50': 'RTO\np50',
  'RTO p99': 'RTO\np99',
  'lost acked (runs)': 'lost acked\n(runs)',
  'split-brain runs': 'split-\nbrain',
  'duplicate orders': 'dup.\norders',
  'false failovers': 'false\nfailovers',
  'ack p99': 'ack\np99',
};

/** The verdict leads: safe, or which invariants broke in how many runs and how badly. */
function runCells(d: DesignReport): (string | number)[] {
  return [campaignVerdict(d).text, d.runs, d.failedRuns];
}

/** Runs, failed runs, the invariants broken (space-separated; empty for none) and safe (1 or 0). */
function rawRunCells(d: DesignReport): (string | number)[] {
  const verdict = campaignVerdict(d);
  return [d.runs, d.failedRuns, verdict.invariantsBroken.map((b) => b.invariant).join(' '), verdict.safe ? 1 : 0];
}

const raw = (x: number | null): number | string => (x === null ? '' : Math.round(x * 1e6) / 1e6);

/** One line saying what the table was run on. */
export function campaignCaption(file: CampaignFile): string {
  const p = file.plan;
  const source = p.schedules.length ? `scenarios ${p.schedules.join(', ')} x seeds ${p.seed}..${p.seed + p.runs - 1}` : `profile ${p.profile}, seeds ${p.seed}..${p.seed + p.runs - 1}`;
  return `${file.completedRuns} runs (${source}) in ${(file.elapsedMs / 1000).toFixed(1)}s${file.interrupted ? ' — INTERRUPTED, partial' : ''}\n${workloadCaption(p)}`;
}
