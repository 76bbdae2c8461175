/**
 * One chunk of an estimate: an independent replication of `spanYears` years of one design
 * under the reliability data, starting with every component new. Chunks are what workers
 * run and what the confidence intervals treat as independent batches; everything about a
 * chunk follows from (seed, chunk index), so any number of workers gives the same answer.
 *
 * Two passes, the history drawn once:
 *
 *   count     classes and how many incidents of each   -> inclusion probabilities
 *             (and the incidents that may be sampled: each incident's selection draw is made
 *             here, and those below a bound on their class's probability are kept, `InclusionBound`)
 *   simulate  each kept incident whose draw is below its class's probability (`sampling.ts`) is
 *             simulated with its own seed; the chunk reports its structural downtime (every
 *             incident) and the simulated incidents' outcomes with their weights 1/pi
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
import { simulateIncident, type IncidentOutcome, type IncidentSimOptions } from './incident-sim.ts';
import { incidentPlant } from './plant.ts';
import type { ReliabilityData } from './reliability.ts';
import { InclusionBound, incidentSeed } from './sampling.ts';

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
  /** Pass `count`: the expected number of simulations of the whole estimate (Infinity: every incident). */
  simulations?: number;
  /** Pass `simulate`: the incidents to simulate, with their inclusion probabilities. */
  sampled?: SampledIncident[];
}

/** An incident the count pass kept: its place in the chunk's history and its selection draw. */
export interface Candidate {
  incident: Incident;
  ordinal: number;
  /** Its draw from the chunk's selection stream: sampled if below its class's probability. */
  u: number;
}

export interface SampledIncident {
  incident: Incident;
  ordinal: number;
  pi: number;
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
  candidates?: Candidate[];
  /** Pass `simulate`. */
  simulated?: SimulatedIncident[];
}

const designs = new Map<string, Promise<Design>>();

/** `observe`: handed each simulated incident's finished run (in this thread only: `hasim estimate-replay`). */
export async function runChunk(job: ChunkJob, observe?: IncidentSimOptions['onFinished']): Promise<ChunkResult> {
  let pending = designs.get(job.design);
  if (!pending) designs.set(job.design, (pending = loadDesign(job.design)));
  const design = await pending;
  const params = resolveParams(design, job.params);
  const spec = estimateSpecOf(design, params);
  const plant = incidentPlant(design, params, job.reliability, spec, job.workload, job.ordersPerSecond);
  const settleSeconds = spec.settle / SECOND;
  const rng = Rng.stream(job.seed, `estimate:chunk:${job.chunk}`);
  const span = job.spanYears * (YEAR / SECOND);

  if (job.pass === 'count') {
    const names = elementNames(plant);
    const classes = new Map<number, ClassCount>();
    // the selection draws, one per incident in order, as the simulate pass would make them
    const select = Rng.stream(job.seed, `estimate:select:${job.chunk}`);
    const bound = new InclusionBound(job.simulations ?? Infinity);
    const candidates: Candidate[] = [];
    let ordinal = 0;
    let nextUpdate = BOUND_FIRST;
    const totals = drawIncidents(plant, rng, span, settleSeconds, (draw) => {
      let c = classes.get(draw.key);
      if (!c) classes.set(draw.key, (c = { key: draw.key, name: className(names, draw.incident(), settleSeconds), count: 0, structuralDownSeconds: 0 }));
      c.count++;
      c.structuralDownSeconds += draw.structuralDown;
      const u = select.float();
      if (u < bound.of(c.count)) candidates.push({ incident: draw.incident(), ordinal, u });
      if (++ordinal === nextUpdate) {
        bound.update([...classes.values()].map((k) => k.count));
        nextUpdate = Math.min(2 * nextUpdate, nextUpdate + BOUND_EVERY);
      }
    });
    return { chunk: job.chunk, seconds: totals.seconds, incidents: totals.incidents, structuralDownSeconds: totals.structuralDown, classes: [...classes.values()], candidates };
  }

  const simulated = (job.sampled ?? []).map(({ incident, ordinal, pi }): SimulatedIncident => {
    const outcome = simulateIncident(incident, incidentSeed(job.seed, job.chunk, ordinal), {
      design,
      params,
      plant,
      warmup: spec.warmup,
      settle: spec.settle,
      ...(spec.silentReaction !== undefined ? { silentReaction: spec.silentReaction } : {}),
      ordersPerSecond: job.ordersPerSecond,
      workload: job.workload,
      maxEvents: job.maxEvents,
      ...(observe ? { onFinished: observe } : {}),
    });
    return { key: incident.key, weight: 1 / pi, structuralDownSeconds: incident.structuralDown, ...outcome };
  });
  return { chunk: job.chunk, seconds: 0, incidents: 0, structuralDownSeconds: 0, simulated };
}

/**
 * When the count pass tightens its inclusion bound: after `BOUND_FIRST` incidents, then at twice
 * as many each time (the bound is loosest, and each update cheapest, at a chunk's start: until the
 * first one every incident is kept), then every `BOUND_EVERY`.
 */
const BOUND_FIRST = 16;
const BOUND_EVERY = 1024;
