/**
 * `npm run bench`: the speed and memory of the simulator (issue 15), measured in one process so
 * the speed figures can be read as ratios against a baseline from the same run (a bare
 * event-heap loop: the machine's speed), printed beside the previous bench's figures
 * (bench/previous.json, committed) with the change.
 *
 * 1. mesh: the simulator on a heartbeat mesh (n nodes, 100 ms heartbeats, exponential latency)
 *    in deliveries per CPU second, beside a bare event loop (`bareLoop`: the simulator's own loop
 *    over events that only schedule their successor) kept at the mesh's own heap depth; goal:
 *    the mesh at >= 50 % of the bare loop's events per second, i.e. the world (network, nodes,
 *    timers, trace) costs no more per event than the event loop itself.
 * 2. designs: simulated seconds per CPU second (one core) of every bundled design at 200 and at 10,000
 *    orders/s (raft at 10,000/s: goal >= 100x real time).
 * 3. memory: peak RSS of raft 1 h at 10,000/s and 10 h at 200/s (bench/memory.ts).
 * 4. campaign: `check raft` runs/s with 1 and 2 workers (bench/campaign.ts).
 * 5. estimate: simulated years per second of every design under p1 (bench/estimate.ts).
 * 6. html: the HTML run report at scale (bench/html.ts).
 *
 *   npm run bench [-- --parts mesh,designs,memory,campaign,estimate,html] [--designs raft,single]
 *                 [--full-memory] [--save]
 *
 * `--save` makes this run's figures the previous ones (a partial run keeps the other parts').
 * The load average is printed and saved: timings on a loaded machine are worth little, ratios
 * within one run a little more.
 */
import { loadavg } from 'node:os';
import { designNames, loadDesign } from '../src/campaign/catalog.ts';
import { simulate } from '../src/campaign/simulate.ts';
import { EventQueue } from '../src/sim/queue.ts';
import { Rng } from '../src/sim/rng.ts';
import { Simulator } from '../src/sim/simulator.ts';
import { SECOND } from '../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../src/world/client.ts';
import { resolveParams } from '../src/world/params.ts';
import { buildRun } from '../src/run/run.ts';
import { loadPrevious, record, save, table, type Figure } from './figures.ts';
import mesh from './heartbeat-mesh.ts';

/**
 * CPU seconds of this process. The single-threaded figures are timed in CPU time, not wall
 * time: on a machine shared with other work a process waits for a core, and CPU time leaves
 * the waiting out (V8's GC helper threads count in, so it errs on the slow side).
 */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Events per CPU second of a bare heap loop: pop the earliest event, push one at a random later
 * time, 50 pending. The machine's speed, by which every speed figure is normalised against the
 * previous bench's (bench/previous.json keeps it): unchanged since the first bench so the
 * normalisation holds. The mesh's goal is measured against `bareLoop` instead.
 */
function bareHeap(events: number): number {
  const queue = new EventQueue();
  const rng = Rng.stream(1, 'bench');
  let sink = 0;
  const run = (x: number) => {
    sink += x;
  };
  for (let i = 0; i < 50; i++) queue.push(Math.floor(rng.float() * 1000), run, i);
  const start = cpuNow();
  for (let i = 0; i < events; i++) {
    const e = queue.pop()!;
    e.run(e.arg);
    queue.push(e.time + 1 + Math.floor(rng.float() * 1000), run, i);
  }
  const seconds = cpuNow() - start;
  if (sink < 0) console.log(sink);
  return events / seconds;
}

/**
 * Events per CPU second of a bare event loop, the yardstick of the mesh: the simulator's own
 * loop (pop the earliest event, skip it if cancelled, advance the clock, count it, run it) over
 * `pending` events that each only schedule their successor at a random later time (1-1000 us),
 * so the heap always holds `pending` events. The same loop, heap and event objects as the
 * mesh's: what differs is the world's work per event, which is what the ratio measures.
 */
function bareLoop(events: number, pending: number): number {
  const sim = new Simulator({ seed: 1, maxEvents: Number.MAX_SAFE_INTEGER });
  const rng = Rng.stream(1, 'bench');
  const next = () => {
    sim.after(1 + Math.floor(rng.float() * 1000), next);
  };
  for (let i = 0; i < pending; i++) sim.at(Math.floor(rng.float() * 1000), next);
  // each event's successor comes 500.5 us later on average: `pending` events every 500.5 us
  const until = Math.ceil((events * 500.5) / pending);
  const start = cpuNow();
  sim.runUntil(until);
  return sim.eventsRun / (cpuNow() - start);
}

