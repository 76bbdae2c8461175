/**
 * What `hasim run` and `hasim replay` share: turning their flags into one simulation (the
 * design, a schedule file or a profile run drawn from the seed, `--set` overrides), writing the
 * trace, the JSON and the HTML report, printing the text report, and the one-line command that replays the run.
 */
import { existsSync } from 'node:fs';
import { staticDesignView } from '../faults/design-view.ts';
import { validateTargets } from '../faults/schedule.ts';
import { checkedTopology } from '../world/topology-check.ts';
import { parseSetFlags, resolveParams } from '../world/params.ts';
import { parseCount } from './campaign-output.ts';
import { cliArgv } from './io.ts';
import { DEFAULT_RUN_TIMEOUT_S, inRunWorker, runInWorker } from './run-in-worker.ts';
import { limitLoadTime } from './user-code.ts';
import type { Command } from 'commander';
import { isDesignPath, loadDesign, loadScenario, profilePath } from '../campaign/catalog.ts';
import { workerEntry } from '../campaign/worker-bundle.ts';
import { QUIET_SCHEDULE, simulate, type RunResult } from '../campaign/simulate.ts';
import { drawRun, loadProfile } from '../faults/random-profile.ts';
import { runText } from '../report/run-text.ts';
import { runHtml } from '../report/html/run-page.ts';
import { parseHtmlWindow } from '../report/html/write.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import type { Schedule } from '../faults/schedule.ts';
import { InputError } from '../sim/input-error.ts';
import { checkServesReads, type Design } from '../world/design.ts';
import { collect, parseSeed } from './options.ts';
import { parseMaxEvents, parseWorkloadFlags, workloadOptions, type WorkloadFlags } from './workload-flags.ts';
import { workloadArgs } from '../report/workload-args.ts';
import { replayCommand as replayCommandOf } from '../report/replay-command.ts';
import { loadInvariantModules } from '../campaign/invariant-modules.ts';
import { composeInvariants, type Invariant } from '../check/index.ts';
import type { Workload } from '../world/client.ts';
import { out } from './io.ts';
import { holdHeapNearLive } from './heap-growth.ts';

export interface OneRunFlags extends WorkloadFlags {
  scenario?: string;
  profile?: string;
  seed: string;
  set: string[];
  json?: string | true;
  trace?: string;
  history?: boolean;
  html?: string;
  htmlWindow?: string[];
  runTimeout?: string;
  invariantModule?: string[];
}

export interface OneRun {
  design: Design;
  result: RunResult;
  /** `hasim replay ...` reproducing this run, with its trace hash to check. */
  replayCommand: string;
}

/** Declares the flags both commands take. */
export function oneRunOptions(command: Command): Command {
  return workloadOptions(command
    .argument('<design>', 'a bundled design name (hasim list) or a path to a design file')
    .option('-s, --scenario <scenario>', 'a bundled scenario name or a path to a schedule file (default: no faults)')
    .option('--profile <profile>', 'draw the schedule and parameters of this seed from a random profile (random-default, or a path)')
    .option('--seed <n>', 'the root seed', '1')
    .option('--set <name=value>', 'override a design parameter (repeatable)', collect, []), { session: true })
    .option('--invariant-module <file>', 'also check the invariants this file exports (repeatable), as check does', collect, [])
    .option('--json [file]', 'write the JSON result to FILE, or to stdout instead of the text report')
    .option('--history', 'include the full history in the JSON')
    .option('--trace <file>', 'write the full event trace to FILE')
    .option('--html <file>', 'write a self-contained HTML report (timeline, charts, message diagram) to FILE')
    .option('--html-window <from..to>', 'a window of the HTML message diagram, e.g. 30s..32s (repeatable; the first is shown first)', collect, [])
    .option('--run-timeout <seconds>', `stop the run after this much wall time (a design looping forever); exit 1`, String(DEFAULT_RUN_TIMEOUT_S));
}

interface Prepared {
  design: Design;
  seed: number;
  schedule?: Schedule;
  params: Record<string, string>;
  htmlWindows: { startUs: number; endUs: number }[];
  /** The workload flags' override (world/client.ts), session included. */
  workload: Partial<Workload>;
  maxEvents?: number;
  extraInvariants: Invariant[];
}

/**
 * Checks every flag and input of a run without simulating: output paths, seed, `--set`, the
 * schedule or profile, the design (loaded and validated), the profile draw and its targets,
 * the invariant modules. A user's files are tried first where they can be stopped (the CLI's
 * user-code guard, `user-code.ts`), within `--run-timeout` when that is shorter.
 */
