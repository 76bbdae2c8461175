/**
 * Streaming aggregation of one design's (or one parameter value's) runs: counts of failed runs
 * by invariant, the first `maxFailures` failures in plan order, metric distributions in
 * log-bucket histograms, totals, and coverage counters. Memory is flat in the number of runs.
 *
 * Everything here is a sum of integers, a min/max, or "the K lowest plan indices", so the
 * result does not depend on arrival order, on the number of workers, or on how the runs were
 * sharded: `a.add(x); a.add(y)` equals `b.add(y); b.add(x)`, and merging two shards' states
 * equals aggregating the union. `state()` is the JSON form that `merge` and `--resume` read.
 */
import { parseSchedule, scheduleToYaml, type Schedule } from '../faults/schedule.ts';
import { Histogram, type HistogramState } from './histogram.ts';
import type { ShrinkResult } from './job.ts';
import { INVARIANTS } from '../check/index.ts';
import { MODEL_ERROR, NONDETERMINISM, WORKER_DIED, type RunSummary, type ViolationRecord } from './run-summary.ts';

/** A failed run as the campaign keeps it. */
export interface Failure {
  index: number;
  seed: number;
  scheduleName: string;
  /** Invariants it violated, sorted. */
  invariants: string[];
  /** The first violation (the one shrinking preserves). */
  violation: ViolationRecord;
  traceHash: string;
  drawnParams: Record<string, string>;
  swarm?: { enabledKinds: string[]; intensity: number };
  schedule?: Schedule;
  shrunk?: ShrinkResult;
  /** For determinism failures: where the two traces first differ. */
  divergence?: { line: number; first: string | null; second: string | null };
}

const HISTOGRAMS = ['unavailabilityPpb', 'downtimePpb', 'rtoUs', 'detectionUs', 'failoverUs', 'ackLatencyUs', 'splitBrainBeliefUs', 'splitBrainEffectiveUs', 'rpoUs', 'eventsPerRun'] as const;
type HistogramName = (typeof HISTOGRAMS)[number];

const TOTALS = [
  'measuredRuns', 'orders', 'acked', 'lostAcked', 'lostAckedRuns', 'duplicates', 'duplicateRuns', 'falseFailovers', 'falseFailoverRuns',
  'splitBrainRuns', 'splitBrainBeliefRuns', 'outages', 'outageRuns', 'openOutages', 'events', 'messages',
  'lockOverlaps', 'lockOverlapRuns', 'lockOverlapUs', 'lostUnacked', 'lostUnackedRuns', 'staleReads', 'staleReadRuns',
] as const;
export type Totals = Record<(typeof TOTALS)[number], number>;

const COVERAGE = ['failovers', 'elections', 'fencings', 'staleTokenRejections', 'demotions', 'outages', 'faultsFired', 'faultsSkipped'] as const;
export type CoverageCounter = (typeof COVERAGE)[number];
/** Occurrences summed over runs, and the number of runs with at least one. */
export interface Tally {
  total: number;
  runs: number;
}

export interface AggregateState {
  runs: number;
  failedRuns: number;
  violations: Record<string, number>;
  failures: FailureState[];
  maxFailures: number;
  maxNodes: number;
  totals: Totals;
  histograms: Record<HistogramName, HistogramState>;
  coverage: Record<CoverageCounter, Tally> & { faultKinds: Record<string, Tally>; probes?: Record<string, Tally> };
}

/** A failure in JSON: schedules as YAML text. */
export type FailureState = Omit<Failure, 'schedule' | 'shrunk'> & { schedule?: string; shrunk?: Omit<ShrinkResult, 'schedule'> & { schedule: string } };

const tally = (): Tally => ({ total: 0, runs: 0 });

export class Aggregate {
  runs = 0;
  failedRuns = 0;
  maxNodes = 0;
  readonly violations = new Map<string, number>();
  /** The failures with the lowest plan indices, ascending. */
  failures: Failure[] = [];
  readonly totals = Object.fromEntries(TOTALS.map((k) => [k, 0])) as Totals;
  readonly histograms = Object.fromEntries(HISTOGRAMS.map((k) => [k, new Histogram()])) as Record<HistogramName, Histogram>;
  readonly coverage = Object.fromEntries(COVERAGE.map((k) => [k, tally()])) as Record<CoverageCounter, Tally>;
  readonly faultKinds = new Map<string, Tally>();
  /** Per probe: emissions over all runs, and runs in which it fired (a probe known with 0 never did). */
  readonly probes = new Map<string, Tally>();

