/**
 * `hasim run <design> [-s scenario | --profile P] [--seed N] [--set name=value ...] [--json [FILE]] [--trace FILE]`:
 * one run, a short summary (violations first, then metrics) and a text timeline, ending with
 * the `hasim replay` command that reproduces it. Exit 1 when an invariant failed.
 */
import type { Command } from 'commander';
import { runJson } from '../report/run-json.ts';
import { dispatchToWorker, executeOneRun, oneRunOptions, reportOneRun, type OneRunFlags } from './one-run.ts';
import { exitWith, commandLine } from './io.ts';

export function runCommand(cli: Command): void {
  oneRunOptions(cli.command('run').description('run one design under a failure schedule and a seed')).action(async (designName: string, flags: OneRunFlags) => {
    if (await dispatchToWorker(designName, flags)) return;
    const run = await executeOneRun(designName, flags);
    const argv = commandLine();
    reportOneRun(run, flags.json, runJson(run.result, run.design, argv, flags.history ?? false));
    exitWith(run.result.violations.length ? 1 : 0);
  });
}
