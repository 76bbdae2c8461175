/**
 * `hasim estimate` as a function: availability, RTO, RPO, data-loss and split-brain rates of
 * designs over many simulated years of component failures, each incident simulated with the
 * design's real protocol, beside the ideal (structural) availability of the same data.
 *
 * ```ts
 * const data = loadReliability('scenarios/reliability/p1.yaml');
 * const [stonith] = await estimate({ designs: ['hot-standby-stonith'], reliability: data, years: 1000 });
 * stonith.availability; // { mean: 0.99984, low: ..., high: ..., confidence: 0.95 }
 * ```
 *
 * Why fast-forwarding is exact. Outside incidents every component is up and has been for at
 * least `settle` (`components.ts`); the protocol then sits in its healthy steady state: the
 * service is up, and nothing that happens there (heartbeats, orders acked and replicated)
 * enters the metrics. That state is a regeneration point: what an incident does depends on
 * the incident (which components fail, when, for how long: drawn by the sampler) and on the
 * protocol's own randomness, not on how long the quiet period before it lasted, because a
 * design in that state forgets its past (timers restart every period, logs are in sync).
 * So the long run is, exactly, the sampler's quiet time (availability 1, no losses) plus the
 * incidents, each simulated from a fresh world brought to the healthy steady state (warm-up),
 * and the simulation of 10^13 quiet heartbeats can be skipped. Failures closer together than
 * `settle` are one incident and simulated together, so interactions are never lost.
 * What is approximated, and where: the healthy state reached after `warmup` stands for the
 * one reached after hours (designs must settle within it; phases of periodic timers are
 * randomised); an incident starts with the design's preferred primary (nodes of one type
 * fail alike, so which node is primary is a relabelling); within an incident, gaps longer
 * than `settle` are fast-forwarded the same way (`incident-sim.ts`); clients submit
 * `incidentOrdersPerSecond` orders (outages are resolved to about one inter-order gap; lost
 * orders are scaled to `ordersPerSecond`).
 *
 * Sampling. With more incidents than `simulations`, each class of incident is simulated with
 * a known probability and weighted (`sampling.ts`); structural downtime is still counted for
 * every incident, and intervals include the sampling error. Chunks (independent
 * replications of years/chunks years each) are the batches of the intervals.
 */
import type { Workload } from '../world/client.ts';
import { InputError } from '../sim/input-error.ts';
import { YEAR, SECOND, type Micros } from '../sim/time.ts';
import { isDesignPath, loadDesign } from '../campaign/catalog.ts';
import { workerEntry } from '../campaign/worker-bundle.ts';
import { resolveParams } from '../world/params.ts';
import type { Design } from '../world/design.ts';
import type { ChunkJob, ChunkResult, SimulatedIncident } from './chunk.ts';
import type { Incident } from './components.ts';
import { estimateSpecOf } from './declarations.ts';
import { IdealTooLarge, idealAvailability, type IdealResult } from './ideal.ts';
import { incidentPlant, type Plant } from './plant.ts';
import { ChunkPool } from './pool.ts';
import type { ReliabilityData } from './reliability.ts';
import { inclusionProbabilities } from './sampling.ts';
import { batchMeans, weightedPoisson, weightedQuantile, type Interval } from './statistics.ts';
import { formatStructure } from './structure.ts';

export interface EstimateOptions {
  designs: string[];
  reliability: ReliabilityData;
  years: number;
  /** Confidence level of every interval (default 0.95). */
  confidence?: number;
  /** Worker threads (0: this thread; default 0). */
  workers?: number;
  seed?: number;
  /** Protocol simulations per design, expected (default 1000; Infinity: every incident). */
  simulations?: number;
  /** `--set` overrides per design name (`*`: every design that has the parameter). */
  params?: Record<string, Record<string, string>>;
  /** The real order rate lost orders are reported at (default 200/s). */
  ordersPerSecond?: number;
  /** Order rate inside incident simulations (default 10/s). */
  incidentOrdersPerSecond?: number;
  /** The rest of the incident simulations' workload (clients, timeout, retry, ...; its rate is `incidentOrdersPerSecond`). */
  workload?: Partial<Workload>;
  /** Event budget per incident simulation (default 5,000,000). */
  maxEvents?: number;
  /** Called as chunks finish: (done, total) over every pass of every design. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stops the estimate (SIGINT/SIGTERM in the CLI): no further chunk starts, the workers are
   * stopped, and `estimate` rejects with `EstimateStopped`. An estimate has no partial result:
   * its intervals need every year it was asked for.
   */
  signal?: AbortSignal;
  /** Called with every simulated incident, design by design in chunk and draw order (the same for any `workers`): `--incidents` (incident-log.ts). */
  onIncident?: (record: IncidentRecord) => void;
}

