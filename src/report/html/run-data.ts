/**
 * Everything the run page draws, as one JSON-ready value built from a `RunResult`: the header
 * (design, seed, schedule YAML, parameters, replay command, metrics), the node lanes, faults,
 * outages, split-brain intervals, violations, binned throughput and latency, and the message
 * windows of the Lamport diagram. Times are integer microseconds of virtual time, exactly as
 * in the history, so a test can compare what is drawn with what happened.
 *
 * Faults, outages, split-brain intervals and violations are listed whole, however many: only
 * lanes, markers, series and messages are downsampled (see their files).
 */
import { instantS } from '../format.ts';
import type { RunResult } from '../../campaign/simulate.ts';
import { findOutages } from '../../check/outages.ts';
import { primaryIntervals, splitBrainIntervals } from '../../check/primary-intervals.ts';
import { scheduleToYaml, type Schedule } from '../../faults/schedule.ts';
import type { Micros } from '../../sim/time.ts';
import type { ParamSpecs } from '../../world/design.ts';
import { displayParams } from '../../world/params.ts';
import { HASIM_VERSION } from '../run-json.ts';
import { laneSet, type LaneSet } from './run-lanes.ts';
import { messageData, type Focus, type MessageData } from './run-messages.ts';
import { orderSeries, type Series } from './run-series.ts';

export interface RunPageOptions {
  /** The schedule the run used (its YAML goes in the header). */
  schedule: Schedule;
  /** The design's parameter specs, to write durations with units. */
  paramSpecs?: ParamSpecs;
  /** The command that replays the run. */
  replayCommand: string;
  /** Windows of the message diagram the reader asked for (`--html-window`), first is the default. */
  messageWindows?: { startUs: Micros; endUs: Micros }[];
}

export interface FaultData {
  id: number;
  kind: string;
  targets: string[];
  detail: string;
  startUs: Micros;
  endUs: Micros;
  /** No `fault-end` in the history: it lasted to the end of the run. */
  open: boolean;
  /** Row of the faults track, so overlapping faults do not hide each other. */
  row: number;
}

export interface RunData {
  kind: 'run';
  hasim: string;
  design: string;
  schedule: string;
  seed: number;
  traceHash: string;
  params: Record<string, string | number | boolean>;
  scheduleYaml: string;
  replayCommand: string;
  metrics: RunResult['metrics'];
  nodes: string[];
  /** The run's start: boot begins before 0 (times count from the end of boot), so it is `-boot`. */
  startUs: Micros;
  healUs: Micros;
  settleEndUs: Micros;
  endUs: Micros;
  lanes: LaneSet;
  faults: FaultData[];
  outages: { startUs: Micros; endUs: Micros; open: boolean; unservedOrders: number; kind: 'down' | 'degraded'; share: number; scopes: string[] }[];
  splitBrain: { nodes: [string, string]; scope: string; beliefStartUs: Micros; beliefEndUs: Micros; effectiveStartUs: Micros | null; effectiveEndUs: Micros | null }[];
  violations: { invariant: string; timeUs: Micros; detail: string }[];
  series: Series;
  /** Null when the run did not record its messages. */
  messages: MessageData | null;
}

export function runData(result: RunResult, options: RunPageOptions): RunData {
  const history = result.history;
  const faults = faultData(result);
  const violations = result.violations.map((v) => ({ invariant: v.invariant, timeUs: v.time, detail: v.detail }));
  const splitBrain = splitBrainIntervals(history, primaryIntervals(history)).map((s) => ({
    nodes: [s.first.node, s.second.node] as [string, string],
    scope: s.first.scope,
    beliefStartUs: s.belief.start,
    beliefEndUs: s.belief.end,
    effectiveStartUs: s.effective?.start ?? null,
    effectiveEndUs: s.effective?.end ?? null,
  }));
  return {
    kind: 'run',
    hasim: HASIM_VERSION,
    design: result.design,
    schedule: result.schedule,
    seed: result.seed,
    traceHash: result.traceHash,
    params: options.paramSpecs ? displayParams(options.paramSpecs, result.params) : { ...result.params },
    scheduleYaml: scheduleToYaml(options.schedule),
    replayCommand: options.replayCommand,
    metrics: result.metrics,
    nodes: [...history.nodes],
    startUs: -history.boot,
    healUs: history.healAt,
    settleEndUs: history.settleEndAt,
    endUs: history.endAt,
    lanes: laneSet(history),
    faults,
    outages: findOutages(history).map((o) => ({ startUs: o.start, endUs: o.end, open: o.open, unservedOrders: o.unservedOrders, kind: o.kind, share: o.share, scopes: o.scopes })),
    splitBrain,
    violations,
    series: orderSeries(history),
    messages: result.messages ? messageData(result.messages, history.nodes, history.endAt, options.messageWindows ?? [], focusPoints(result, faults)) : null,
  };
}

/** Faults paired begin with end, in start order, each given a row of the faults track. */
function faultData(result: RunResult): FaultData[] {
  const open = new Map<number, FaultData>();
  const faults: FaultData[] = [];
  for (const e of result.history.events) {
    if (e.type === 'fault-begin') {
      const f = { id: e.faultId, kind: e.kind, targets: e.targets, detail: e.detail, startUs: e.time, endUs: result.history.endAt, open: true, row: 0 };
      open.set(e.faultId, f);
      faults.push(f);
    } else if (e.type === 'fault-end') {
      const f = open.get(e.faultId);
      if (!f) continue;
      f.endUs = e.time;
      f.open = false;
      open.delete(e.faultId);
    }
  }
  // First-fit rows: a fault goes to the first row whose last fault ended before it began.
  const rowEnds: Micros[] = [];
  for (const f of faults) {
    let row = rowEnds.findIndex((end) => end <= f.startUs);
    if (row < 0) row = rowEnds.push(0) - 1;
    rowEnds[row] = Math.max(f.endUs, f.startUs + 1);
    f.row = row;
  }
  return faults;
}

/** Where the message diagram looks: violations first, then faults, then failovers. */
function focusPoints(result: RunResult, faults: FaultData[]): Focus[] {
  const at = instantS;
  const [first, ...rest] = result.violations;
  const [firstFault, ...otherFaults] = faults;
  const failovers = primaryIntervals(result.history).filter((p) => p.start > 0);
  return [
    ...(first ? [{ timeUs: first.time, label: `first violation: ${first.invariant} at ${at(first.time)}` }] : []),
    ...(firstFault ? [{ timeUs: firstFault.startUs, label: `first fault: ${firstFault.kind} at ${at(firstFault.startUs)}` }] : []),
    ...rest.map((v) => ({ timeUs: v.time, label: `violation: ${v.invariant} at ${at(v.time)}` })),
    ...otherFaults.map((f) => ({ timeUs: f.startUs, label: `fault: ${f.kind} at ${at(f.startUs)}` })),
    ...failovers.map((p) => ({ timeUs: p.start, label: `${p.node} becomes primary at ${at(p.start)}` })),
    { timeUs: 0, label: 'start of the run' },
  ];
}