  constructor(readonly maxFailures = 20) {}

  /** Adds one run. */
  add(run: RunSummary): void {
    this.runs++;
    this.maxNodes = Math.max(this.maxNodes, run.nodes);
    if (run.violations.length > 0) this.addFailure(run);
    const s = run.sample;
    if (s) {
      const t = this.totals;
      const h = this.histograms;
      t.measuredRuns++;
      t.orders += s.orders;
      t.acked += s.acked;
      count(t, 'lostAcked', 'lostAckedRuns', s.lostAcked);
      count(t, 'duplicates', 'duplicateRuns', s.duplicates);
      count(t, 'falseFailovers', 'falseFailoverRuns', s.falseFailovers);
      count(t, 'lockOverlaps', 'lockOverlapRuns', s.lockOverlaps ?? 0);
      t.lockOverlapUs += s.lockOverlapUs ?? 0;
      count(t, 'lostUnacked', 'lostUnackedRuns', s.lostUnacked ?? 0);
      count(t, 'staleReads', 'staleReadRuns', s.staleReads ?? 0);
      if (s.splitBrainPairs > 0) t.splitBrainRuns++;
      if (s.splitBrainBeliefUs > 0) t.splitBrainBeliefRuns++;
      count(t, 'outages', 'outageRuns', s.outageRtoUs.length);
      t.openOutages += s.openOutages;
      t.events += s.events;
      t.messages += s.messages;
      h.unavailabilityPpb.record(s.unavailabilityPpb);
      h.downtimePpb.record(s.downtimePpb);
      for (const v of s.outageRtoUs) h.rtoUs.record(v);
      for (const v of s.outageDetectionUs) h.detectionUs.record(v);
      for (const v of s.outageFailoverUs) h.failoverUs.record(v);
      h.ackLatencyUs.merge(s.ackLatencyUs);
      h.splitBrainBeliefUs.record(s.splitBrainBeliefUs);
      h.splitBrainEffectiveUs.record(s.splitBrainEffectiveUs);
      h.rpoUs.record(s.rpoUs);
      h.eventsPerRun.record(s.events);
    }
    const c = run.coverage;
    if (c) {
      for (const key of COVERAGE) addTally(this.coverage[key], { total: c[key], runs: c[key] > 0 ? 1 : 0 });
      for (const [kind, n] of Object.entries(c.faultKinds)) addTally(this.kind(kind), { total: n, runs: n > 0 ? 1 : 0 });
      for (const [name, n] of Object.entries(c.probes ?? {})) addTally(this.probe(name), { total: n, runs: n > 0 ? 1 : 0 });
    }
  }

  /** Adds another aggregate's state (a shard, or the done part of a resumed campaign). */
  merge(state: AggregateState): void {
    this.runs += state.runs;
    this.failedRuns += state.failedRuns;
    this.maxNodes = Math.max(this.maxNodes, state.maxNodes);
    for (const [name, n] of Object.entries(state.violations)) this.violations.set(name, (this.violations.get(name) ?? 0) + n);
    for (const key of TOTALS) this.totals[key] += state.totals[key] ?? 0; // older result files lack newer totals
    for (const key of HISTOGRAMS) this.histograms[key].merge(state.histograms[key]);
    for (const key of COVERAGE) addTally(this.coverage[key], state.coverage[key]);
    for (const [kind, t] of Object.entries(state.coverage.faultKinds)) addTally(this.kind(kind), t);
    for (const [name, t] of Object.entries(state.coverage.probes ?? {})) addTally(this.probe(name), t);
    for (const f of state.failures) this.keep(failureFromState(f));
  }