/** One simulated incident as the estimate used it: where it was drawn, its class and weight, and its outcome. */
export interface IncidentRecord {
  design: string;
  /** The design's `--set` values. */
  params: Record<string, string>;
  chunk: number;
  /** Its place among the chunk's drawn incidents (its seed is `incidentSeed(seed, chunk, ordinal)`). */
  ordinal: number;
  /** Its inclusion probability (its weight is 1/pi). */
  pi: number;
  className: string;
  incident: Incident;
  outcome: SimulatedIncident;
}

/** What `estimate` rejects with once its `signal` aborted. */
export class EstimateStopped extends Error {
  constructor() {
    super('the estimate was stopped');
    this.name = 'EstimateStopped';
  }
}

export interface RareEventRate {
  /** Probability of at least one such event in a year. */
  perYear: number;
  low: number;
  high: number;
  /** Simulated incidents that showed it. */
  events: number;
  /** Fewer than 10 events: the figure rests on too few to be more than an order of magnitude. */
  fewEvents: boolean;
}

export interface ClassBreakdown {
  name: string;
  incidentsPerYear: number;
  simulated: number;
  /** Protocol downtime beyond the structural, minutes a year (weighted). */
  excessMinutesPerYear: number;
  /** Simulated incidents of the class still down through a fast-forward with the structure up (`downThroughFastForward`). */
  downThroughFastForward: number;
  /** Acked orders the class loses a year (weighted, at the real order rate), and in how many simulated incidents. */
  lostAckedPerYear: number;
  lossIncidents: number;
}

export interface DesignEstimate {
  design: string;
  structure: string;
  structureOrigin: string;
  years: number;
  availability: { mean: number; low: number; high: number; confidence: number };
  nines: number;
  downtimeMinutesPerYear: { mean: number; low: number; high: number };
  outagesPerYear: { mean: number; low: number; high: number };
  /** RTO quantiles over outages, ms. */
  rto: { p50: number; p99: number; max: number; outagesSimulated: number };
  lostAckedPerYear: { mean: number; low: number; high: number };
  /** Span of lost acks in one incident, ms: the worst and the 99th percentile among loss incidents. */
  rpo: { p99Ms: number; maxMs: number };
  pDataLossPerYear: RareEventRate;
  pSplitBrainPerYear: RareEventRate;
  /** Whether the design has two nodes that could both be primary; reports leave split brain out when not. */
  canSplitBrain: boolean;
  falseFailoversPerYear: number;
  ideal: (IdealResult & { note?: string }) | { availability: null; note: string };
  /** The structural downtime of the drawn history (checks the ideal), and the protocol's cost. */
  structuralDowntimeMinutesPerYear: { mean: number; low: number; high: number };
  protocolCostMinutesPerYear: { mean: number; low: number; high: number };
  incidents: { total: number; perYear: number; simulated: number; unrecovered: number; downThroughFastForward: number; stillLosing: number; modelErrors: number; events: number };
  /** The design's own account of when it stays down with its structure up (its estimate declaration), if it gives one. */
  staysDown?: string;
  /** The design's own account of why it loses acked orders (its estimate declaration), if it gives one. */
  losesAcked?: string;
  classes: ClassBreakdown[];
  /** Node component types the data gives that the design has no element for: `agent` when no node runs an HA agent process beside its service, `agent:<process>` when none runs that one (`plant.ts`). */
  absentComponents: string[];
  /** How far the simulations cover the classes (see `coverage`). */
  coverage: Coverage;
}

