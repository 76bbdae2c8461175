/**
 * The human report of one run: violations first (what broke, when), then the metrics, then a
 * compact timeline of what matters for a failover: faults, role changes, node states, fencing,
 * VIP moves, outages and violations. Client traffic is summarised, never listed.
 */
import type { RunResult } from '../campaign/simulate.ts';
import type { HistoryEvent } from '../history/history.ts';
import type { Violation } from '../check/invariant.ts';
import { formatInstant, MS } from '../sim/time.ts';
import { runMs, runPct } from './format.ts';
import type { Workload } from '../world/client.ts';
import { arrivalsText } from '../world/arrivals.ts';
import { retryPolicyText } from '../world/retry-policy.ts';
import type { OutageMetrics } from '../metrics/index.ts';

export interface TextOptions {
  /** The timeline keeps at most this many lines (the rest are counted). */
  maxTimelineLines?: number;
  /** The command that replays this run, printed at the end. */
  replayCommand?: string;
}

const pct = runPct;
const ms = (x: number) => runMs(x);

export function runText(result: RunResult, options: TextOptions = {}): string {
  const out: string[] = [];
  const m = result.metrics;
  out.push(`${result.design} under ${result.schedule}, seed ${result.seed}  (trace ${result.traceHash})`);
  out.push('');
  if (result.violations.length === 0) out.push('No invariant violated.');
  else {
    out.push(`VIOLATIONS (${result.violations.length}; the first of each invariant)`);
    for (const { first, count } of firstOfEach(result.violations)) {
      const more = count > 1 ? `  [+${count - 1} more]` : '';
      out.push(`  ${formatInstant(first.time).padStart(9)}  ${first.invariant}: ${first.detail}${more}`);
    }
  }
  out.push('');
  out.push('METRICS');
  out.push(`  ${sessionLine(result.workload)}`);
  out.push(`  boot ${ms(m.bootMs)}: start-up until a client first received an ack; times count from its end, boot is not measured`);
  out.push(`  orders ${m.orders}, acked ${m.acked}, failed ${m.failed}, indeterminate ${m.indeterminate}${m.marketClosed ? `, refused while market closed ${m.marketClosed}` : ''}`);
  out.push(`  availability ${pct(m.availability)} of orders acked within the client timeout; uptime ${pct(m.uptimeFraction)}`);
  const outages = m.outages.map((o) => `${ms(o.rtoMs)} at ${(o.startMs / 1000).toFixed(3)}s${o.kind === 'degraded' ? ` (${degradedText(o)})` : ''}${o.open ? ' (still open)' : ''}`);
  out.push(`  outages ${m.outages.length}${outages.length ? ': ' + outages.slice(0, 5).join(', ') + (outages.length > 5 ? ', ...' : '') : ''}; RTO max ${ms(m.rtoMaxMs)}; downtime ${ms(m.downtimeMs)} weighted by the share of orders affected`);
  if (m.scopes) {
    const scopes = Object.entries(m.scopes).map(([scope, s]) => `${scope} ${pct(s.availability)} (${Math.round(s.share * 100)}% of orders, ${s.outages.length} outage${s.outages.length === 1 ? '' : 's'})`);
    out.push(`  per scope: ${scopes.join(', ')}`);
  }
  out.push(`  lost acked orders ${m.lostAcked} (RPO ${ms(m.rpoMs)}), duplicate orders at the exchange ${m.duplicates}`);
  if (m.lockOverlaps || m.lostUnacked || m.staleReads) {
    out.push(`  overlapping lock holders ${m.lockOverlaps} (${ms(m.lockOverlapMs)}), lost visible-but-unacked orders ${m.lostUnacked}, stale reads ${m.staleReads}`);
  }
  out.push(`  split brain: belief ${ms(m.splitBrainMs.belief)}, effective ${ms(m.splitBrainMs.effective)}; failovers ${m.failovers} (failbacks ${m.failbacks}), false ${m.falseFailovers}; fencings ${m.fencings} (${m.fencingsOk} ok)`);
  out.push(`  ack latency p50 ${ms(m.ackLatency.p50)}, p99 ${ms(m.ackLatency.p99)}, p99.9 ${ms(m.ackLatency.p999)}, max ${ms(m.ackLatency.max)}`);
  out.push(`  ${m.events} events, ${m.messages} messages`);
  out.push('');
  out.push('TIMELINE');
  const lines = timeline(result);
  const max = options.maxTimelineLines ?? 60;
  for (const line of lines.slice(0, max)) out.push('  ' + line);
  if (lines.length > max) out.push(`  ... ${lines.length - max} more lines (use --json for all)`);
  if (options.replayCommand) {
    out.push('');
    out.push(`replay: ${options.replayCommand}`);
  }
  return out.join('\n') + '\n';
}

