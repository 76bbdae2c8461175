import { loadDesign, loadScenario, scenarioNames } from './src/campaign/catalog.ts';
import { simulate } from './src/campaign/simulate.ts';
const only = process.argv.slice(2);
for (const name of ['postgres-patroni', 'redis-sentinel']) {
  const design = await loadDesign(name);
  for (const scenario of scenarioNames().filter((s) => only.length === 0 || only.includes(s))) {
    const t0 = performance.now();
    const r = simulate({ design, schedule: loadScenario(scenario), seed: 1 });
    const v = r.violations.map((x) => x.invariant + (x.invariant === 'model-error' || x.invariant === 'convergence' ? ': ' + x.detail : '')).join(',');
    console.log(name.padEnd(17), scenario.padEnd(20), String(Math.round(performance.now() - t0)).padStart(5) + 'ms', 'avail', r.metrics.availability.toFixed(3), 'lost', r.metrics.lostAcked, 'rto', Math.round(r.metrics.rtoMaxMs), 'split', Math.round(r.metrics.splitBrainMs.effective), v);
  }
}