/**
 * How far the simulations cover the incident classes. With more classes than simulations, every
 * class first gets the same floor, budget / (2 classes) expected simulations, and the other half
 * of the budget goes by sqrt(count) (sampling.ts), so frequent classes are simulated a few times
 * but most rare ones never: those count at their structural downtime only, and a simulated
 * incident stands for 1/pi of its class, up to thousands of incidents. The estimate stays
 * unbiased, but its interval, from batch means over chunks, can miss that spread (dr-site under
 * p1, 300 simulations: a primary's deadlock, 1.5 a year, simulated 0.5 times in expectation and
 * carrying most of the protocol's cost when drawn). Reported so a reader knows when to compare
 * seeds or raise --simulations.
 */
export interface Coverage {
  classes: number;
  /** The expected number of simulations asked for (`--simulations`; Infinity: all). */
  budget: number;
  /** Classes with at least one simulated incident. */
  classesSimulated: number;
  /** The share of all incidents that are in a class with no simulated incident. */
  unsimulatedIncidentShare: number;
  /**
   * The simulated incident with the largest weighted excess downtime (weight x (downtime -
   * structural)), its weight and its share of the sum of every positive one; null when no
   * simulated incident was down beyond the structure. A share near 1 with a weight above 1: the
   * protocol's cost rests on one draw.
   */
  heaviest: { className: string; weight: number; share: number } | null;
}

export const MINUTES_PER_YEAR = YEAR / (60 * SECOND);
export const DEFAULT_SIMULATIONS = 1000;
const FEW_EVENTS = 10;

export async function estimate(options: EstimateOptions): Promise<DesignEstimate[]> {
  const years = options.years;
  if (!(years > 0) || !Number.isFinite(years)) throw new InputError('--years', '', 'a positive number of years', String(years));
  await checkParams(options);
  // every design must declare its structure before any work starts
  for (const name of options.designs) {
    const design = await loadDesign(name);
    estimateSpecOf(design, resolveParams(design, paramsOf(name, design, options)));
  }
  const chunks = Math.min(100, Math.max(1, Math.ceil(years)));
  const passes = options.designs.length * 2 * chunks;
  let done = 0;
  const progress = () => options.onProgress?.(++done, passes);
  const out: DesignEstimate[] = [];
  if (options.signal?.aborted) throw new EstimateStopped();
  const workers = options.workers ?? 0;
  // user code (a design named by path) needs the tsx boot: see campaign/worker-bundle.ts
  const entry = workers > 0 ? await workerEntry('estimate', { userCode: options.designs.some(isDesignPath) }) : undefined;
  const pool = new ChunkPool(workers, options.signal, () => new EstimateStopped(), entry);
  try {
    for (const name of options.designs) out.push(await estimateOne(name, options, pool, chunks, progress));
  } finally {
    await pool.close();
  }
  return out;
}

/**
 * Every `--set` before any work: `name=value` must name a parameter of at least one design,
 * `design:name=value` one of the estimated designs, and each value must suit its parameter.
 */
async function checkParams(options: EstimateOptions): Promise<void> {
  const designs = await Promise.all(options.designs.map(async (name) => ({ name, design: await loadDesign(name) })));
  const shared = Object.keys(options.params?.['*'] ?? {});
  for (const key of shared) {
    if (!designs.some(({ design }) => key in design.params)) throw new InputError('--set', key, `a parameter of at least one estimated design (hasim list --params ${options.designs[0]})`);
  }
  for (const key of Object.keys(options.params ?? {})) {
    if (key !== '*' && !designs.some(({ name, design }) => name === key || design.name === key)) {
      throw new InputError('--set', key, `one of the estimated designs (${options.designs.join(', ')})`);
    }
  }
  for (const { name, design } of designs) resolveParams(design, paramsOf(name, design, options));
}

/** `--set name=value` applies to every design that has the parameter, `design:name=value` to one. */
export function paramsOf(name: string, design: Design, options: Pick<EstimateOptions, 'params'>): Record<string, string> {
  const shared = Object.entries(options.params?.['*'] ?? {}).filter(([key]) => key in design.params);
  return { ...Object.fromEntries(shared), ...(options.params?.[design.name] ?? {}), ...(options.params?.[name] ?? {}) };
}