  state(): AggregateState {
    const faultKinds: Record<string, Tally> = {};
    for (const kind of [...this.faultKinds.keys()].sort()) faultKinds[kind] = { ...this.faultKinds.get(kind)! };
    const coverage = Object.fromEntries(COVERAGE.map((k) => [k, { ...this.coverage[k] }])) as Record<CoverageCounter, Tally>;
    const probes: Record<string, Tally> = {};
    for (const name of [...this.probes.keys()].sort()) probes[name] = { ...this.probes.get(name)! };
    return {
      runs: this.runs,
      failedRuns: this.failedRuns,
      violations: Object.fromEntries([...this.violations.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      failures: this.failures.map(failureToState),
      maxFailures: this.maxFailures,
      maxNodes: this.maxNodes,
      totals: { ...this.totals },
      histograms: Object.fromEntries(HISTOGRAMS.map((k) => [k, this.histograms[k].state()])) as Record<HistogramName, HistogramState>,
      coverage: { ...coverage, faultKinds, probes },
    };
  }

  static from(state: AggregateState): Aggregate {
    const a = new Aggregate(state.maxFailures);
    a.merge(state);
    return a;
  }

  private addFailure(run: RunSummary): void {
    this.failedRuns++;
    const invariants = [...new Set(run.violations.map((v) => v.invariant))].sort();
    for (const name of invariants) this.violations.set(name, (this.violations.get(name) ?? 0) + 1);
    this.keep({
      index: run.index,
      seed: run.seed,
      scheduleName: run.scheduleName,
      invariants,
      violation: mostSevere(run.violations),
      traceHash: run.traceHash,
      drawnParams: run.drawnParams,
      ...(run.swarm ? { swarm: run.swarm } : {}),
      ...(run.schedule ? { schedule: run.schedule } : {}),
    });
  }

  /** Keeps a failure if it is among the `maxFailures` lowest plan indices. */
  private keep(failure: Failure): void {
    const list = this.failures;
    if (this.maxFailures === 0 || (list.length >= this.maxFailures && failure.index > list[list.length - 1].index)) return;
    let at = list.length;
    while (at > 0 && list[at - 1].index > failure.index) at--;
    if (list[at - 1]?.index === failure.index) return;
    list.splice(at, 0, failure);
    if (list.length > this.maxFailures) list.pop();
  }

  private probe(name: string): Tally {
    let t = this.probes.get(name);
    if (!t) this.probes.set(name, (t = tally()));
    return t;
  }

  private kind(name: string): Tally {
    let t = this.faultKinds.get(name);
    if (!t) this.faultKinds.set(name, (t = tally()));
    return t;
  }
}

/**
 * The violation a failure is known by (and shrinking preserves): a run that broke
 * (model error, dead worker) first, then invariants in registry order (safety before
 * liveness), then nondeterminism; the earliest violation of that invariant.
 */
export function mostSevere(violations: readonly ViolationRecord[]): ViolationRecord {
  const order = [MODEL_ERROR, WORKER_DIED, ...INVARIANTS.keys(), NONDETERMINISM];
  const rank = (v: ViolationRecord) => {
    const at = order.indexOf(v.invariant);
    return at < 0 ? order.length : at;
  };
  return violations.reduce((best, v) => (rank(v) < rank(best) || (rank(v) === rank(best) && v.timeMs < best.timeMs) ? v : best));
}

function count(t: Totals, total: keyof Totals, runs: keyof Totals, n: number): void {
  t[total] += n;
  if (n > 0) t[runs]++;
}

function addTally(into: Tally, from: Tally): void {
  into.total += from.total;
  into.runs += from.runs;
}

function failureToState(f: Failure): FailureState {
  const { schedule, shrunk, ...rest } = f;
  return {
    ...rest,
    ...(schedule ? { schedule: scheduleToYaml(schedule) } : {}),
    ...(shrunk ? { shrunk: { ...shrunk, schedule: scheduleToYaml(shrunk.schedule) } } : {}),
  };
}

function failureFromState(f: FailureState): Failure {
  const { schedule, shrunk, ...rest } = f;
  return {
    ...rest,
    ...(schedule ? { schedule: parseSchedule(schedule, `failure of seed ${f.seed}`) } : {}),
    ...(shrunk ? { shrunk: { ...shrunk, schedule: parseSchedule(shrunk.schedule, `shrunk failure of seed ${f.seed}`) } } : {}),
  };
}
