/**
 * The messages between a campaign and whatever executes its runs (a worker thread, or the
 * campaign's own thread when `workers: 0`): jobs in, replies out. Everything here is plain
 * data that survives structured cloning; a design travels as its name or path and is loaded
 * where the job runs.
 *
 *   run     one seed under a fixed schedule or a random profile  -> a RunSummary
 *   shrink  minimise a failing run's schedule                     -> the shrunk schedule
 *   trace   rerun with the text trace, for a determinism failure   -> line hashes or lines
 */
import type { Schedule } from '../faults/schedule.ts';
import type { Workload } from '../world/client.ts';
import type { RunSummary } from './run-summary.ts';

/** What every job needs to reproduce a run. */
export interface RunSpec {
  /** A bundled design name or a path (or, in-process only, a key of a registered Design). */
  design: string;
  seed: number;
  /** A fixed schedule; exclusive with `profile`. */
  schedule?: Schedule;
  /** Path of a random profile: the run draws its schedule and parameters from its seed. */
  profile?: string;
  /** `--set` overrides (they win over drawn parameters). */
  params: Record<string, string>;
  invariants?: string[];
  /** Files of invariants to check besides the built-in ones and the design's own. */
  invariantModules?: string[];
  maxEvents?: number;
  workload?: Partial<Workload>;
}

export interface RunJob extends RunSpec {
  kind: 'run';
  /** The run's position in the campaign plan. */
  index: number;
}

export interface ShrinkJob extends RunSpec {
  kind: 'shrink';
  /** The schedule that failed (for profile runs: the drawn one); params include drawn ones. */
  schedule: Schedule;
  /** The invariant that must keep failing. */
  invariant: string;
  maxRuns: number;
}

export interface TraceJob extends RunSpec {
  kind: 'trace';
  /** Return the lines [from, to) of the trace; without it, one 32-bit hash per line. */
  window?: { from: number; to: number };
}

export type Job = RunJob | ShrinkJob | TraceJob;

export interface ShrinkResult {
  schedule: Schedule;
  /** Simulations the shrinker ran. */
  runs: number;
  /** Each accepted simplification, for people (`faults[0] partition: for 17s -> 5s`). */
  steps: string[];
  /** The trace hash of the shrunk run: `hasim replay` must reproduce it. */
  traceHash: string;
  /** The violation the shrunk run still shows. */
  detail: string;
}

export type Reply =
  | { kind: 'run'; summary: RunSummary }
  | { kind: 'shrink'; result: ShrinkResult | null }
  | { kind: 'trace'; traceHash: string; lineHashes?: number[]; lines?: string[]; lineCount: number }
  /** A mistake in the user's input (bad parameter, bad target): the campaign stops with exit 2. */
  | { kind: 'input-error'; source: string; field: string; expected: string; found?: string }
  /** The worker running the job died (process.exit, out of memory, uncaught error). */
  | { kind: 'died'; detail: string };