/** The two passes over one design's chunks: count the classes, then simulate a weighted sample. */
async function estimateOne(name: string, options: EstimateOptions, pool: ChunkPool, chunks: number, progress: () => void): Promise<DesignEstimate> {
  const design = await loadDesign(name);
  const params = paramsOf(name, design, options);
  const base = {
    design: name,
    params,
    reliability: options.reliability,
    seed: options.seed ?? 1,
    spanYears: options.years / chunks,
    ordersPerSecond: options.incidentOrdersPerSecond ?? 10,
    ...(options.workload ? { workload: options.workload } : {}),
    ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
  };
  const budget = options.simulations ?? DEFAULT_SIMULATIONS;
  const counted = await pool.runAll(Array.from({ length: chunks }, (_, chunk): ChunkJob => ({ ...base, pass: 'count', chunk, simulations: budget })), progress);
  const counts = new Map<number, number>();
  const names = new Map<number, string>();
  for (const c of counted.flatMap((r) => r.classes!)) {
    counts.set(c.key, (counts.get(c.key) ?? 0) + c.count);
    names.set(c.key, c.name);
  }
  const inclusion = inclusionProbabilities(counts, budget);
  // the kept incidents whose selection draw falls below their class's probability
  const sampled = counted.map((r) =>
    r.candidates!.flatMap(({ incident, ordinal, u }) => {
      const pi = inclusion.get(incident.key) ?? 1;
      return u < pi ? [{ incident, ordinal, pi }] : [];
    }),
  );
  for (const r of counted) delete r.candidates;
  // one job per sampled incident, the longest first (longest-processing-time order), so the
  // workers end together rather than one finishing a chunk with a 15-minute recovery alone;
  // each chunk's outcomes are put back in its own order, so the estimate does not change
  const spec = estimateSpecOf(design, resolveParams(design, params));
  const jobs = sampled.flatMap((list, chunk) => list.map((s, position) => ({ chunk, position, s, seconds: simulatedSeconds(s.incident, spec) })));
  jobs.sort((a, b) => b.seconds - a.seconds || a.chunk - b.chunk || a.position - b.position);
  const left = sampled.map((list) => list.length);
  left.forEach((n) => n === 0 && progress());
  const outcomes = await pool.runAll(
    jobs.map(({ chunk, s }): ChunkJob => ({ ...base, pass: 'simulate', chunk, sampled: [s] })),
    (index) => --left[jobs[index].chunk] === 0 && progress(),
  );
  const simulated = sampled.map((list) => new Array<SimulatedIncident>(list.length));
  jobs.forEach(({ chunk, position }, index) => (simulated[chunk][position] = outcomes[index].simulated![0]));
  if (options.onIncident) {
    sampled.forEach((list, chunk) =>
      list.forEach(({ incident, ordinal, pi }, position) =>
        options.onIncident!({ design: name, params, chunk, ordinal, pi, className: names.get(incident.key) ?? '', incident, outcome: simulated[chunk][position] }),
      ),
    );
  }
  const results = counted.map(({ classes: _classes, ...totals }, chunk): ChunkResult => ({ ...totals, simulated: simulated[chunk] }));
  return summarise(name, params, options, results, counts, names);
}

/** About how much an incident simulates, in seconds: its warm-up, each gap up to `settle`, and the last settle (what the jobs are ordered by). */
function simulatedSeconds(incident: Incident, spec: { warmup: Micros; settle: Micros }): number {
  const settle = spec.settle / SECOND;
  let seconds = spec.warmup / SECOND + settle;
  for (let c = 1; c < incident.offsets.length; c++) seconds += Math.min(incident.offsets[c] - incident.offsets[c - 1], settle);
  return seconds;
}

