/**
 * Executes campaign jobs in the current thread: loads (and caches) designs and random
 * profiles, draws a profile run's schedule and parameters from its seed, simulates, and
 * reduces the result to a RunSummary. Worker threads wrap it (`worker.ts`); `workers: 0`
 * campaigns call it directly. A design that throws or loops past its event budget comes back
 * from `simulate()` as a `model-error` violation; anything else it throws is caught here and
 * fails the run the same way, so one bad run never stops a campaign.
 */
import { staticDesignView } from '../faults/design-view.ts';
import { shrinkSchedule } from '../faults/shrink.ts';
import { drawRun, loadProfile, type RandomProfile } from '../faults/random-profile.ts';
import type { Schedule } from '../faults/schedule.ts';
import { InputError } from '../sim/input-error.ts';
import type { Design } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import { loadDesign } from './catalog.ts';
import type { Job, Reply, RunSpec, ShrinkJob, ShrinkResult, TraceJob } from './job.ts';
import { failedSummary, MODEL_ERROR, summarize } from './run-summary.ts';
import { simulate, type RunResult } from './simulate.ts';
import { designProbes } from './design-probes.ts';
import { loadInvariantModules } from './invariant-modules.ts';
import type { Invariant } from '../check/invariant.ts';

export interface Prepared {
  design: Design;
  schedule: Schedule;
  /** Parameters for simulate(): drawn ones overridden by `--set`. */
  params: Record<string, string>;
  drawnParams: Record<string, string>;
  swarm?: { enabledKinds: string[]; intensity: number };
}

export class Executor {
  private readonly designs = new Map<string, Design>();
  private readonly loading = new Map<string, Promise<Design>>();
  private readonly profiles = new Map<string, RandomProfile>();
  private readonly probeNames = new Map<string, string[]>();

  /** Makes a Design object available under `key` (in-process campaigns with inline designs). */
  register(key: string, design: Design): void {
    this.designs.set(key, design);
    this.probeNames.set(key, []); // no file to follow
  }

  async execute(job: Job): Promise<Reply> {
    try {
      switch (job.kind) {
        case 'run':
          return await this.run(job);
        case 'shrink':
          return { kind: 'shrink', result: await this.shrink(job) };
        case 'trace':
          return await this.trace(job);
      }
    } catch (error) {
      if (error instanceof InputError) return { kind: 'input-error', source: error.source, field: error.field, expected: error.expected, found: error.found };
      throw error;
    }
  }

  private async run(job: Extract<Job, { kind: 'run' }>): Promise<Reply> {
    const prepared = await this.prepare(job);
    let result: RunResult;
    try {
      result = this.simulate(job, prepared, await loadInvariantModules(job.invariantModules));
    } catch (error) {
      if (error instanceof InputError) throw error;
      const detail = `the run threw outside the design's handlers: ${error instanceof Error ? error.message : String(error)}`;
      return { kind: 'run', summary: failedSummary(job.index, job.seed, prepared.schedule.name, MODEL_ERROR, detail, prepared.schedule, prepared.drawnParams) };
    }
    return { kind: 'run', summary: summarize(result, job.index, { ...prepared, declaredProbes: this.probesOf(job.design) }) };
  }

  private async shrink(job: ShrinkJob): Promise<ShrinkResult | null> {
    const design = await this.design(job.design);
    const extraInvariants = await loadInvariantModules(job.invariantModules);
    const attempt = (schedule: Schedule): RunResult | undefined => {
      try {
        return simulate({ design, seed: job.seed, schedule, params: job.params, invariants: job.invariants, extraInvariants, maxEvents: job.maxEvents, workload: job.workload, foldTraffic: true });
      } catch {
        return undefined;
      }
    };
    const stillFails = (s: Schedule) => attempt(s)?.violations.some((v) => v.invariant === job.invariant) ?? false;
    if (!stillFails(job.schedule)) return null;
    const view = staticDesignView(design, resolveParams(design, job.params));
    const shrunk = shrinkSchedule(job.schedule, stillFails, { maxRuns: job.maxRuns, view, seed: job.seed });
    const replay = attempt(shrunk.schedule);
    const violation = replay?.violations.find((v) => v.invariant === job.invariant);
    if (!replay || !violation) return null;
    return { schedule: shrunk.schedule, runs: shrunk.runs + 2, steps: shrunk.steps, traceHash: replay.traceHash, detail: violation.detail };
  }

  private async trace(job: TraceJob): Promise<Reply> {
    const prepared = await this.prepare(job);
    const result = simulate({ design: prepared.design, seed: job.seed, schedule: prepared.schedule, params: prepared.params, invariants: job.invariants, extraInvariants: await loadInvariantModules(job.invariantModules), maxEvents: job.maxEvents, workload: job.workload, recordTrace: true, foldTraffic: true });
    const lines = result.trace ?? [];
    if (job.window) return { kind: 'trace', traceHash: result.traceHash, lines: lines.slice(job.window.from, job.window.to), lineCount: lines.length };
    return { kind: 'trace', traceHash: result.traceHash, lineHashes: lines.map(hashLine), lineCount: lines.length };
  }

  private simulate(spec: RunSpec, prepared: Prepared, extraInvariants: Invariant[]): RunResult {
    return simulate({
      design: prepared.design,
      seed: spec.seed,
      schedule: prepared.schedule,
      params: prepared.params,
      invariants: spec.invariants,
      extraInvariants,
      maxEvents: spec.maxEvents,
      workload: spec.workload,
      // a summary needs the metrics and the control events only
      foldTraffic: true,
    });
  }

  /** The design, schedule and parameters of a run: fixed, or drawn from the profile by seed. */
  async prepare(spec: RunSpec): Promise<Prepared> {
    const design = await this.design(spec.design);
    if (spec.schedule) return { design, schedule: spec.schedule, params: spec.params, drawnParams: {} };
    if (!spec.profile) throw new Error('a run job needs a schedule or a profile');
    const drawn = drawRun(this.profile(spec.profile), design, spec.seed);
    return { design, schedule: drawn.schedule, params: { ...drawn.params, ...spec.params }, drawnParams: drawn.params, swarm: drawn.swarm };
  }

  /** The probe names a design can emit (empty for an inline design: no file to follow). */
  private probesOf(key: string): string[] {
    let names = this.probeNames.get(key);
    if (!names) {
      try {
        names = designProbes(key, { world: false }).map((p) => p.name);
      } catch {
        names = [];
      }
      this.probeNames.set(key, names);
    }
    return names;
  }

  async design(key: string): Promise<Design> {
    const known = this.designs.get(key);
    if (known) return known;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = loadDesign(key);
      this.loading.set(key, pending);
    }
    const design = await pending;
    this.designs.set(key, design);
    return design;
  }

  private profile(path: string): RandomProfile {
    let profile = this.profiles.get(path);
    if (!profile) {
      profile = loadProfile(path);
      this.profiles.set(path, profile);
    }
    return profile;
  }
}

/** FNV-1a of a trace line: enough to find the first line where two traces part. */
export function hashLine(line: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
