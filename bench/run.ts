/**
 * `npm run bench`: the speed of the simulator, measured in one process so the figures are
 * ratios against a baseline from the same run (the machine's speed cancels out).
 *
 * 1. bare event heap: pop an event, push its successor at a random later time; the limit.
 * 2. the simulator on a 5-node heartbeat mesh (network, nodes, timers, trace hash).
 * 3. simulated seconds per wall second for bundled designs at 200 orders/s.
 */
import { performance } from 'node:perf_hooks';
import { loadDesign, designNames } from '../src/campaign/catalog.ts';
import { simulate } from '../src/campaign/simulate.ts';
import { EventQueue } from '../src/sim/queue.ts';
import { Rng } from '../src/sim/rng.ts';
import { SECOND } from '../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../src/world/client.ts';
import { resolveParams } from '../src/world/params.ts';
import { buildRun } from '../src/run/run.ts';
import mesh from './heartbeat-mesh.ts';

function bareHeap(events: number): number {
  const queue = new EventQueue();
  const rng = Rng.stream(1, 'bench');
  let sink = 0;
  const run = (x: number) => {
    sink += x;
  };
  for (let i = 0; i < 50; i++) queue.push(Math.floor(rng.float() * 1000), run, i);
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const e = queue.pop()!;
    e.run(e.arg);
    queue.push(e.time + 1 + Math.floor(rng.float() * 1000), run, i);
  }
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) console.log(sink);
  return events / seconds;
}

function meshSimulator(simulatedSeconds: number): { eventsPerSecond: number; events: number } {
  const run = buildRun({ design: mesh, params: resolveParams(mesh, {}), seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 0 } });
  run.step(0);
  const start = performance.now();
  run.step(simulatedSeconds * SECOND);
  const seconds = (performance.now() - start) / 1000;
  return { eventsPerSecond: run.sim.eventsRun / seconds, events: run.sim.eventsRun };
}

/** Simulated seconds per wall second: the median of three runs after one warm-up run. */
async function designSpeed(name: string, simulatedSeconds: number): Promise<number> {
  const design = await loadDesign(name);
  const schedule = { name: 'bench', description: '', duration: simulatedSeconds * SECOND, settle: 0, faults: [], source: '<bench>' };
  simulate({ design, seed: 0, schedule, drain: 0 });
  const speeds = [1, 2, 3].map((seed) => {
    const start = performance.now();
    simulate({ design, seed, schedule, drain: 0 });
    return simulatedSeconds / ((performance.now() - start) / 1000);
  });
  return speeds.sort((a, b) => a - b)[1];
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  bareHeap(200_000); // warm up the JIT
  meshSimulator(5);
  const bare = bareHeap(3_000_000);
  const sim = meshSimulator(300);
  console.log(`bare event heap:              ${fmt(bare)} events/s`);
  console.log(`simulator, 5-node mesh:       ${fmt(sim.eventsPerSecond)} events/s (${fmt(sim.events)} events)`);
  console.log(`ratio simulator / bare heap:  ${(sim.eventsPerSecond / bare).toFixed(2)}  (goal >= 0.50)`);
  console.log('');
  const only = process.argv.slice(2);
  const names = only.length ? only : designNames();
  const raft = await designSpeed('raft', 60);
  console.log(`simulated s per wall s at 200 orders/s (60 s runs, no faults, invariants and metrics included; median of 3):`);
  for (const name of names) {
    const speed = name === 'raft' ? raft : await designSpeed(name, 60);
    const goal = name === 'raft' ? '  (goal >= 2,000)' : `  (${(raft / speed).toFixed(2)}x raft's cost; goal <= 3x)`;
    console.log(`  ${name.padEnd(22)} ${fmt(speed).padStart(7)}${goal}`);
  }
}

await main();
console.log('');
await (await import('./campaign.ts')).benchCampaign();
console.log('');
await (await import('./html.ts')).benchHtml();
console.log('');
await (await import('./estimate.ts')).benchEstimate();
