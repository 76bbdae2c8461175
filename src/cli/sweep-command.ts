/**
 * `hasim sweep <design> --param name=v1,v2,...` (or `name=1s..5s:1s`): one design across
 * values of a parameter, or of a workload setting (`rate=100,1000,10000`), under the same seeds and schedules; the trade-off table (RTO p50/p99
 * against false failovers, availability, split brain, lost acks) as a box, CSV, Markdown or
 * JSON. Exit 0 (a sweep measures; `hasim check` judges), 130/143 after SIGINT/SIGTERM, the
 * partial result saved for `--resume` (campaign-save.ts).
 */
import type { Command } from 'commander';
import { parseSweepValues, sweep } from '../campaign/compare.ts';
import { campaignJson } from '../report/campaign-json.ts';
import { campaignCaption, sweepTable, terminalTable } from '../report/compare-table.ts';
import { sweepHtml } from '../report/html/compare-page.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import { parseFormat, renderTable } from '../report/table.ts';
import { InputError } from '../sim/input-error.ts';
import { parseSetFlags } from '../world/params.ts';
import { interruptSignal, ProgressBar, writeJson } from './campaign-output.ts';
import { CampaignSave, resumeFrom } from './campaign-save.ts';
import type { CampaignResult } from '../campaign/campaign.ts';
import { campaignFlags, tableOptions, type TableFlags } from './compare-command.ts';
import { collect } from './options.ts';
import { out, exitWith, commandLine } from './io.ts';

export function sweepCommand(cli: Command): void {
  tableOptions(
    cli
      .command('sweep')
      .description('run one design across values of a parameter: the trade-off table')
      .argument('<design>', 'a bundled design name or a path'),
  )
    .requiredOption('--param <name=values>', 'the parameter and its values: name=v1,v2,... or name=start..end:step (e.g. advertInt=500ms..3s:500ms); a workload setting by its flag\'s name too (rate=100,1000,10000; clients, timeout, attempts, retry, arrivals, reads)')
    .option('--set <name=value>', 'fix another parameter for every value (repeatable)', collect, [])
    .action(async (design: string, flags: TableFlags & { param: string }) => {
      const format = parseFormat(flags.format);
      checkOutputs({ json: flags.json, html: flags.html });
      const eq = flags.param.indexOf('=');
      if (eq <= 0) throw new InputError('--param', '', 'name=v1,v2,... or name=start..end:step', JSON.stringify(flags.param));
      const param = flags.param.slice(0, eq).trim();
      const values = parseSweepValues(flags.param.slice(eq + 1));
      const resume = resumeFrom(flags.resume, 'sweep');
      const command = commandLine();
      const toFile = (r: CampaignResult) => campaignJson(r, { kind: 'sweep', command });
      const save = new CampaignSave('sweep', flags.json, toFile);
      const progress = new ProgressBar();
      const interrupt = interruptSignal();
      let result;
      try {
        result = await sweep({ design, param, values, params: parseSetFlags(flags.set), ...campaignFlags(flags, interrupt.signal, progress.update, save, resume) });
      } finally {
        progress.done();
        interrupt.dispose();
      }
      const file = toFile(result);
      if (flags.html) writeOutput(flags.html, sweepHtml(file, param));
      if (format === 'json' || flags.json === true) writeJson(true, file);
      else {
        out(format === 'table' ? terminalTable(sweepTable(file, param)) : renderTable(sweepTable(file, param, format === 'csv' ? 'raw' : 'text'), format));
        if (format === 'table') out(`${file.designs[0]?.design ?? design}: ${campaignCaption(file)}\n`);
      }
      save.finish(result, file);
      exitWith(result.interrupted ? (interrupt.exitCode() ?? 130) : 0);
    });
}
