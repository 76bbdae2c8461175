/**
 * `hasim list`: the bundled designs and scenarios with one line each; `--params <design>`
 * lists a design's parameters with their defaults, units and sources; `--probes [design]` the
 * probes (moments a trigger can fire on, counted for coverage), one line each.
 */
import type { Command } from 'commander';
import { designNames, loadDesign, loadScenario, profileNames, profilePath, publishedScenarioNames, reliabilityNames, reliabilityPath, scenarioNames } from '../campaign/catalog.ts';
import { loadProfile } from '../faults/random-profile.ts';
import { loadReliability } from '../estimate/reliability.ts';
import { designProbes } from '../campaign/design-probes.ts';
import { allProbes, type Probe } from '../world/probes.ts';
import { describeParam } from '../world/params.ts';
import { out } from './io.ts';

export function listCommand(cli: Command): void {
  cli
    .command('list')
    .description('list the bundled designs, scenarios, random profiles and reliability data, or a design\'s parameters')
    .option('--params <design>', 'list the parameters of a design (name or path)')
    .option('--probes [design]', 'list the probes of a design (name or path), or of every bundled design')
    .action(async (opts: { params?: string; probes?: string | boolean }) => {
      if (opts.probes !== undefined) {
        let probes: readonly Probe[];
        if (typeof opts.probes === 'string') {
          await loadDesign(opts.probes);
          probes = designProbes(opts.probes);
        } else {
          for (const name of designNames()) await loadDesign(name);
          probes = allProbes();
        }
        const width = Math.max(0, ...probes.map((p) => p.name.length)) + 2;
        const lines = probes.map((p) => `  ${p.name.padEnd(width)}${p.doc}${p.recorded ? ' [recorded]' : ''}`);
        out((lines.length ? lines.join('\n') : '  (no probes)') + '\n');
        return;
      }
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
      lines.push('', 'SCENARIOS (run -s, check -s)');
      for (const name of scenarioNames()) {
        const s = loadScenario(name);
        lines.push(`  ${name.padEnd(22)} ${s.description}`);
      }
      lines.push('', 'RANDOM PROFILES (run --profile, check --profile)');
      for (const name of profileNames()) lines.push(`  ${name.padEnd(22)} ${loadProfile(profilePath(name)).description}`);
      lines.push('', 'RELIABILITY DATA (estimate --reliability)');
      for (const name of reliabilityNames()) lines.push(`  ${name.padEnd(22)} ${loadReliability(reliabilityPath(name)).description ?? ''}`);
      lines.push('', 'PUBLISHED CASES (each for one design; see the file for the --set it needs)');
      for (const name of publishedScenarioNames()) {
        const s = loadScenario(name);
        lines.push(`  ${name.padEnd(28)} ${s.description}`);
      }
      out(lines.join('\n') + '\n');
    });
}
