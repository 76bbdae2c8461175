/**
 * `npm run bench` (estimate part): how many simulated years per wall second `hasim estimate`
 * covers under the example reliability data (scenarios/reliability/p1.yaml), with 2 workers.
 *
 * 1. the headline of issue 5: 10,000 years of hot-standby-stonith (its defaults) in under 60 s;
 * 2. every bundled design over a shorter horizon and a smaller simulation budget.
 *
 * Run alone: npx tsx bench/estimate.ts [design...]
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { designNames } from '../src/campaign/catalog.ts';
import { estimate } from '../src/estimate/estimate.ts';
import { loadReliability } from '../src/estimate/reliability.ts';
import type { Figure } from './figures.ts';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function timed(design: string, years: number, simulations: number) {
  const reliability = loadReliability('scenarios/reliability/p1.yaml');
  const start = performance.now();
  const cpu = cpuSeconds();
  const [result] = await estimate({ designs: [design], reliability, years, workers: 2, simulations, seed: 1 });
  const seconds = (performance.now() - start) / 1000;
  // CPU seconds of every thread: what a machine loaded by other work does not change
  return { result, seconds, yearsPerSecond: years / seconds, yearsPerCpuSecond: years / (cpuSeconds() - cpu) };
}

export async function benchEstimate(only: string[] = []): Promise<Figure[]> {
  const figures: Figure[] = [];
  console.log('hasim estimate under p1, 2 workers:');
  const head = await timed('hot-standby-stonith', 10_000, 1000);
  const r = head.result;
  figures.push({ key: 'estimate.hot-standby-stonith.10000y', label: 'estimate hot-standby-stonith 10,000 years', value: head.seconds, unit: 's', better: 'lower', goal: '< 60 s' });
  console.log(
    `  hot-standby-stonith 10,000 years: ${head.seconds.toFixed(1)} s (goal < 60 s), ${fmt(head.yearsPerSecond)} years/s; ` +
      `${fmt(r.incidents.total)} incidents, ${fmt(r.incidents.simulated)} simulated (${fmt(r.incidents.events)} events); ` +
      `downtime ${r.downtimeMinutesPerYear.mean.toFixed(1)} min/yr vs ideal ${r.ideal.availability === null ? 'n/a' : r.ideal.downtimeMinutesPerYear.toFixed(1)}`,
  );
  console.log('  every design, 2,000 years, 300 simulations each:');
  for (const name of only.length ? only : designNames()) {
    try {
      const t = await timed(name, 2000, 300);
      figures.push(
        { key: `estimate.${name}.yearsPerSecond`, label: `estimate ${name}`, value: t.yearsPerSecond, unit: 'years/s', better: 'higher', speed: true, goal: '>= 1,000' },
        { key: `estimate.${name}.yearsPerCpuSecond`, label: `  per CPU second (all threads)`, value: t.yearsPerCpuSecond, unit: 'years/cpu-s', better: 'higher', speed: true },
      );
      console.log(`    ${name.padEnd(22)} ${fmt(t.yearsPerSecond).padStart(7)} years/s, ${fmt(t.yearsPerCpuSecond).padStart(6)} years/cpu-s  (${t.seconds.toFixed(1)} s; ${t.result.incidents.perYear.toFixed(0)} incidents/yr; ${fmt(t.result.incidents.events / t.result.incidents.simulated)} events per incident)`);
    } catch (error) {
      console.log(`    ${name.padEnd(22)} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchEstimate(process.argv.slice(2));
