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
import { readIncidentLog, type IncidentLine, type IncidentLogSetup } from './incident-log.ts';

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
}

export async function replayIncident(path: string, number: number): Promise<ReplayedIncident> {
  const { line, setup } = readIncidentLog(path, number);
  const design = await loadDesign(line.design);
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
  return { line, setup, design, result, outcome, reproduced: done.traceHash === line.traceHash };
}
