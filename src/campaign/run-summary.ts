/**
 * What a worker sends back for one run: a compact RunSummary (the seed, the trace hash, the
 * violations, the metrics as integers ready for histograms, and the coverage counters) and
 * never the history, so a campaign's memory and messages stay small whatever the run length.
 * The schedule rides along only when the run failed, for shrinking and replay.
 *
 * Coverage counts the interesting things that happened (design.md §6), read from the history:
 * failovers, elections (a `candidate` role declared), fencing actions, stale-token rejections
 * at the exchange, demotions (a primary declaring another role), faults that fired, and how
 * often each probe fired (world/probes.ts; zeros for the design's probes that never did).
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { controlEvents } from '../history/traffic.ts';
import type { Schedule } from '../faults/schedule.ts';
import type { RunResult } from './simulate.ts';
import { Histogram, type HistogramState } from './histogram.ts';

/** A violation as campaigns carry it: times in milliseconds. */
export interface ViolationRecord {
  invariant: string;
  timeMs: number;
  detail: string;
}

/** What one run covered: each counter is a count of occurrences in the run. */
export interface RunCoverage {
  failovers: number;
  elections: number;
  fencings: number;
  staleTokenRejections: number;
  demotions: number;
  outages: number;
  faultsFired: number;
  faultsSkipped: number;
  /** Faults that fired, by kind. */
  faultKinds: Record<string, number>;
  /** How often each probe fired, by name: every probe the design can emit (zeros too), and any other that fired. */
  probes?: Record<string, number>;
}

/** Per-run metrics scaled to integers (µs, parts per billion) so that sums are exact. */
export interface RunSample {
  orders: number;
  acked: number;
  /** (1 - availability) in parts per billion. */
  unavailabilityPpb: number;
  /** (1 - uptime fraction) in parts per billion. */
  downtimePpb: number;
  /** Each outage's RTO, detection and failover time, in µs (the latter two when known). */
  outageRtoUs: number[];
  outageDetectionUs: number[];
  outageFailoverUs: number[];
  openOutages: number;
  lostAcked: number;
  rpoUs: number;
  duplicates: number;
  splitBrainBeliefUs: number;
  splitBrainEffectiveUs: number;
  /** Pairs of primaries in an effective split brain (one may act for 0 us: all at one instant). */
  splitBrainPairs: number;
  falseFailovers: number;
  /** Overlapping lock holders (acquisitions during another's hold) and their time, in µs. */
  lockOverlaps?: number;
  lockOverlapUs?: number;
  /** Visible but unacked orders lost; reads that missed an acked order. */
  lostUnacked?: number;
  staleReads?: number;
  /** Ack latency of every acked order (µs), already bucketed. */
  ackLatencyUs: HistogramState;
  events: number;
  messages: number;
}

/** Why a run failed in a way no invariant describes. */
export const WORKER_DIED = 'worker-died';
export const MODEL_ERROR = 'model-error';
export const NONDETERMINISM = 'determinism';

export interface RunSummary {
  /** Position of the run in the campaign plan (global index). */
  index: number;
  seed: number;
  scheduleName: string;
  traceHash: string;
  violations: ViolationRecord[];
  /** Metrics and coverage; absent when the run never finished (its worker died). */
  sample?: RunSample;
  coverage?: RunCoverage;
  /** How many nodes the design has (vacuity warnings need to know if failover is possible). */
  nodes: number;
  /** Parameters drawn by the random profile (`--set` form), empty under fixed schedules. */
  drawnParams: Record<string, string>;
  swarm?: { enabledKinds: string[]; intensity: number };
  /** The schedule the run used: only when it failed. */
  schedule?: Schedule;
}

const us = (ms: number) => Math.round(ms * 1000);
const ppb = (fraction: number) => Math.round((1 - fraction) * 1e9);

