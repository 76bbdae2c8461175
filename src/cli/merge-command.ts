/**
 * `hasim merge <result.json...>`: combines the JSON results of a campaign's shards
 * (`hasim check --shard i/n --json ...`) into exactly what one whole run gives, prints the
 * same report as `hasim check`, writes the failing schedules and optional JSON and JUnit.
 * Exit 1 when an invariant failed, as `hasim check` would have.
 */
import type { Command } from 'commander';
import { mergeCampaignFiles } from '../report/campaign-merge.ts';
import { readCampaignFile } from '../report/campaign-json.ts';
import { campaignText } from '../report/campaign-text.ts';
import { checkHtml } from '../report/html/check-page.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import { writeFailureSchedules, writeOutputs } from './campaign-output.ts';
import { out, exitWith, commandLine } from './io.ts';

export function mergeCommand(cli: Command): void {
  cli
    .command('merge')
    .description('combine the JSON results of shards (check --shard i/n) into one')
    .argument('<files...>', 'JSON result files, one per shard')
    .option('--json [file]', 'write the merged JSON to FILE (or to stdout instead of the report)')
    .option('--junit <file>', 'write JUnit XML to FILE')
    .option('--html <file>', 'write a self-contained HTML report of the merged campaign to FILE')
    .option('--failures-dir <dir>', 'where failing schedules are written (default: where the shards wrote them)')
    .action((paths: string[], flags: { json?: string | true; junit?: string; html?: string; failuresDir?: string }) => {
      checkOutputs({ json: flags.json, junit: flags.junit, html: flags.html, failuresDir: flags.failuresDir }, ['failuresDir']);
      const files = paths.map((path) => ({ path, file: readCampaignFile(path) }));
      const merged = mergeCampaignFiles(files, { command: commandLine(), failuresDir: flags.failuresDir });
      writeFailureSchedules(merged);
      if (flags.html) writeOutput(flags.html, checkHtml(merged));
      if (!writeOutputs(merged, flags)) out(campaignText(merged));
      exitWith(merged.designs.some((d) => d.failedRuns > 0) ? 1 : 0);
    });
}
