/**
 * The tables of `hasim compare` (one row per design) and `hasim sweep` (one row per parameter
 * value), built from the result file: availability, RTO p50/p99, lost acked orders, split
 * brain, duplicate orders, false failovers and ack latency, plus the failed runs and which
 * invariants they broke. Rendered as a
 * box, CSV or Markdown by `table.ts`.
 */
import type { CampaignFile, DesignReport } from './campaign-json.ts';
import { fmt } from './format.ts';
import { type Tabular } from './table.ts';

const RUN_COLUMNS = ['runs', 'failed runs', 'invariants broken'];

export function compareTable(file: CampaignFile): Tabular {
  return {
    columns: ['design', ...RUN_COLUMNS, 'availability', 'RTO p50', 'RTO p99', 'lost acked (runs)', 'split-brain runs', 'duplicate orders', 'false failovers', 'ack p99'],
    rows: file.designs.map((d) => [
      d.label,
      ...runCells(d),
      fmt.pct(d.metrics.availability.mean),
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

/** The sweep's trade-off: how recovery time moves against false failovers and safety. */
export function sweepTable(file: CampaignFile, param: string): Tabular {
  return {
    columns: [param, ...RUN_COLUMNS, 'RTO p50', 'RTO p99', 'false failovers', 'availability', 'split-brain runs', 'lost acked (runs)', 'ack p99'],
    rows: file.designs.map((d) => [
      d.params[param] ?? d.label,
      ...runCells(d),
      fmt.ms(d.metrics.rtoMs.p50),
      fmt.ms(d.metrics.rtoMs.p99),
      `${d.metrics.falseFailovers.total} (${d.metrics.falseFailovers.runs})`,
      fmt.pct(d.metrics.availability.mean),
      d.metrics.splitBrainRuns.effective,
      `${d.metrics.lostAcked.total} (${d.metrics.lostAcked.runs})`,
      fmt.ms(d.metrics.ackLatencyMs.p99),
    ]),
  };
}

function runCells(d: DesignReport): (string | number)[] {
  const broken = Object.entries(d.violations)
    .filter(([, n]) => n > 0)
    .map(([name]) => name);
  return [d.runs, d.failedRuns, broken.join(' ') || '-'];
}

/** One line saying what the table was run on. */
export function campaignCaption(file: CampaignFile): string {
  const p = file.plan;
  const source = p.schedules.length ? `scenarios ${p.schedules.join(', ')} x seeds ${p.seed}..${p.seed + p.runs - 1}` : `profile ${p.profile}, seeds ${p.seed}..${p.seed + p.runs - 1}`;
  return `${file.completedRuns} runs (${source}) in ${(file.elapsedMs / 1000).toFixed(1)}s${file.interrupted ? ' — INTERRUPTED, partial' : ''}`;
}