/**
 * The mesh's heap depth: the mean number of pending events when an event is popped, over one
 * simulated second (untimed). It swings with every heartbeat burst (5 nodes: ~18; 20 nodes:
 * ~270, in bursts of 380 messages), and a heap's cost per event grows with its depth, so the
 * bare loop is run at this depth: a bare loop of fixed depth 50 flatters a 5-node mesh (shallower)
 * and wrongs a 20-node one (deeper).
 */
function meshDepth(nodes: number): number {
  const run = buildRun({ design: mesh, params: resolveParams(mesh, { nodes: String(nodes) }), seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 0 }, maxEvents: 1e12 });
  run.step(0);
  let weighted = 0;
  const first = run.sim.eventsRun;
  // one microsecond at a time: the events of each step see (about) the depth before it
  for (let t = 1; t <= SECOND; t++) {
    const pending = run.sim.pending;
    const before = run.sim.eventsRun;
    run.step(t);
    weighted += pending * (run.sim.eventsRun - before);
  }
  return Math.max(1, Math.round(weighted / (run.sim.eventsRun - first)));
}

/** The heartbeat mesh of `nodes` nodes for `simulatedSeconds`: events and deliveries per CPU second. */
function meshSimulator(nodes: number, simulatedSeconds: number): { eventsPerSecond: number; deliveriesPerSecond: number; events: number } {
  const run = buildRun({ design: mesh, params: resolveParams(mesh, { nodes: String(nodes) }), seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 0 }, maxEvents: 1e12 });
  run.step(0);
  const sent = run.world.network.messagesSent;
  const events = run.sim.eventsRun;
  const start = cpuNow();
  run.step(simulatedSeconds * SECOND);
  const seconds = cpuNow() - start;
  const deliveries = run.world.network.messagesSent - sent - run.world.network.messagesDropped;
  return { eventsPerSecond: (run.sim.eventsRun - events) / seconds, deliveriesPerSecond: deliveries / seconds, events: run.sim.eventsRun - events };
}

