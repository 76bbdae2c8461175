/**
 * `hasim compare [design...]`: every design under the same seeds and schedules, one table
 * (availability, RTO p50/p99, lost acked orders, split-brain runs, duplicate orders, false
 * failovers, ack latency p99) as a box, CSV, Markdown or JSON. Without designs: every bundled
 * design; without -s or --profile: a fixed set of bundled scenarios x 3 seeds. A comparison
 * is not a verdict: failed invariants show in the table and the exit code stays 0 (130/143
 * after SIGINT/SIGTERM, the partial result saved for `--resume`: campaign-save.ts).
 */
import type { Command } from 'commander';
import { compare } from '../campaign/compare.ts';
import { campaignJson } from '../report/campaign-json.ts';
import { campaignCaption, compareTable, terminalTable } from '../report/compare-table.ts';
import { compareHtml } from '../report/html/compare-page.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import { parseFormat, renderTable } from '../report/table.ts';
import { InputError } from '../sim/input-error.ts';
import { interruptSignal, parseCount, parseList, ProgressBar, writeJson } from './campaign-output.ts';
import { CampaignSave, resumeFrom } from './campaign-save.ts';
import type { CampaignResult } from '../campaign/campaign.ts';
import type { ResumeState } from '../campaign/check.ts';
import { collect, parseSeed } from './options.ts';
import { optionalWorkload, parseMaxEvents, workloadOptions, type WorkloadFlags } from './workload-flags.ts';
import { out, exitWith, commandLine } from './io.ts';

export interface TableFlags extends WorkloadFlags {
  scenario?: string[];
  profile?: string;
  runs?: string;
  seed: string;
  format: string;
  set: string[];
  workers?: string;
  json?: string | true;
  invariants?: string;
  html?: string;
  resume?: string;
}

/** The flags compare and sweep share. */
export function tableOptions(command: Command): Command {
  return workloadOptions(command
    .option('-s, --scenario <schedules...>', 'schedules (bundled names or paths); default: a fixed set of bundled scenarios')
    .option('--profile <profile>', 'a random fault profile instead of fixed schedules')
    .option('--runs <n>', 'seeds per schedule (default 3), or runs under a profile (default 20)')
    .option('--seed <n>', 'the first seed', '1')
    .option('--format <format>', 'table, json, csv or md', 'table')
    .option('--workers <n>', 'worker threads (default: every core; 0: in this thread)')
    .option('--json [file]', 'write the JSON result to FILE, or to stdout instead of the table')
    .option('--html <file>', 'write a self-contained HTML report (charts of the table) to FILE')
    .option('--invariants <list>', 'check only these invariants (comma-separated)')
    .option('--resume <file>', 'continue an interrupted run from its JSON result file (--json FILE, else hasim-<command>-partial.json)'), { session: true });
}

/** The campaign inputs both commands read from their flags (and how they stop, save and resume). */
export function campaignFlags(flags: TableFlags, signal: AbortSignal, onProgress: ProgressBar['update'], save: CampaignSave, resume: ResumeState | undefined) {
  return {
    schedules: flags.scenario,
    profile: flags.profile,
    runs: flags.runs === undefined ? undefined : parseCount(flags.runs, '--runs', 1),
    seed: parseSeed(flags.seed),
    workers: flags.workers === undefined ? undefined : parseCount(flags.workers, '--workers'),
    invariants: parseList(flags.invariants),
    maxEvents: parseMaxEvents(flags),
    workload: optionalWorkload(flags),
    signal,
    onProgress,
    onCheckpoint: save.onCheckpoint,
    resume,
  };
}

/** `--set design:name=value` (one design) or `--set name=value` (every design that has it). */
export function parseDesignSets(pairs: readonly string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError('--set', pair, 'design:name=value or name=value');
    const key = pair.slice(0, eq).trim();
    const colon = key.indexOf(':');
    const [design, name] = colon < 0 ? ['*', key] : [key.slice(0, colon), key.slice(colon + 1)];
    if (!design || !name) throw new InputError('--set', pair, 'design:name=value or name=value');
    const sets = (out[design] ??= {});
    if (name in sets) throw new InputError('--set', key, 'each parameter set once', `${key}=${sets[name]} and ${pair}`);
    sets[name] = pair.slice(eq + 1);
  }
  return out;
}

export function compareCommand(cli: Command): void {
  tableOptions(
    cli
      .command('compare')
      .description('run several designs under the same seeds and schedules, and tabulate them')
      .argument('[design...]', 'designs to compare (default: every bundled design)'),
  )
    .option('--set <design:name=value>', 'override a parameter of one design, or of every design that has it (repeatable)', collect, [])
    .action(async (designs: string[], flags: TableFlags) => {
      const format = parseFormat(flags.format);
      checkOutputs({ json: flags.json, html: flags.html });
      const resume = resumeFrom(flags.resume, 'compare');
      const command = commandLine();
      const toFile = (r: CampaignResult) => campaignJson(r, { kind: 'compare', command });
      const save = new CampaignSave('compare', flags.json, toFile);
      const progress = new ProgressBar();
      const interrupt = interruptSignal();
      let result;
      try {
        result = await compare({ designs, params: parseDesignSets(flags.set), ...campaignFlags(flags, interrupt.signal, progress.update, save, resume) });
      } finally {
        progress.done();
        interrupt.dispose();
      }
      const file = toFile(result);
      if (flags.html) writeOutput(flags.html, compareHtml(file));
      if (format === 'json' || flags.json === true) writeJson(true, file);
      else {
        out(format === 'table' ? terminalTable(compareTable(file)) : renderTable(compareTable(file, format === 'csv' ? 'raw' : 'text'), format));
        if (format === 'table') out(campaignCaption(file) + '\n');
      }
      save.finish(result, file);
      exitWith(result.interrupted ? (interrupt.exitCode() ?? 130) : 0);
    });
}
