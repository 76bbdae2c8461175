/**
 * `hasim check <design...>`: N runs per design (seeds S..S+N-1) under a random profile or
 * fixed schedules, in a worker pool; a table of failed runs by invariant, metric quantiles
 * across runs and coverage; each kept failure shrunk, written as a schedule file, and printed
 * with its `hasim replay` command. Exit 1 when an invariant failed, 130 after Ctrl-C (the
 * partial results are written and `--resume` continues them).
 */
import { InputError } from '../sim/input-error.ts';
import { DEFAULT_RUN_TIMEOUT_S } from './run-in-worker.ts';
import { limitLoadTime } from './user-code.ts';
import type { Command } from 'commander';
import { check } from '../campaign/check.ts';
import type { CampaignResult } from '../campaign/campaign.ts';
import { campaignJson, DEFAULT_FAILURES_DIR } from '../report/campaign-json.ts';
import { CampaignSave, resumeFrom } from './campaign-save.ts';
import { campaignText } from '../report/campaign-text.ts';
import { checkHtml } from '../report/html/check-page.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import { parseSetFlags } from '../world/params.ts';
import { EXIT_ON_SIGNAL, interruptSignal, parseCount, parseList, ProgressBar, writeFailureSchedules, writeOutputs } from './campaign-output.ts';
import { collect, parseSeed } from './options.ts';
import { optionalWorkload, parseMaxEvents, workloadOptions, type WorkloadFlags } from './workload-flags.ts';
import { out, exitWith, commandLine } from './io.ts';

interface CheckFlags extends WorkloadFlags {
  runs: string;
  profile?: string;
  scenario?: string[];
  seed: string;
  workers?: string;
  shard?: string;
  json?: string | true;
  junit?: string;
  failFast?: boolean;
  maxFailures: string;
  checkDeterminism?: boolean;
  set: string[];
  invariants?: string;
  invariantModule: string[];
  resume?: string;
  shrinkRuns: string;
  runTimeout?: string;
  failuresDir: string;
  html?: string;
}

/** `--run-timeout` in ms; it needs worker threads (a run in this thread cannot be stopped). */
function runTimeoutMs(flags: CheckFlags): number {
  if (flags.runTimeout === undefined) return DEFAULT_RUN_TIMEOUT_S * 1000;
  const seconds = parseCount(flags.runTimeout, '--run-timeout', 1);
  if (flags.workers !== undefined && parseCount(flags.workers, '--workers') === 0) {
    throw new InputError('--run-timeout', '', 'worker threads (--workers 0 runs in this thread, where a run cannot be stopped)');
  }
  return seconds * 1000;
}

export function checkCommand(cli: Command): void {
  workloadOptions(cli
    .command('check')
    .description('run many randomized runs of designs and check every invariant')
    .argument('<design...>', 'bundled design names (hasim list) or paths to design files')
    .option('--runs <n>', 'seeds per design (and per schedule)', '100')
    .option('--profile <profile>', 'random fault profile: a bundled name or a path (default random-default)')
    .option('-s, --scenario <schedules...>', 'fixed schedules instead of a profile: every seed runs under each')
    .option('--seed <n>', 'the first seed: runs use seed .. seed+runs-1', '1')
    .option('--workers <n>', 'worker threads (default: every core; 0: in this thread)')
    .option('--shard <i/n>', 'run only slice i of n (1-based): the runs whose index mod n is i-1')
    .option('--json [file]', 'write the JSON result to FILE (or to stdout instead of the report)')
    .option('--junit <file>', 'write JUnit XML to FILE')
    .option('--html <file>', 'write a self-contained HTML report (failures, distributions, coverage) to FILE')
    .option('--fail-fast', 'stop after the first failed run')
    .option('--max-failures <k>', 'failures kept in full, shrunk and written out', '20')
    .option('--check-determinism', 'run every seed twice and fail it if the trace hashes differ')
    .option('--set <name=value>', 'override a design parameter (repeatable)', collect, [])
    .option('--invariants <list>', 'check only these invariants (comma-separated)')
    .option('--invariant-module <file>', 'also check the invariants this file exports (repeatable)', collect, [])
    .option('--resume <file>', 'continue an interrupted campaign from its JSON result file')
    .option('--shrink-runs <n>', 'simulations allowed to shrink each failure (0: no shrinking)', '200')
    .option('--run-timeout <seconds>', `stop a run that takes longer than this wall time; it fails as worker-died (default ${DEFAULT_RUN_TIMEOUT_S}; needs worker threads)`)
    .option('--failures-dir <dir>', 'where failing schedules are written', DEFAULT_FAILURES_DIR), { session: true })
    .action(async (designs: string[], flags: CheckFlags) => {
      checkOutputs({ json: flags.json, junit: flags.junit, html: flags.html, failuresDir: flags.failuresDir }, ['failuresDir']);
      const runTimeout = runTimeoutMs(flags);
      limitLoadTime(runTimeout / 1000);
      const resume = resumeFrom(flags.resume, 'check');
      const command = commandLine();
      const toFile = (result: CampaignResult) => campaignJson(result, { kind: 'check', command, failuresDir: flags.failuresDir });
      // the result file is saved as runs complete: a killed process loses only the runs in flight
      const save = new CampaignSave('check', flags.json, toFile);
      const progress = new ProgressBar();
      const interrupt = interruptSignal();
      let result;
      try {
        result = await check({
          designs,
          runs: parseCount(flags.runs, '--runs', 1),
          seed: parseSeed(flags.seed),
          profile: flags.profile,
          schedules: flags.scenario,
          params: parseSetFlags(flags.set),
          invariants: parseList(flags.invariants),
          invariantModules: flags.invariantModule,
          workers: flags.workers === undefined ? undefined : parseCount(flags.workers, '--workers'),
          shard: flags.shard,
          failFast: flags.failFast,
          maxFailures: parseCount(flags.maxFailures, '--max-failures'),
          checkDeterminism: flags.checkDeterminism,
          shrinkRuns: parseCount(flags.shrinkRuns, '--shrink-runs'),
          maxEvents: parseMaxEvents(flags),
          workload: optionalWorkload(flags),
          runTimeoutMs: runTimeout,
          resume,
          signal: interrupt.signal,
          onProgress: progress.update,
          onCheckpoint: save.onCheckpoint,
        });
      } finally {
        progress.done();
        interrupt.dispose();
      }
      const file = toFile(result);
      writeFailureSchedules(file);
      const toStdout = writeOutputs(file, { json: flags.json === true ? true : undefined, junit: flags.junit });
      if (flags.html) writeOutput(flags.html, checkHtml(file));
      if (!toStdout) out(campaignText(file));
      save.finish(result, file);
      if (result.interrupted) exitWith(interrupt.exitCode() ?? EXIT_ON_SIGNAL.SIGINT);
      else exitWith(file.designs.some((d) => d.failedRuns > 0) ? 1 : 0);
    });
}