async function summarise(
  name: string,
  params: Record<string, string>,
  options: EstimateOptions,
  chunks: ChunkResult[],
  counts: Map<number, number>,
  names: Map<number, string>,
): Promise<DesignEstimate> {
  const confidence = options.confidence ?? 0.95;
  const design = await loadDesign(name);
  const resolved = resolveParams(design, params);
  const spec = estimateSpecOf(design, resolved);
  const plant = incidentPlant(design, resolved, options.reliability, spec, options.workload, options.incidentOrdersPerSecond ?? 10);
  const lossScale = (options.ordersPerSecond ?? 200) / (options.incidentOrdersPerSecond ?? 10);
  const totalYears = chunks.reduce((s, c) => s + c.seconds, 0) / (YEAR / SECOND);
  const all: SimulatedIncident[] = chunks.flatMap((c) => c.simulated!);
  const perChunk = (f: (i: SimulatedIncident) => number, base: (c: ChunkResult) => number = () => 0) =>
    chunks.map((c) => (base(c) + c.simulated!.reduce((s, i) => s + i.weight * f(i), 0)) / (c.seconds / (YEAR / SECOND)));
  const minutes = (xs: number[]) => xs.map((x) => x / 60);
  const ci = (xs: number[], floor = -Infinity) => {
    const b = batchMeans(xs, confidence);
    return { mean: b.mean, low: Math.max(floor, b.low), high: b.high };
  };

  const downtime = ci(minutes(perChunk((i) => i.downtimeSeconds - i.structuralDownSeconds, (c) => c.structuralDownSeconds)), 0);
  const unavailability = downtime.mean / MINUTES_PER_YEAR;
  // Fay-Feuer's w_M: the largest weight among the events seen; with none, the mean weight
  // (a loss hidden in an unsimulated incident would stand for that many, on average)
  const meanWeight = all.length ? chunks.reduce((s, c) => s + c.incidents, 0) / all.length : 1;
  const rare = (hit: (i: SimulatedIncident) => boolean): RareEventRate => {
    const events = all.filter(hit);
    const total = events.reduce((s, i) => s + i.weight, 0);
    const interval: Interval = weightedPoisson(events.map((i) => i.weight), events.length ? 0 : meanWeight, confidence);
    const p = (rate: number) => 1 - Math.exp(-rate / totalYears);
    return { perYear: p(total), low: p(interval.low), high: p(interval.high), events: events.length, fewEvents: events.length < FEW_EVENTS };
  };
  const outages = all.flatMap((i) => i.outageSeconds.map((s) => ({ ms: s * 1000, w: i.weight })));
  const lossRpo = all.filter((i) => i.lostAcked > 0);
  return {
    design: name,
    structure: formatStructure(spec.structure),
    structureOrigin: spec.origin,
    years: totalYears,
    availability: { mean: 1 - unavailability, low: 1 - downtime.high / MINUTES_PER_YEAR, high: 1 - downtime.low / MINUTES_PER_YEAR, confidence },
    nines: unavailability > 0 ? -Math.log10(unavailability) : Infinity,
    downtimeMinutesPerYear: downtime,
    outagesPerYear: ci(perChunk((i) => i.outageSeconds.length), 0),
    rto: {
      p50: weightedQuantile(outages.map((o) => o.ms), outages.map((o) => o.w), 0.5),
      p99: weightedQuantile(outages.map((o) => o.ms), outages.map((o) => o.w), 0.99),
      max: outages.reduce((m, o) => Math.max(m, o.ms), 0),
      outagesSimulated: outages.length,
    },
    lostAckedPerYear: ci(perChunk((i) => i.lostAcked * lossScale), 0),
    rpo: { p99Ms: weightedQuantile(lossRpo.map((i) => i.rpoMs), lossRpo.map((i) => i.weight), 0.99) || 0, maxMs: lossRpo.reduce((m, i) => Math.max(m, i.rpoMs), 0) },
    pDataLossPerYear: rare((i) => i.lostAcked > 0),
    pSplitBrainPerYear: rare((i) => i.splitBrainPairs > 0),
    canSplitBrain: plant.nodes.length > 1,
    falseFailoversPerYear: all.reduce((s, i) => s + i.weight * i.falseFailovers, 0) / totalYears,
    ideal: ideal(plant),
    structuralDowntimeMinutesPerYear: ci(minutes(perChunk(() => 0, (c) => c.structuralDownSeconds)), 0),
    protocolCostMinutesPerYear: ci(minutes(perChunk((i) => i.downtimeSeconds - i.structuralDownSeconds))),
    incidents: {
      total: chunks.reduce((s, c) => s + c.incidents, 0),
      perYear: chunks.reduce((s, c) => s + c.incidents, 0) / totalYears,
      simulated: all.length,
      unrecovered: all.filter((i) => i.unrecovered).length,
      downThroughFastForward: all.filter((i) => i.downThroughFastForward).length,
      stillLosing: all.filter((i) => i.stillLosing).length,
      modelErrors: all.filter((i) => i.modelError !== undefined).length,
      events: all.reduce((s, i) => s + i.events, 0),
    },
    ...(spec.staysDown ? { staysDown: spec.staysDown } : {}),
    ...(spec.losesAcked ? { losesAcked: spec.losesAcked } : {}),
    classes: breakdown(all, counts, names, totalYears, lossScale),
    absentComponents: plant.notApplicable,
    coverage: coverage(all, counts, names, options.simulations ?? DEFAULT_SIMULATIONS),
  };
}