/** The earliest violation of each invariant, with how many there were, in time order. */
function firstOfEach(violations: readonly Violation[]): { first: Violation; count: number }[] {
  const byInvariant = new Map<string, { first: Violation; count: number }>();
  for (const v of violations) {
    const seen = byInvariant.get(v.invariant);
    if (!seen) byInvariant.set(v.invariant, { first: v, count: 1 });
    else {
      seen.count++;
      if (v.time < seen.first.time) seen.first = v;
    }
  }
  return [...byInvariant.values()].sort((a, b) => a.first.time - b.first.time || (a.first.invariant < b.first.invariant ? -1 : 1));
}

/** Timeline lines in time order: faults, roles, states, fencing, VIP, outages, violations. */
export function timeline(result: RunResult): string[] {
  const entries: { time: number; order: number; text: string }[] = [];
  result.history.events.forEach((e, i) => {
    const text = describeEvent(e);
    if (text) entries.push({ time: e.time, order: i, text });
  });
  const n = result.history.events.length;
  for (const o of result.metrics.outages) {
    entries.push({ time: o.startMs * MS, order: n, text: `OUTAGE begins (clients unserved for ${ms(o.rtoMs)}${o.kind === 'degraded' ? `, ${degradedText(o)}` : ''}${o.open ? ', still open at the end of settle' : ''})` });
    if (!o.open) entries.push({ time: o.endMs * MS, order: n, text: `OUTAGE ends: ${outageBreakdown(o)}` });
  }
  for (const { first, count } of firstOfEach(result.violations)) {
    entries.push({ time: first.time, order: n + 1, text: `VIOLATION ${first.invariant}${count > 1 ? ` (first of ${count})` : ''}` });
  }
  entries.sort((a, b) => a.time - b.time || a.order - b.order);
  return entries.map((e) => `${formatInstant(e.time).padStart(9)}  ${e.text}`);
}

/** A degraded outage in words: `degraded: shard2 down, 33% of orders`. */
export function degradedText(o: OutageMetrics): string {
  return `degraded: ${o.scopes.join(', ')} down, ${pct(o.share)} of orders`;
}

/**
 * What an outage waited on, part by part (check/outages.ts): `client:1 acked by n2; detection
 * 1.02s (n2), failover 0.31s (n2 primary), catch-up 0.05s (VIP to n2)`.
 */
export function outageBreakdown(o: OutageMetrics): string {
  const parts: string[] = [];
  if (o.servedBy) parts.push(`${o.servedBy.client} acked by ${o.servedBy.node}`);
  if (o.detectionMs !== null) parts.push(`detection ${ms(o.detectionMs)} (${o.detectedBy} reacted)`);
  else parts.push('no node changed role');
  if (o.failoverMs !== null) parts.push(`failover ${ms(o.failoverMs - (o.detectionMs ?? 0))} (${o.promoted} primary)`);
  else parts.push(`no failover: waited on ${o.servedBy?.node ?? 'the service'} coming back`);
  if (o.catchUpMs !== null) parts.push(`catch-up ${ms(o.catchUpMs)} (${o.routing ?? 'client retry'})`);
  return parts.join('; ');
}

/** One timeline line's text for an event, or undefined for client traffic (the HTML report reuses it). */
export function describeEvent(e: HistoryEvent): string | undefined {
  switch (e.type) {
    case 'role':
      return `${e.node} ${e.role}${e.scope ? ` of ${e.scope}` : ''} (epoch ${e.epoch})`;
    case 'fault-begin':
      return `fault ${e.kind} begins on ${e.targets.join(', ') || '-'}${e.detail ? ` (${e.detail})` : ''}`;
    case 'fault-end':
      return `fault ${e.kind} ends`;
    case 'fault-skipped':
      return `fault ${e.kind} skipped: ${e.reason}`;
    case 'node-state':
      return `${e.node} ${e.state} (${e.reason})`;
    case 'fence':
      return `${e.node} fenced ${e.target} (${e.action}): ${e.ok ? 'confirmed' : 'FAILED'}`;
    case 'vip':
      return `${e.node} takes the VIP`;
    case 'phase':
      return e.phase === 'heal' ? 'every fault healed; settle begins' : e.phase === 'drain' ? 'settle ends; clients stop' : undefined;
    case 'note':
      return `${e.node}: ${e.text}`;
    default:
      return undefined;
  }
}

/** The workload the clients ran, and what they count as an ack (world/client.ts), stated in every result. */
export function sessionLine(w: Workload): string {
  const timeout = ms(w.timeout / MS);
  const load = `clients: ${w.clients}, ${w.ordersPerSecond} orders/s (${arrivalsText(w.arrivals)}), timeout ${timeout}, ${w.maxAttempts} attempts, retry ${retryPolicyText(w.retry)}`;
  return w.session === 'keep'
    ? `${load}; session kept (FIX-style): late replies count as acks`
    : `${load}; reconnect on timeout: replies after it are not acks`;
}
