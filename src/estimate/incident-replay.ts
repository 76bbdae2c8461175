/**
 * `hasim estimate-replay FILE --incident N`: re-runs one incident of an estimate's incident log
 * (incident-log.ts) exactly as the estimate simulated it, through the same code (`runChunk`'s
 * simulate pass with the incident's chunk, ordinal and inclusion probability, the log header's
 * seed, reliability data, incident order rate, workload and event budget), so it has the same
 * trace hash and the same figures. What it adds is the run itself: its history, checked by
 * every invariant and measured by the same metrics as `hasim run`, for the run report.
 *
 * An incident is not a `hasim run` schedule: its gaps are simulated adaptively (fast-forward,
 * quiet end, recovery steps up to RECOVERY_CAP, incident-sim.ts), its faults are the plant's
 * component changes (incident-faults.ts), and its warm-up has a random phase; so it is replayed
 * by the code that simulated it rather than translated into a schedule.
 *
 * Before it runs, the replay compares the code and parameters the log's header pinned for the
 * design (design-source.ts) with today's, and says in one line which files differ: after a
 * model change a differing trace hash is expected, not a sign that the replay is unfaithful.
 */
import type { RunResult } from '../campaign/simulate.ts';
import { loadDesign } from '../campaign/catalog.ts';
import { checkAll } from '../check/index.ts';
import type { Violation } from '../check/invariant.ts';
import { computeMetrics } from '../metrics/index.ts';
import type { FinishedRun, Run } from '../run/run.ts';
import type { Design } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import { runChunk, type SimulatedIncident } from './chunk.ts';
import { designPin, readIncidentLog, type IncidentLine, type IncidentLogHeader, type IncidentLogSetup } from './incident-log.ts';
import { sourceChanges } from './design-source.ts';

export interface ReplayedIncident {
  line: IncidentLine;
  setup: IncidentLogSetup;
  design: Design;
  /** The run as `hasim run` reports one (its schedule is the incident's class). */
  result: RunResult;
  /** The figures the estimate takes from it, worked out again. */
  outcome: SimulatedIncident;
  /** Same trace hash as the estimate's simulation of it. */
  reproduced: boolean;
  /** What differs from the code and parameters the log was written with (`codeChange`), or undefined. */
  codeChanged: string | undefined;
}

export interface ReplayOptions {
  /** hasim's version now, compared with the log's. */
  hasim?: string;
  /** Told what changed since the log was written (`codeChange`) before the incident runs. */
  onCodeChanged?(text: string): void;
}

export async function replayIncident(path: string, number: number, options: ReplayOptions = {}): Promise<ReplayedIncident> {
  const { header, line, setup } = readIncidentLog(path, number);
  const design = await loadDesign(line.design);
  const codeChanged = codeChange(header, line, design, options.hasim);
  if (codeChanged !== undefined) options.onCodeChanged?.(codeChanged);
  let finished: { run: Run; finished: FinishedRun } | undefined;
  const chunk = await runChunk(
    {
      pass: 'simulate',
      design: line.design,
      params: line.params,
      reliability: setup.reliability,
      seed: setup.seed,
      chunk: line.chunk,
      spanYears: 0,
      ordersPerSecond: setup.incidentOrdersPerSecond,
      ...(setup.workload ? { workload: setup.workload } : {}),
      ...(setup.maxEvents !== undefined ? { maxEvents: setup.maxEvents } : {}),
      sampled: [{ incident: line.draw, ordinal: line.ordinal, pi: line.pi }],
    },
    (run, done) => (finished = { run, finished: done }),
  );
  const outcome = chunk.simulated![0];
  const { run, finished: done } = finished!;
  const { history } = done;
  const violations: Violation[] = done.modelError
    ? [{ invariant: 'model-error', time: done.modelError.time, detail: done.modelError.detail }]
    : checkAll(history, undefined, design.invariants ?? []);
  const result: RunResult = {
    design: design.name,
    seed: line.seed,
    schedule: `incident ${line.incident} (${line.class})`,
    params: resolveParams(design, line.params),
    workload: run.world.workload,
    eventBudget: setup.maxEvents ?? 5_000_000,
    traceHash: done.traceHash,
    violations,
    metrics: { ...computeMetrics(history), events: done.events, messages: done.messages },
    history,
    probes: run.world.probes.counters(),
  };
  return { line, setup, design, result, outcome, reproduced: done.traceHash === line.traceHash, codeChanged };
}

/** How many changed files the line names before "and N more". */
const FILES_NAMED = 4;

/**
 * One line saying how the code and parameters that would replay `line` differ from those the log
 * pinned (design files, resolved parameter values, hasim's version), or that the log pinned none;
 * undefined when everything is as it was.
 */
export function codeChange(header: IncidentLogHeader, line: IncidentLine, design: Design, hasim?: string): string | undefined {
  const pinned = header.designs?.[line.design];
  if (!pinned) return `this log holds no hash of ${line.design}'s code (written by a hasim before it recorded one): a trace hash that differs may be a model change or a bug`;
  const now = designPin(line.design, design, line.params);
  const files = sourceChanges(pinned.source, now.source);
  const what: string[] = [];
  if (files.length > 0) {
    const named = files.slice(0, FILES_NAMED).join(', ');
    what.push(`its code (${named}${files.length > FILES_NAMED ? ` and ${files.length - FILES_NAMED} more` : ''})`);
  }
  if (pinned.params !== now.params) what.push('its resolved parameter values (a default moved)');
  if (hasim !== undefined && header.hasim !== hasim) what.push(`hasim's version (${header.hasim} then, ${hasim} now)`);
  if (what.length === 0) return undefined;
  return `${line.design} changed since this log was written: ${what.join('; ')}; a trace hash that differs is expected, not a bug`;
}
