/**
 * `hasim run <design> [-s scenario] [--seed N] [--set name=value ...] [--json [FILE]] [--trace FILE]`:
 * one run, a short summary (violations first, then metrics) and a text timeline. Exit 1 when an
 * invariant failed.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDesign, loadScenario } from '../campaign/catalog.ts';
import { simulate } from '../campaign/simulate.ts';
import { runJson } from '../report/run-json.ts';
import { runText } from '../report/run-text.ts';
import { parseSetFlags } from '../world/params.ts';
import { collect, parseSeed } from './options.ts';

interface RunOptions {
  scenario?: string;
  seed: string;
  set: string[];
  json?: string | true;
  trace?: string;
  history?: boolean;
}

export function runCommand(cli: Command): void {
  cli
    .command('run')
    .description('run one design under a failure schedule and a seed')
    .argument('<design>', 'a bundled design name (hasim list) or a path to a design file')
    .option('-s, --scenario <scenario>', 'a bundled scenario name or a path to a schedule file (default: no faults)')
    .option('--seed <n>', 'the root seed', '1')
    .option('--set <name=value>', 'override a design parameter (repeatable)', collect, [])
    .option('--json [file]', 'write the JSON result to FILE, or to stdout instead of the text report')
    .option('--history', 'include the full history in the JSON')
    .option('--trace <file>', 'write the full event trace to FILE')
    .action(async (designName: string, opts: RunOptions) => {
      const seed = parseSeed(opts.seed);
      const overrides = parseSetFlags(opts.set);
      const design = await loadDesign(designName);
      const schedule = opts.scenario ? loadScenario(opts.scenario) : undefined;
      const result = simulate({ design, seed, schedule, params: overrides, recordTrace: opts.trace !== undefined });
      const argv = ['hasim', ...process.argv.slice(2)];
      if (opts.trace) writeFileSync(opts.trace, (result.trace ?? []).join('\n') + '\n');
      const replay = ['hasim run', designName, opts.scenario ? `-s ${opts.scenario}` : '', `--seed ${seed}`, ...opts.set.map((s) => `--set ${s}`)]
        .filter(Boolean)
        .join(' ');
      const json = JSON.stringify(runJson(result, design, argv, opts.history ?? false), null, 2) + '\n';
      if (opts.json === true) process.stdout.write(json);
      else {
        if (typeof opts.json === 'string') writeFileSync(opts.json, json);
        process.stdout.write(runText(result, { replayCommand: replay }));
      }
      process.exitCode = result.violations.length ? 1 : 0;
    });
}
