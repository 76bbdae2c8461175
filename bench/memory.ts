/**
 * Peak resident memory of long runs (issue 15): raft (3 nodes) for 1 hour at 10,000 orders/s
 * (goal < 500 MB) and for 10 hours at 200 orders/s (goal < 300 MB). Each run is a child process
 * (bench/peak-rss.ts), so one run's memory does not count in another's.
 *
 * By default each case runs two shorter lengths and extrapolates the longer one's peak to the
 * full length by the growth of what the run keeps in array buffers between them (memory that
 * grows with simulated time grows linearly: a flat design shows a slope near 0); `--full-memory`
 * runs the full lengths instead. Extrapolated 378 MB and 255 MB for the 375 MB and 246 MB
 * measured in full below. The shorter lengths are past start-up: at
 * 15 s and 30 s (the lengths before) the slope was the heap's and the JIT's warm-up and raft's
 * first log compactions (one per 100,000 entries, every 10 s at 10,000/s), and extrapolated
 * 4.95 GB for the hour whose full run peaks at 613 MB.
 *
 * Measured in full (`--full-memory`) on main 960e3ea+ (no id string per acked order at the end,
 * larger column chunks, bitsets grown by a quarter, V8's heap held near what is live as `hasim
 * run` holds it): 375 MB for the hour at 10,000/s (613 before) and 246 MB for 10 hours at 200/s
 * (327 before).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figure } from './figures.ts';

const CHILD = fileURLToPath(new URL('./peak-rss.ts', import.meta.url));

interface Peak {
  peakRssMB: number;
  arrayBuffersMB: number;
  wallSeconds: number;
  orders: number;
  events: number;
  traceHash: string;
}

export function peakRss(design: string, seconds: number, rate: number): Peak {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, design, String(seconds), String(rate)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Peak;
}

const CASES = [
  { key: 'memory.raft.10000.1h', label: 'peak RSS, raft 1 h at 10,000 orders/s', rate: 10_000, fullSeconds: 3600, short: [120, 360], goal: '< 500 MB' },
  { key: 'memory.raft.200.10h', label: 'peak RSS, raft 10 h at 200 orders/s', rate: 200, fullSeconds: 36_000, short: [1800, 5400], goal: '< 300 MB' },
];

export function benchMemory(full = false): Figure[] {
  const figures: Figure[] = [];
  for (const c of CASES) {
    if (full) {
      const p = peakRss('raft', c.fullSeconds, c.rate);
      figures.push({ key: c.key, label: c.label, value: p.peakRssMB, unit: 'MB', better: 'lower', goal: c.goal, note: `measured (${p.wallSeconds.toFixed(0)} s wall)` });
      continue;
    }
    const [a, b] = c.short.map((s) => peakRss('raft', s, c.rate));
    // the growth is what the run keeps in array buffers (the folded history's columns, the logs'
    // bitsets); V8's heap, the rest of the peak, is flat once the heap is held near what is live,
    // and the peaks' own difference is mostly when V8 collected (it extrapolated 350 MB for the
    // 10 h whose full run peaks at 246 MB, and 217 MB for the hour that peaks at 375 MB)
    const perSecond = (b.arrayBuffersMB - a.arrayBuffersMB) / (c.short[1] - c.short[0]);
    const extrapolated = b.peakRssMB + perSecond * (c.fullSeconds - c.short[1]);
    const note = `extrapolated from ${c.short[1]} s (peak ${b.peakRssMB.toFixed(0)} MB) by the array buffers' growth from ${c.short[0]} s (${a.arrayBuffersMB.toFixed(1)} MB) to ${c.short[1]} s (${b.arrayBuffersMB.toFixed(1)} MB): ${(perSecond * 3600).toFixed(0)} MB per simulated hour`;
    figures.push({ key: `${c.key}.growthPerHour`, label: `  growth, raft at ${c.rate.toLocaleString('en-US')} orders/s`, value: perSecond * 3600, unit: 'MB/sim-h', better: 'lower', note });
    figures.push({ key: c.key, label: c.label, value: extrapolated, unit: 'MB', better: 'lower', goal: c.goal, note });
  }
  return figures;
}