/** Simulated seconds per CPU second of a design without faults: the median of `rounds` runs after one warm-up. */
async function designSpeed(name: string, rate: number, simulatedSeconds: number, rounds: number): Promise<{ speed: number; eventsPerOrder: number }> {
  const design = await loadDesign(name);
  const schedule = { name: 'bench', description: '', duration: simulatedSeconds * SECOND, settle: 0, faults: [], source: '<bench>' };
  const workload = { ordersPerSecond: rate };
  simulate({ design, seed: 0, schedule: { ...schedule, duration: Math.min(schedule.duration, 5 * SECOND) }, workload, drain: 0, foldTraffic: true });
  let eventsPerOrder = 0;
  const speeds = Array.from({ length: rounds }, (_, i) => {
    const start = cpuNow();
    const r = simulate({ design, seed: i + 1, schedule, workload, drain: 0, foldTraffic: true });
    eventsPerOrder = r.metrics.events / Math.max(1, r.metrics.orders);
    return simulatedSeconds / (cpuNow() - start);
  });
  return { speed: speeds.sort((a, b) => a - b)[Math.floor(rounds / 2)], eventsPerOrder };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function benchMesh(bare: number): Figure[] {
  // warm up the JIT on both loops before timing either, so the heap's code has seen every event
  // shape (closures, packets, timers) in both: timed alone first, the bare loop ran on code
  // specialised to its one shape, 5-10 % faster than the same code in a real run
  meshSimulator(5, 5);
  meshSimulator(20, 5);
  bareLoop(300_000, 50);
  const figures: Figure[] = [{ key: 'mesh.bareHeap', label: 'bare event heap', value: bare, unit: 'events/cpu-s', better: 'higher', speed: true }];
  for (const nodes of [5, 20]) {
    const depth = meshDepth(nodes);
    const yardstick = bareLoop(3_000_000, depth);
    // a few million events each: shorter runs are at the mercy of the JIT and the machine's load
    const m = meshSimulator(nodes, nodes === 5 ? 12_000 : 600);
    console.log(
      `heartbeat mesh, ${nodes} nodes: ${fmt(m.deliveriesPerSecond)} deliveries/cpu-s, ${fmt(m.eventsPerSecond)} events/cpu-s; ` +
        `bare loop at its depth (${depth} pending): ${fmt(yardstick)} events/cpu-s; ratio ${(m.eventsPerSecond / yardstick).toFixed(2)} in events, ${(m.deliveriesPerSecond / yardstick).toFixed(2)} in deliveries ` +
        `(${(m.eventsPerSecond / bare).toFixed(2)} of the 50-deep bare heap's)`,
    );
    figures.push(
      { key: `mesh.${nodes}.deliveriesPerSecond`, label: `heartbeat mesh ${nodes} nodes`, value: m.deliveriesPerSecond, unit: 'deliveries/cpu-s', better: 'higher', speed: true },
      { key: `mesh.${nodes}.ofBareHeap`, label: `  its events/s over the bare loop's (same depth)`, value: m.eventsPerSecond / yardstick, unit: '', better: 'higher', goal: '>= 0.50' },
    );
  }
  return figures;
}

async function benchDesigns(names: string[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  console.log('simulated s per CPU s (one core), no faults, invariants and metrics included (200/s: 300 s runs, median of 3; 10,000/s: 10 s runs, median of 3; each after a warm-up):');
  for (const name of names) {
    const slow = await designSpeed(name, 200, 300, 3);
    // one 10 s run moves by ±15 % at a load of 20-30: the median of three is readable
    const fast = await designSpeed(name, 10_000, 10, 3);
    console.log(`  ${name.padEnd(22)} 200/s: ${fmt(slow.speed).padStart(6)}x (${slow.eventsPerOrder.toFixed(1)} events/order)   10,000/s: ${fast.speed.toFixed(1).padStart(6)}x (${fast.eventsPerOrder.toFixed(1)} events/order)`);
    figures.push(
      { key: `design.${name}.200.simPerWall`, label: `${name} at 200/s`, value: slow.speed, unit: 'sim-s/cpu-s', better: 'higher', speed: true, ...(name === 'raft' ? { goal: '>= 2,000' } : {}) },
      { key: `design.${name}.10000.simPerWall`, label: `${name} at 10,000/s`, value: fast.speed, unit: 'sim-s/cpu-s', better: 'higher', speed: true, ...(name === 'raft' ? { goal: '>= 100' } : {}) },
      { key: `design.${name}.10000.eventsPerOrder`, label: `  events per order at 10,000/s`, value: fast.eventsPerOrder, unit: '', better: 'lower' },
    );
  }
  return figures;
}

async function main(argv: string[]): Promise<void> {
  const option = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const parts = new Set((option('--parts') ?? 'mesh,designs,memory,campaign,estimate,html').split(','));
  const names = option('--designs')?.split(',') ?? designNames();
  const load = loadavg().map((x) => x.toFixed(2)).join(', ');
  console.log(`load average (1, 5, 15 min): ${load} on this machine; timings are only comparable at similar load\n`);
  bareHeap(200_000); // warm up the JIT
  const bare = bareHeap(3_000_000);
  const figures: Figure[] = [];
  if (parts.has('mesh')) figures.push(...benchMesh(bare));
  if (parts.has('designs')) figures.push(...(await benchDesigns(names)));
  if (parts.has('memory')) {
    console.log('\npeak RSS (each run a process of its own)...');
    figures.push(...(await import('./memory.ts')).benchMemory(argv.includes('--full-memory')));
  }
  if (parts.has('campaign')) {
    console.log('');
    figures.push(...(await (await import('./campaign.ts')).benchCampaign()));
  }
  if (parts.has('estimate')) {
    console.log('');
    figures.push(...(await (await import('./estimate.ts')).benchEstimate(option('--designs') ? names : [])));
  }
  if (parts.has('html')) {
    console.log('');
    figures.push(...(await (await import('./html.ts')).benchHtml()));
  }
  const previous = loadPrevious();
  console.log(`\nfigures, beside the previous bench's (${previous ? `commit ${previous.commit}, ${previous.measuredAt.slice(0, 16)}, load ${previous.loadAverage.join(', ')}` : 'none saved'}); now: load ${load}`);
  console.log(`normalised: now/prev divided by the change of the bare heap's speed (${fmt(bare)} events/s now${previous ? `, ${fmt(previous.bareHeapEventsPerSecond)} then` : ''}), for speeds`);
  console.log(table(figures, bare, previous));
  for (const f of figures) if (f.note) console.log(`  ${f.label.trim()}: ${f.note}`);
  if (argv.includes('--save')) {
    save(record(figures, bare, previous));
    console.log('\nsaved as bench/previous.json');
  }
}

await main(process.argv.slice(2));