export function summarize(
  result: RunResult,
  index: number,
  extras: { schedule: Schedule; drawnParams: Record<string, string>; swarm?: RunSummary['swarm']; declaredProbes?: readonly string[] },
): RunSummary {
  const m = result.metrics;
  const latency = new Histogram();
  const coverage = coverageOf(result.history, m.failovers, m.outages.length, latency);
  const probes: Record<string, number> = {};
  for (const name of extras.declaredProbes ?? []) probes[name] = 0;
  coverage.probes = Object.assign(probes, result.probes);
  const failed = result.violations.length > 0;
  return {
    index,
    seed: result.seed,
    scheduleName: result.schedule,
    traceHash: result.traceHash,
    violations: result.violations.map((v) => ({ invariant: v.invariant, timeMs: v.time / 1000, detail: v.detail })),
    sample: {
      orders: m.orders,
      acked: m.acked,
      unavailabilityPpb: ppb(m.availability),
      downtimePpb: ppb(m.uptimeFraction),
      outageRtoUs: m.outages.map((o) => us(o.rtoMs)),
      outageDetectionUs: m.outages.flatMap((o) => (o.detectionMs === null ? [] : [us(o.detectionMs)])),
      outageFailoverUs: m.outages.flatMap((o) => (o.failoverMs === null ? [] : [us(o.failoverMs)])),
      openOutages: m.outages.filter((o) => o.open).length,
      lostAcked: m.lostAcked,
      rpoUs: us(m.rpoMs),
      duplicates: m.duplicates,
      splitBrainBeliefUs: us(m.splitBrainMs.belief),
      splitBrainEffectiveUs: us(m.splitBrainMs.effective),
      splitBrainPairs: m.splitBrainMs.effectivePairs,
      falseFailovers: m.falseFailovers,
      lockOverlaps: m.lockOverlaps,
      lockOverlapUs: us(m.lockOverlapMs),
      lostUnacked: m.lostUnacked,
      staleReads: m.staleReads,
      ackLatencyUs: latency.state(),
      events: m.events,
      messages: m.messages,
    },
    coverage,
    nodes: result.history.nodes.length,
    drawnParams: extras.drawnParams,
    ...(extras.swarm ? { swarm: extras.swarm } : {}),
    ...(failed ? { schedule: extras.schedule } : {}),
  };
}

/** Coverage counters of one run, from its control events and folded traffic (recording ack latencies on the way). */
export function coverageOf(history: History, failovers: number, outages: number, ackLatency?: Histogram): RunCoverage {
  const digest = digestOf(history);
  const c: RunCoverage = { failovers, elections: 0, fencings: 0, staleTokenRejections: digest.exchange.staleTokenRejections, demotions: 0, outages, faultsFired: 0, faultsSkipped: 0, faultKinds: {}, probes: {} };
  if (ackLatency) for (const [latency, times] of digest.acks.latency) ackLatency.record(latency, times);
  const lastRole = new Map<string, string>();
  for (const e of controlEvents(history)) {
    switch (e.type) {
      case 'role':
        if (e.role === 'candidate') c.elections++;
        if (lastRole.get(e.node) === 'primary' && e.role !== 'primary') c.demotions++;
        lastRole.set(e.node, e.role);
        break;
      case 'fence':
        c.fencings++;
        break;
      case 'fault-begin':
        c.faultsFired++;
        c.faultKinds[e.kind] = (c.faultKinds[e.kind] ?? 0) + 1;
        break;
      case 'fault-skipped':
        c.faultsSkipped++;
        break;
    }
  }
  return c;
}

/** The summary of a run that never finished: its worker died, or it threw outside the model. */
export function failedSummary(index: number, seed: number, scheduleName: string, invariant: string, detail: string, schedule?: Schedule, drawnParams: Record<string, string> = {}): RunSummary {
  return {
    index,
    seed,
    scheduleName,
    traceHash: '',
    violations: [{ invariant, timeMs: 0, detail }],
    nodes: 0,
    drawnParams,
    ...(schedule ? { schedule } : {}),
  };
}
