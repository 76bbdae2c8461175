/**
 * `hasim list`: the bundled designs and scenarios with one line each; `--params <design>`
 * lists a design's parameters with their defaults, units and sources.
 */
import type { Command } from 'commander';
import { designNames, loadDesign, loadScenario, scenarioNames } from '../campaign/catalog.ts';
import { describeParam } from '../world/params.ts';
import { out } from './io.ts';

export function listCommand(cli: Command): void {
  cli
    .command('list')
    .description('list the bundled designs and scenarios, or a design\'s parameters')
    .option('--params <design>', 'list the parameters of a design (name or path)')
    .action(async (opts: { params?: string }) => {
      if (opts.params) {
        const design = await loadDesign(opts.params);
        const lines = [`${design.name}: ${design.description}`, ''];
        for (const [name, spec] of Object.entries(design.params)) {
          lines.push(`  ${name} = ${String(spec.default)}  (${describeParam(spec)})`);
          lines.push(`      ${spec.doc}`);
          lines.push(`      source: ${spec.source}`);
        }
        if (Object.keys(design.params).length === 0) lines.push('  (no parameters)');
        out(lines.join('\n') + '\n');
        return;
      }
      const lines = ['DESIGNS'];
      for (const name of designNames()) {
        const design = await loadDesign(name);
        lines.push(`  ${name.padEnd(22)} ${design.description}`);
      }
      lines.push('', 'SCENARIOS');
      for (const name of scenarioNames()) {
        const s = loadScenario(name);
        lines.push(`  ${name.padEnd(22)} ${s.description}`);
      }
      out(lines.join('\n') + '\n');
    });
}
