/**
 * What a campaign's aggregate says, for people and JSON alike: metric distributions across
 * runs (quantiles from the aggregate's histograms, so they are identical however the runs were
 * spread over workers and shards), totals with the number of runs they occurred in, coverage,
 * and warnings when a check was vacuous (no fault fired, no run failed over, a mechanism whose
 * probe never fired, an invariant never at risk such as no lock ever expiring while held).
 * Times in ms.
 */
import type { Aggregate, Tally } from '../campaign/aggregate.ts';
import type { Histogram } from '../campaign/histogram.ts';
import { probeNamed } from '../world/probes.ts';

/** A distribution across runs (or outages, or orders), in the field's unit. */
export interface Distribution {
  count: number;
  mean: number | null;
  min: number | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** A fraction distribution across runs: its low tail matters, so p1 instead of p99. */
export interface FractionDistribution {
  mean: number | null;
  min: number | null;
  p1: number | null;
  p50: number | null;
}

export interface CampaignMetrics {
  /** Per run: fraction of orders acked within the client timeout. */
  availability: FractionDistribution;
  /** Per run: fraction of time the service was up. */
  uptime: FractionDistribution;
  /** Per outage: how long clients were unserved. */
  rtoMs: Distribution;
  detectionMs: Distribution;
  failoverMs: Distribution;
  /** Per acked order, all runs together. */
  ackLatencyMs: Distribution & { p999: number | null };
  /** Per run. */
  splitBrainMs: { belief: Distribution; effective: Distribution };
  rpoMs: Distribution;
  eventsPerRun: Distribution;
  outages: Tally & { open: number };
  lostAcked: Tally;
  duplicates: Tally;
  falseFailovers: Tally;
  /** Acquisitions of a lock another node held, with the overlap time summed over runs (ms). */
  lockOverlaps: Tally & { ms: number };
  /** Visible (read or committed) but unacknowledged orders lost. */
  lostUnacked: Tally;
  /** Reads that missed an order already acked to the reader. */
  staleReads: Tally;
  /** Runs with effective (and believed) split brain. */
  splitBrainRuns: { effective: number; belief: number };
  orders: { total: number; acked: number };
  /** Runs that produced metrics (a run whose worker died did not). */
  measuredRuns: number;
}

export interface CampaignCoverage {
  failovers: Tally;
  elections: Tally;
  fencings: Tally;
  staleTokenRejections: Tally;
  demotions: Tally;
  outages: Tally;
  faultsFired: Tally;
  faultsSkipped: Tally;
  faultKinds: Record<string, Tally>;
  /** How often each probe fired; a probe the design has that never fired shows 0. */
  probes: Record<string, Tally>;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const ms = (us: number) => round(us / 1000, 3);
const orNull = (x: number, f: (v: number) => number) => (Number.isNaN(x) ? null : f(x));

function distribution(h: Histogram, toUnit: (raw: number) => number): Distribution {
  return {
    count: h.count,
    mean: orNull(h.mean(), toUnit),
    min: h.count ? toUnit(h.min) : null,
    p50: orNull(h.quantile(0.5), toUnit),
    p99: orNull(h.quantile(0.99), toUnit),
    max: h.count ? toUnit(h.max) : null,
  };
}

/** A fraction kept as its complement in parts per billion: low quantiles of the fraction are high ones of the loss. */
function fraction(lossPpb: Histogram): FractionDistribution {
  const f = (ppb: number) => round(1 - ppb / 1e9, 9);
  return {
    mean: orNull(lossPpb.mean(), f),
    min: lossPpb.count ? f(lossPpb.max) : null,
    p1: orNull(lossPpb.quantile(0.99), f),
    p50: orNull(lossPpb.quantile(0.5), f),
  };
}

export function campaignMetrics(a: Aggregate): CampaignMetrics {
  const h = a.histograms;
  const t = a.totals;
  return {
    availability: fraction(h.unavailabilityPpb),
    uptime: fraction(h.downtimePpb),
    rtoMs: distribution(h.rtoUs, ms),
    detectionMs: distribution(h.detectionUs, ms),
    failoverMs: distribution(h.failoverUs, ms),
    ackLatencyMs: { ...distribution(h.ackLatencyUs, ms), p999: orNull(h.ackLatencyUs.quantile(0.999), ms) },
    splitBrainMs: { belief: distribution(h.splitBrainBeliefUs, ms), effective: distribution(h.splitBrainEffectiveUs, ms) },
    rpoMs: distribution(h.rpoUs, ms),
    eventsPerRun: distribution(h.eventsPerRun, (x) => round(x, 1)),
    outages: { total: t.outages, runs: t.outageRuns, open: t.openOutages },
    lostAcked: { total: t.lostAcked, runs: t.lostAckedRuns },
    duplicates: { total: t.duplicates, runs: t.duplicateRuns },
    falseFailovers: { total: t.falseFailovers, runs: t.falseFailoverRuns },
    lockOverlaps: { total: t.lockOverlaps, runs: t.lockOverlapRuns, ms: ms(t.lockOverlapUs) },
    lostUnacked: { total: t.lostUnacked, runs: t.lostUnackedRuns },
    staleReads: { total: t.staleReads, runs: t.staleReadRuns },
    splitBrainRuns: { effective: t.splitBrainRuns, belief: t.splitBrainBeliefRuns },
    orders: { total: t.orders, acked: t.acked },
    measuredRuns: t.measuredRuns,
  };
}

export function campaignCoverage(a: Aggregate): CampaignCoverage {
  const s = a.state().coverage;
  return { ...s, probes: s.probes ?? {} };
}

/** Why a passing check may prove little. */
export function vacuityWarnings(a: Aggregate): string[] {
  const out: string[] = [];
  if (a.runs === 0) return out;
  if (a.totals.measuredRuns === 0) out.push('no run finished: every run\'s worker died');
  else if (a.coverage.faultsFired.total === 0) out.push('no fault fired in any run: the check only exercised the fault-free path');
  if (a.totals.measuredRuns > 0 && a.maxNodes > 1 && a.coverage.failovers.total === 0) out.push('no run ever failed over: the failover path was never exercised');
  if (a.totals.measuredRuns > 0 && a.totals.orders === 0) out.push('no order was submitted in any run: availability and safety were not exercised');
  if (a.totals.measuredRuns > 0) {
    const silent = [...a.probes].filter(([, t]) => t.total === 0).map(([name]) => name).sort();
    for (const name of silent) {
      const risk = probeNamed(name)?.neverAtRisk;
      if (risk) out.push(`${risk} (probe ${name} never fired): the check was never at risk`);
    }
    if (silent.length) out.push(`mechanisms never exercised (probes that never fired): ${silent.join(', ')}`);
  }
  return out;
}
