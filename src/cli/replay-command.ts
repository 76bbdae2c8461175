/**
 * `hasim replay <design> --seed N [-s schedule | --profile P] [--set name=value ...]
 * [--expect-hash H] [--json [FILE]] [--trace FILE]`: reproduces one run exactly and prints
 * its trace hash, the determinism fingerprint. A failing campaign run is replayed from its
 * shrunk schedule file (`-s`), or redrawn from its profile and seed (`--profile`).
 *
 * Exit codes: with `--expect-hash`, 0 when the run reproduced (same hash, whatever it
 * violates) and 1 when the hash differs; without it, as `hasim run` (1 when an invariant
 * failed).
 */
import type { Command } from 'commander';
import { runJson } from '../report/run-json.ts';
import { InputError } from '../sim/input-error.ts';
import { dispatchToWorker, executeOneRun, oneRunOptions, reportOneRun, type OneRunFlags } from './one-run.ts';
import { err, exitWith, commandLine } from './io.ts';

interface ReplayFlags extends OneRunFlags {
  expectHash?: string;
}

export function replayCommand(cli: Command): void {
  oneRunOptions(cli.command('replay').description('reproduce one run exactly from its seed (and schedule file or profile) and print its trace hash'))
    .option('--expect-hash <hash>', 'exit 1 unless the run has this trace hash')
    .action(async (designName: string, flags: ReplayFlags) => {
      const expected = flags.expectHash?.trim().toLowerCase();
      if (expected !== undefined && !/^[0-9a-f]+$/.test(expected)) throw new InputError('--expect-hash', '', 'a trace hash (hex digits) as printed by hasim', JSON.stringify(flags.expectHash));
      if (await dispatchToWorker(designName, flags)) return;
      const run = await executeOneRun(designName, flags);
      const hash = run.result.traceHash;
      const matches = expected === undefined ? undefined : hash === expected;
      const argv = commandLine();
      const body = { ...runJson(run.result, run.design, argv, flags.history ?? false), ...(expected === undefined ? {} : { expectedHash: expected, reproduced: matches }) };
      const verdict =
        matches === undefined ? `trace hash ${hash}` : matches ? `trace hash ${hash}: reproduced` : `trace hash ${hash} differs from the expected ${expected}: NOT reproduced`;
      reportOneRun(run, flags.json, body, [verdict]);
      if (flags.json === true && matches !== undefined) err(verdict + '\n');
      exitWith(matches === undefined ? (run.result.violations.length ? 1 : 0) : matches ? 0 : 1);
    });
}