async function prepareOneRun(designName: string, flags: OneRunFlags): Promise<Prepared> {
  if (flags.scenario && flags.profile) throw new InputError('--profile', '', 'either -s/--scenario or --profile, not both');
  checkOutputs({ json: flags.json, trace: flags.trace, html: flags.html });
  limitLoadTime(runTimeoutS(flags));
  const seed = parseSeed(flags.seed);
  const workload = parseWorkloadFlags(flags);
  const maxEvents = parseMaxEvents(flags);
  const overrides = parseSetFlags(flags.set);
  const htmlWindows = (flags.htmlWindow ?? []).map(parseHtmlWindow);
  const scheduleFile = flags.scenario ? loadScenario(flags.scenario) : undefined;
  const profile = flags.profile ? loadProfile(profilePath(flags.profile)) : undefined;
  for (const file of flags.invariantModule ?? []) if (!existsSync(file)) throw new InputError(file, '', 'an existing invariant module file (--invariant-module)');
  const design = await loadDesign(designName);
  checkServesReads(design, workload, '--reads');
  const extraInvariants = await loadInvariantModules(flags.invariantModule);
  let schedule = scheduleFile;
  let params: Record<string, string> = overrides;
  if (profile) {
    const drawn = drawRun(profile, design, seed);
    schedule = drawn.schedule;
    params = { ...drawn.params, ...overrides };
  }
  const resolved = resolveParams(design, params);
  checkedTopology(design, resolved, designName);
  if (schedule) validateTargets(schedule, staticDesignView(design, resolved));
  composeInvariants([...(design.invariants ?? []), ...extraInvariants]);
  return { design, seed, schedule, params, htmlWindows, workload, maxEvents, extraInvariants };
}

const runTimeoutS = (flags: OneRunFlags) => parseCount(flags.runTimeout ?? String(DEFAULT_RUN_TIMEOUT_S), '--run-timeout', 1);

/**
 * Outside the run worker: checks the flags and inputs here, then runs the same command line
 * in a worker thread with its wall-clock budget, and returns true. Inside it: returns false
 * (the caller simulates).
 */
export async function dispatchToWorker(designName: string, flags: OneRunFlags): Promise<boolean> {
  if (inRunWorker()) return false;
  await prepareOneRun(designName, flags);
  // before the worker starts: V8's flags are the process's (heap-growth.ts)
  holdHeapNearLive();
  // a user's design or invariant module needs the tsx boot (campaign/worker-bundle.ts)
  const entry = await workerEntry('run', { userCode: isDesignPath(designName) || (flags.invariantModule?.length ?? 0) > 0 });
  await runInWorker(cliArgv(), runTimeoutS(flags), designName, entry);
  return true;
}

/** Runs the simulation the flags describe (in this thread). */
export async function executeOneRun(designName: string, flags: OneRunFlags): Promise<OneRun> {
  const { design, seed, schedule, params, htmlWindows, workload, maxEvents, extraInvariants } = await prepareOneRun(designName, flags);
  holdHeapNearLive();
  const result = simulate({ design, seed, schedule, params, workload, maxEvents, extraInvariants, recordTrace: flags.trace !== undefined, recordMessages: flags.html !== undefined,
    // the HTML report draws every order, and --history writes every event
    foldTraffic: !flags.html && !flags.history });
  if (flags.trace) writeOutput(flags.trace, (result.trace ?? []).join('\n') + '\n');
  const replayCommand = replayCommandOf({
    design: designName,
    seed,
    scenario: flags.scenario,
    profile: flags.profile,
    sets: flags.set,
    invariantModules: flags.invariantModule,
    runArgs: workloadArgs(workload, maxEvents),
    expectHash: result.traceHash,
  });
  if (flags.html) writeOutput(flags.html, runHtml(result, { schedule: schedule ?? QUIET_SCHEDULE, paramSpecs: design.params, replayCommand, messageWindows: htmlWindows }));
  return { design, result, replayCommand };
}

/** Writes the JSON (to a file, or to stdout instead of the text) and the text report. */
export function reportOneRun(run: OneRun, json: string | true | undefined, body: object, footer: string[] = []): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  if (json === true) {
    out(text);
    return;
  }
  if (typeof json === 'string') writeOutput(json, text);
  out(runText(run.result, { replayCommand: run.replayCommand }) + footer.map((l) => l + '\n').join(''));
}
