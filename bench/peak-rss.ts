/**
 * One run in a process of its own, for its peak resident memory: `simulate()` of a design with
 * no faults for the given simulated seconds at the given order rate, the checks and metrics
 * included, the order traffic folded as it is recorded (what `hasim run` and `check` do), V8's
 * heap held near what is live as `hasim run` holds it (src/cli/heap-growth.ts). Prints one JSON
 * line: peak RSS (MB), the array buffers held at the end (MB), wall seconds, orders, events,
 * trace hash.
 *
 *   npx tsx bench/peak-rss.ts raft 60 10000
 */
import { performance } from 'node:perf_hooks';
import { loadDesign } from '../src/campaign/catalog.ts';
import { simulate } from '../src/campaign/simulate.ts';
import { SECOND } from '../src/sim/time.ts';
import { holdHeapNearLive } from '../src/cli/heap-growth.ts';

holdHeapNearLive();

const [design, seconds, rate] = process.argv.slice(2);
const d = await loadDesign(design);
const schedule = { name: 'bench', description: '', duration: Number(seconds) * SECOND, settle: 0, faults: [], source: '<bench>' };
const start = performance.now();
const r = simulate({ design: d, seed: 1, schedule, workload: { ordersPerSecond: Number(rate) }, drain: 0, foldTraffic: true });
console.log(JSON.stringify({
  peakRssMB: process.resourceUsage().maxRSS / 1024,
  // what the run keeps outside V8's heap (the folded history's columns, the logs' bitsets), still held by `r`
  arrayBuffersMB: process.memoryUsage().arrayBuffers / 1048576,
  wallSeconds: (performance.now() - start) / 1000,
  orders: r.metrics.orders,
  events: r.metrics.events,
  traceHash: r.traceHash,
}));
