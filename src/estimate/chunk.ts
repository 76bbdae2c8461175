/**
 * One chunk of an estimate: an independent replication of `spanYears` years of one design
 * under the reliability data, starting with every component new. Chunks are what workers
 * run and what the confidence intervals treat as independent batches; everything about a
 * chunk follows from (seed, chunk index), so any number of workers gives the same answer.
 *
 * Two passes over the same drawn history (the component sampler is cheap and deterministic):
 *
 *   count     classes and how many incidents of each   -> inclusion probabilities
 *   simulate  each incident is simulated with its class's probability (`sampling.ts`),
 *             with its own seed; the chunk reports its structural downtime (every incident)
 *             and the simulated incidents' outcomes with their weights 1/pi
 *
 * Jobs and results are plain data (they cross worker-thread boundaries).
 */
import type { Workload } from '../world/client.ts';
import { loadDesign } from '../campaign/catalog.ts';
import { Rng } from '../sim/rng.ts';
import { SECOND, YEAR } from '../sim/time.ts';
import type { Design } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import { className, drawIncidents, elementNames, type Incident } from './components.ts';
import { estimateSpecOf } from './declarations.ts';
import { simulateIncident, type IncidentOutcome } from './incident-sim.ts';
import { buildPlant, clientView } from './plant.ts';
import { scopeCount } from './structure.ts';
import type { ReliabilityData } from './reliability.ts';
import { incidentSeed } from './sampling.ts';

export interface ChunkJob {
  pass: 'count' | 'simulate';
  /** A bundled design name or a path. */
  design: string;
  params: Record<string, string>;
  reliability: ReliabilityData;
  seed: number;
  chunk: number;
  spanYears: number;
  /** Orders per second in incident simulations. */
  ordersPerSecond: number;
  /** The rest of their workload (`--clients`, `--timeout`, `--retry`, ...). */
  workload?: Partial<Workload>;
  maxEvents?: number;
  /** Pass `simulate`: [class hash, pi] pairs. */
  inclusion?: [number, number][];
}

export interface ClassCount {
  key: number;
  name: string;
  count: number;
  structuralDownSeconds: number;
}

export interface SimulatedIncident extends IncidentOutcome {
  key: number;
  /** 1/pi: how many incidents of its class this one stands for. */
  weight: number;
  structuralDownSeconds: number;
}

export interface ChunkResult {
  chunk: number;
  /** Seconds of plant time covered. */
  seconds: number;
  incidents: number;
  structuralDownSeconds: number;
  /** Pass `count`. */
  classes?: ClassCount[];
  /** Pass `simulate`. */
  simulated?: SimulatedIncident[];
}

const designs = new Map<string, Promise<Design>>();

export async function runChunk(job: ChunkJob): Promise<ChunkResult> {
  let pending = designs.get(job.design);
  if (!pending) designs.set(job.design, (pending = loadDesign(job.design)));
  const design = await pending;
  const params = resolveParams(design, job.params);
  const spec = estimateSpecOf(design, params);
  const plant = buildPlant(design, params, job.reliability, spec, clientView(job.workload, job.ordersPerSecond, scopeCount(spec.structure)));
  const settleSeconds = spec.settle / SECOND;
  const rng = Rng.stream(job.seed, `estimate:chunk:${job.chunk}`);
  const span = job.spanYears * (YEAR / SECOND);

  if (job.pass === 'count') {
    const names = elementNames(plant);
    const classes = new Map<number, ClassCount>();
    const totals = drawIncidents(plant, rng, span, settleSeconds, (draw) => {
      let c = classes.get(draw.key);
      if (!c) classes.set(draw.key, (c = { key: draw.key, name: className(names, draw.incident(), settleSeconds), count: 0, structuralDownSeconds: 0 }));
      c.count++;
      c.structuralDownSeconds += draw.structuralDown;
    });
    return { chunk: job.chunk, seconds: totals.seconds, incidents: totals.incidents, structuralDownSeconds: totals.structuralDown, classes: [...classes.values()] };
  }

  const inclusion = new Map(job.inclusion ?? []);
  const select = Rng.stream(job.seed, `estimate:select:${job.chunk}`);
  const chosen: { incident: Incident; ordinal: number; pi: number }[] = [];
  let ordinal = 0;
  const totals = drawIncidents(plant, rng, span, settleSeconds, (draw) => {
    const pi = inclusion.get(draw.key) ?? 1;
    const u = select.float();
    if (u < pi) chosen.push({ incident: draw.incident(), ordinal, pi });
    ordinal++;
  });
  const simulated = chosen.map(({ incident, ordinal: n, pi }): SimulatedIncident => {
    const outcome = simulateIncident(incident, incidentSeed(job.seed, job.chunk, n), {
      design,
      params,
      plant,
      warmup: spec.warmup,
      settle: spec.settle,
      ordersPerSecond: job.ordersPerSecond,
      workload: job.workload,
      maxEvents: job.maxEvents,
    });
    return { key: incident.key, weight: 1 / pi, structuralDownSeconds: incident.structuralDown, ...outcome };
  });
  return { chunk: job.chunk, seconds: totals.seconds, incidents: totals.incidents, structuralDownSeconds: totals.structuralDown, simulated };
}