function coverage(all: SimulatedIncident[], counts: Map<number, number>, names: Map<number, string>, budget: number): Coverage {
  const simulatedKeys = new Set(all.map((i) => i.key));
  let total = 0;
  let unsimulated = 0;
  for (const [key, n] of counts) {
    total += n;
    if (!simulatedKeys.has(key)) unsimulated += n;
  }
  // the heaviest draw: the first of the largest, in the estimate's (chunk, draw) order
  let excess = 0;
  let heaviest: SimulatedIncident | undefined;
  const weighted = (i: SimulatedIncident) => i.weight * (i.downtimeSeconds - i.structuralDownSeconds);
  for (const i of all) {
    if (!(weighted(i) > 0)) continue;
    excess += weighted(i);
    if (!heaviest || weighted(i) > weighted(heaviest)) heaviest = i;
  }
  return {
    classes: counts.size,
    budget,
    classesSimulated: simulatedKeys.size,
    unsimulatedIncidentShare: total ? unsimulated / total : 0,
    heaviest: heaviest ? { className: names.get(heaviest.key) ?? String(heaviest.key), weight: heaviest.weight, share: weighted(heaviest) / excess } : null,
  };
}

function ideal(plant: Plant): DesignEstimate['ideal'] {
  try {
    const result = idealAvailability(plant);
    return result.exact ? result : { ...result, note: 'approximate: the CTMC takes the non-exponential times as exponential with the same means' };
  } catch (error) {
    if (error instanceof IdealTooLarge) return { availability: null, note: error.message };
    throw error;
  }
}

/** Classes listed besides those that stay down or lose orders: the costliest in downtime. */
const COSTLIEST_CLASSES = 20;

/**
 * The classes that cost the most protocol downtime, worst first, and after them every other
 * class with an incident still down through a fast-forward or a lost acked order: an architect
 * must see which failure sequences the design does not recover from or loses data in.
 */
function breakdown(all: SimulatedIncident[], counts: Map<number, number>, names: Map<number, string>, years: number, lossScale: number): ClassBreakdown[] {
  const byClass = new Map<number, { simulated: number; excess: number; flagged: number; lost: number; losses: number }>();
  for (const i of all) {
    const c = byClass.get(i.key) ?? { simulated: 0, excess: 0, flagged: 0, lost: 0, losses: 0 };
    c.simulated++;
    c.excess += i.weight * (i.downtimeSeconds - i.structuralDownSeconds);
    if (i.downThroughFastForward) c.flagged++;
    if (i.lostAcked > 0) c.losses++;
    c.lost += i.weight * i.lostAcked * lossScale;
    byClass.set(i.key, c);
  }
  const sorted = [...counts.entries()]
    .map(([key, count]): ClassBreakdown => {
      const c = byClass.get(key);
      return {
        name: names.get(key) ?? String(key),
        incidentsPerYear: count / years,
        simulated: c?.simulated ?? 0,
        excessMinutesPerYear: (c?.excess ?? 0) / 60 / years,
        downThroughFastForward: c?.flagged ?? 0,
        lostAckedPerYear: (c?.lost ?? 0) / years,
        lossIncidents: c?.losses ?? 0,
      };
    })
    .sort((a, b) => b.excessMinutesPerYear - a.excessMinutesPerYear || b.incidentsPerYear - a.incidentsPerYear || (a.name < b.name ? -1 : 1));
  return sorted.filter((c, rank) => rank < COSTLIEST_CLASSES || c.downThroughFastForward > 0 || c.lossIncidents > 0);
}
