/**
 * The human report of `hasim check` (and `hasim merge`), rendered from the result file so both
 * print the same thing: per design, failed runs by invariant, metric quantiles across runs,
 * coverage with warnings when the check was vacuous, then each kept failure with its shrunk
 * schedule file and the one-line replay command.
 */
import type { CampaignFile, DesignReport } from './campaign-json.ts';
import type { Tally } from '../campaign/aggregate.ts';
import type { Distribution, FractionDistribution } from './campaign-metrics.ts';
import { fmt } from './format.ts';
import { toBox, type Tabular } from './table.ts';

export function campaignText(file: CampaignFile): string {
  const out: string[] = [];
  const p = file.plan;
  const source = p.schedules.length ? `schedules ${p.schedules.join(', ')}` : `profile ${p.profile}`;
  const seeds = `seeds ${p.seed}..${p.seed + p.runs - 1}${p.shard ? `, shard ${p.shard}` : ''}`;
  out.push(`${file.completedRuns} of ${file.totalRuns} runs (${seeds}; ${source}) in ${(file.elapsedMs / 1000).toFixed(1)}s, ${file.runsPerSecond} runs/s, ${file.workers || 'no'} worker${file.workers === 1 ? '' : 's'}`);
  out.push(workloadCaption(file.plan));
  if (file.interrupted) out.push('INTERRUPTED: partial results (continue with --resume <this JSON file>)');
  if (file.stoppedEarly) out.push('stopped after the first failure (--fail-fast)');
  out.push('');
  out.push(toBox(invariantTable(file.designs)).trimEnd());
  for (const d of file.designs) {
    out.push('');
    out.push(`${d.label}${Object.keys(d.params).length ? ` (${Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}: ${d.runs} runs, ${d.failedRuns} failed`);
    out.push(`verdict: ${d.verdict}`);
    out.push(toBox(metricsTable(d)).trimEnd());
    out.push(coverageLine(d));
    for (const w of d.warnings) out.push(`warning: ${w}`);
    out.push(...failureLines(d));
  }
  return out.join('\n') + '\n';
}

function invariantTable(designs: DesignReport[]): Tabular {
  const names = [...new Set(designs.flatMap((d) => Object.keys(d.violations)))];
  return {
    columns: ['failed runs', ...designs.map((d) => d.label)],
    rows: [['runs', ...designs.map((d) => d.runs)], ['failed', ...designs.map((d) => d.failedRuns)], ...names.map((n) => [n, ...designs.map((d) => d.violations[n] ?? 0)])],
  };
}

function metricsTable(d: DesignReport): Tabular {
  const m = d.metrics;
  const dist = (label: string, x: Distribution): (string | number)[] => [label, x.count, fmt.ms(x.mean), fmt.ms(x.p50), fmt.ms(x.p99), fmt.ms(x.max)];
  const frac = (label: string, x: FractionDistribution): (string | number)[] => [label, m.measuredRuns, fmt.pct(x.mean), fmt.pct(x.p50), `${fmt.pct(x.p1)} (p1)`, `${fmt.pct(x.min)} (min)`];
  return {
    columns: ['across runs', 'n', 'mean', 'p50', 'p99', 'max'],
    rows: [
      frac('availability (per run)', m.availability),
      frac('uptime (per run)', m.uptime),
      dist('RTO (per outage)', m.rtoMs),
      dist('detection (per outage)', m.detectionMs),
      dist('failover (per outage)', m.failoverMs),
      dist('ack latency (per order)', m.ackLatencyMs),
      dist('split brain (per run)', m.splitBrainMs.effective),
      ['lost acked orders', m.lostAcked.runs, '-', '-', '-', `${m.lostAcked.total} total`],
      ['duplicate orders', m.duplicates.runs, '-', '-', '-', `${m.duplicates.total} total`],
      ['false failovers', m.falseFailovers.runs, '-', '-', '-', `${m.falseFailovers.total} total`],
      ['overlapping lock holders', m.lockOverlaps.runs, '-', '-', '-', `${m.lockOverlaps.total} total, ${fmt.ms(m.lockOverlaps.ms)}`],
      ['lost visible unacked orders', m.lostUnacked.runs, '-', '-', '-', `${m.lostUnacked.total} total`],
      ['stale reads', m.staleReads.runs, '-', '-', '-', `${m.staleReads.total} total`],
    ],
  };
}

function coverageLine(d: DesignReport): string {
  const c = d.coverage;
  const kinds = Object.entries(c.faultKinds)
    .map(([k, t]) => `${k} ${t.total}`)
    .join(', ');
  return (
    `coverage: failovers ${fmt.tally(c.failovers)}, elections ${fmt.tally(c.elections)}, fencings ${fmt.tally(c.fencings)}, ` +
    `stale-token rejections ${fmt.tally(c.staleTokenRejections)}, demotions ${fmt.tally(c.demotions)}, outages ${fmt.tally(c.outages)}; ` +
    `faults fired ${fmt.tally(c.faultsFired)}${kinds ? ` [${kinds}]` : ''}${c.faultsSkipped.total ? `, skipped ${c.faultsSkipped.total}` : ''}` +
    probesText(c.probes)
  );
}

/** `; probes: lock.acquired 1200 (40 runs), ...; never: lock.expired` (fired ones by count). */
function probesText(probes: Record<string, Tally>): string {
  const entries = Object.entries(probes);
  if (entries.length === 0) return '';
  const fired = entries.filter(([, t]) => t.total > 0).sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : 1));
  const never = entries.filter(([, t]) => t.total === 0).map(([name]) => name);
  return `\nprobes: ${fired.map(([name, t]) => `${name} ${fmt.tally(t)}`).join(', ') || 'none fired'}${never.length ? `; never: ${never.join(', ')}` : ''}`;
}

/** Long violation details (hundreds of order ids) cut to one readable line. */
const brief = (s: string, max = 160) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

function failureLines(d: DesignReport): string[] {
  if (d.failures.length === 0) return [];
  const out = ['', `FAILURES (${d.failures.length} of ${d.failedRuns}${d.failuresOmitted ? `; raise --max-failures to keep more` : ''})`];
  for (const f of d.failures) {
    out.push(`  seed ${f.seed}  ${f.invariant}${f.invariants.length > 1 ? ` (+ ${f.invariants.filter((i) => i !== f.invariant).join(', ')})` : ''} at ${(f.timeMs / 1000).toFixed(3)}s: ${brief(f.detail)}`);
    if (f.shrunk) out.push(`    shrunk to ${f.shrunk.faults} fault${f.shrunk.faults === 1 ? '' : 's'} in ${f.shrunk.runs} runs: ${brief(f.shrunk.detail)}`);
    if (f.divergence) {
      out.push(f.divergence.line < 0 ? '    the text traces of two reruns agree (the difference is in unrecorded events, or did not recur)' : `    traces part at line ${f.divergence.line}: "${f.divergence.first ?? '(end)'}" vs "${f.divergence.second ?? '(end)'}"`);
    }
    if (f.scheduleFile) out.push(`    schedule: ${f.scheduleFile}`);
    out.push(`    replay: ${f.replay}`);
  }
  return out;
}

/**
 * The workload of a campaign's runs, stated with every result: the flags' override, over each
 * schedule's `workload:` section, over the defaults (world/client.ts), and the event budget, on
 * three lines so the caption fits a 120-column terminal like the table above it.
 */
export function workloadCaption(plan: { workload?: Record<string, unknown> | null; maxEvents?: number | null }): string {
  const flags = Object.entries(plan.workload ?? {}).map(([k, v]) => `${k} ${String(v)}`);
  const budget = plan.maxEvents ? `event budget ${plan.maxEvents} per run` : 'event budget derived per run from its length and rate';
  return `workload: ${flags.length ? flags.join(', ') + ', the rest' : 'each schedule\'s workload: section, else'} the defaults\n  (200 orders/s, 2 clients, timeout 1s, 3 attempts, retry fixed, poisson arrivals);\n  ${budget}`;
}
