/**
 * Campaign throughput and memory: runs per second of `check raft` (3 nodes, 60 s simulated
 * per run, 200 orders/s, the default random profile cut to 45 s of chaos + 15 s of settle)
 * through the worker pool with 1 and 2 workers, against a bare loop of `simulate()` calls in
 * one thread (the same draws and runs, no pool, no aggregation). Goals (issue 4): >= 60 runs/s
 * with 2 workers on a 2-core machine, a 2-worker speed-up >= 1.8x, campaign overhead (1 worker
 * against the bare loop) under 10 %. On Linux the CPU per run is also split by thread: the
 * workers, V8's GC and compiler threads, and the main thread; from that split come the
 * speed-up the campaign would have on a dedicated 2-core machine (what a loaded shared machine's
 * wall clock cannot show) and the CPU each worker spends warming up its own JIT.
 *
 * `--memory [N]` also measures resident memory after 1,000 and after N (default 100,000) runs
 * of hot-standby-naive (goal: within 50 MB); it uses a short profile (8 s + 2 s) so N is
 * reachable, and takes long all the same.
 *
 *   npx tsx bench/campaign.ts [--runs 60] [--rounds 2] [--memory [100000]]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadDesign, profilePath } from '../src/campaign/catalog.ts';
import { check } from '../src/campaign/check.ts';
import { simulate } from '../src/campaign/simulate.ts';
import { drawRun, loadProfile } from '../src/faults/random-profile.ts';
import type { Figure } from './figures.ts';

/** random-default with its chaos and settle changed: a bench profile in a temporary file. */
function profileWith(duration: string, settle: string): string {
  const text = readFileSync(profilePath('random-default'), 'utf8')
    .replace(/^duration: .*$/m, `duration: ${duration}`)
    .replace(/^settle: .*$/m, `settle: ${settle}`)
    .replace(/^name: .*$/m, `name: random-bench`);
  const path = join(mkdtempSync(join(tmpdir(), 'hasim-bench-')), 'random-bench.yaml');
  writeFileSync(path, text);
  return path;
}

/** CPU seconds of this process, every thread included (so workers count too). */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds by thread: the main thread, the workers' JS threads, V8's GC and compiler threads. */
type ThreadSplit = { main: number; workers: number; background: number };

/**
 * CPU seconds per thread of this process (Linux: /proc/self/task), sampled every 100 ms while a
 * campaign runs so that worker threads are seen before they exit: the main thread, the worker
 * threads (started during the campaign) and the threads that were there before (V8's platform
 * threads: parallel and concurrent GC, optimising compiles). Empty elsewhere. `mark` takes a
 * sample that `stop` also reports the split from (the steady state, after the warm-up).
 */
function threadSampler(): { mark: () => void; stop: () => { whole: ThreadSplit; sinceMark?: ThreadSplit } | undefined } {
  const read = (): Map<string, number> => {
    const out = new Map<string, number>();
    if (!existsSync('/proc/self/task')) return out;
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in 10 ms ticks
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return out;
  };
  const before = read();
  const last = new Map(before);
  const poll = setInterval(() => {
    for (const [tid, cpu] of read()) last.set(tid, cpu);
  }, 100);
  /** The split of `last` against a baseline sample. */
  const splitFrom = (base: Map<string, number>): ThreadSplit => {
    const split = { main: 0, workers: 0, background: 0 };
    for (const [tid, cpu] of last) {
      const spent = cpu - (base.get(tid) ?? 0);
      if (tid === String(process.pid)) split.main += spent;
      else if (before.has(tid)) split.background += spent;
      else split.workers += spent;
    }
    return split;
  };
  let marked: Map<string, number> | undefined;
  return {
    /** Samples now: `stop` also gives the split since this instant. */
    mark() {
      for (const [tid, cpu] of read()) last.set(tid, cpu);
      marked = new Map(last);
    },
    stop() {
      clearInterval(poll);
      for (const [tid, cpu] of read()) last.set(tid, cpu);
      if (before.size === 0) return undefined;
      return { whole: splitFrom(before), sinceMark: marked && splitFrom(marked) };
    },
  };
}

interface Speed {
  /** Runs per wall-clock second. */
  overall: number;
  /** Runs per wall-clock second between the first and the last completed run (no start-up). */
  steady: number;
  /** CPU seconds per run, all threads: what the load of a shared machine does not change. */
  cpuPerRun: number;
  /** The same split by thread (Linux): main, the workers' JS threads, V8's GC and compiler threads. */
  threads?: ThreadSplit;
  /**
   * CPU seconds per run by thread after the first `WARM_RUNS` runs (Linux): the steady state,
   * once each worker's JIT has warmed up. The difference from `threads` is start-up and warm-up,
   * which every worker pays for itself.
   */
  steadyThreads?: ThreadSplit;
}

/** Runs after which a campaign counts as warmed up, for the steady CPU split. */
const WARM_RUNS = 20;

async function bareLoop(design: string, profile: string, runs: number): Promise<Speed> {
  const d = await loadDesign(design);
  const p = loadProfile(profile);
  const start = performance.now();
  const cpu = cpuSeconds();
  for (let seed = 1; seed <= runs; seed++) {
    const drawn = drawRun(p, d, seed);
    simulate({ design: d, seed, schedule: drawn.schedule, params: drawn.params, foldTraffic: true });
  }
  const rate = runs / ((performance.now() - start) / 1000);
  return { overall: rate, steady: rate, cpuPerRun: (cpuSeconds() - cpu) / runs };
}

/** Runs per second through check(): overall (with worker start-up) and in the steady state. */
async function campaignSpeed(design: string, profile: string, runs: number, workers: number): Promise<Speed> {
  const cpu = cpuSeconds();
  const sampler = threadSampler();
  let first: { done: number; at: number } | undefined;
  let last: { done: number; at: number } | undefined;
  const result = await check({
    designs: [design], profile, runs, workers, shrinkRuns: 0, maxFailures: 0,
    onProgress: (p) => {
      if (p.phase !== 'runs' || p.done === 0) return;
      const at = performance.now();
      first ??= { done: p.done, at };
      last = { done: p.done, at };
      if (p.done === WARM_RUNS) sampler.mark();
    },
  });
  const overall = runs / (result.runsElapsedMs / 1000);
  const steady = first && last && last.at > first.at ? (last.done - first.done) / ((last.at - first.at) / 1000) : overall;
  const split = sampler.stop();
  const perRun = (t: ThreadSplit, n: number): ThreadSplit => ({ main: t.main / n, workers: t.workers / n, background: t.background / n });
  const threads = split && perRun(split.whole, runs);
  const steadyThreads = split?.sinceMark && runs > WARM_RUNS ? perRun(split.sinceMark, runs - WARM_RUNS) : undefined;
  return { overall, steady, cpuPerRun: (cpuSeconds() - cpu) / runs, threads, steadyThreads };
}

async function memory(runs: number): Promise<void> {
  const profile = profileWith('8s', '2s');
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  const samples = new Map<number, number>();
  const marks = new Set([1000, 10_000, 25_000, 50_000, 75_000, runs]);
  const start = performance.now();
  await check({
    designs: ['hot-standby-naive'], profile, runs, shrinkRuns: 0,
    onProgress: (p) => {
      if (p.phase === 'runs' && marks.has(p.done)) samples.set(p.done, mb());
    },
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(`resident memory, hot-standby-naive, ${runs.toLocaleString('en-US')} runs (8 s + 2 s each) in ${seconds.toFixed(0)} s:`);
  for (const [done, rss] of [...samples].sort((a, b) => a[0] - b[0])) console.log(`  after ${done.toLocaleString('en-US').padStart(7)} runs: ${rss.toFixed(1)} MB`);
  const growth = (samples.get(runs) ?? NaN) - (samples.get(1000) ?? NaN);
  console.log(`  growth from 1,000 to ${runs.toLocaleString('en-US')} runs: ${growth.toFixed(1)} MB (goal <= 50 MB)`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Cores of the machine the goals are stated for (issue #15: "2 workers on a 2-core machine"). */
const GOAL_CORES = 2;

/**
 * Wall seconds per run the campaign would take on a dedicated machine of `cores` cores, from
 * its CPU split by thread (Linux): at least its total CPU spread over every core, and at least
 * one worker's own JS thread, which cannot use a second core (the workers share the runs
 * evenly). So 1 worker's V8 GC and compiler threads run free on the idle second core, while
 * 2 workers pay for theirs, and each pays its own JIT warm-up. The speed-up these give is
 * what the shared machine's load does not change (its wall-clock runs/s say nothing when 8
 * other processes want the same 2 cores). It ignores waits (a worker idle for its next job,
 * code waiting for a compile), so it is a bound rather than a measurement.
 */
function modelledWallPerRun(s: Speed, workers: number, cores = GOAL_CORES): number | undefined {
  if (!s.threads) return undefined;
  const total = s.threads.main + s.threads.workers + s.threads.background;
  return Math.max(total / cores, s.threads.workers / workers);
}

/**
 * CPU seconds each worker spends on start-up and JIT warm-up beyond what its runs cost once
 * warm: the campaign's whole CPU minus its runs at the steady (after `WARM_RUNS`) cost per run,
 * per worker. Every worker thread is a V8 isolate of its own, which compiles hasim again.
 */
function warmUpPerWorker(s: Speed, workers: number, runs: number): number | undefined {
  if (!s.threads || !s.steadyThreads) return undefined;
  const sum = (t: ThreadSplit) => t.main + t.workers + t.background;
  return ((sum(s.threads) - sum(s.steadyThreads)) * runs) / workers;
}

export async function benchCampaign(argv: string[] = []): Promise<Figure[]> {
  const flag = (name: string) => argv.indexOf(name);
  const runs = flag('--runs') >= 0 ? Number(argv[flag('--runs') + 1]) : 60;
  const rounds = flag('--rounds') >= 0 ? Number(argv[flag('--rounds') + 1]) : 2;
  const profile = profileWith('45s', '15s');
  await bareLoop('raft', profile, 3); // warm up the JIT and tsx's cache
  // Interleaved rounds, best of each: a busy machine only ever makes a measurement worse.
  const best = (a: Speed | undefined, b: Speed): Speed =>
    a ? { overall: Math.max(a.overall, b.overall), steady: Math.max(a.steady, b.steady), cpuPerRun: Math.min(a.cpuPerRun, b.cpuPerRun), ...(a.cpuPerRun <= b.cpuPerRun ? { threads: a.threads, steadyThreads: a.steadyThreads } : { threads: b.threads, steadyThreads: b.steadyThreads }) } : b;
  let bare: Speed | undefined;
  let one: Speed | undefined;
  let two: Speed | undefined;
  for (let round = 0; round < rounds; round++) {
    bare = best(bare, await bareLoop('raft', profile, runs));
    one = best(one, await campaignSpeed('raft', profile, runs, 1));
    two = best(two, await campaignSpeed('raft', profile, runs, 2));
  }
  const b = bare!;
  const w1 = one!;
  const w2 = two!;
  const f = (x: number) => x.toFixed(1).padStart(6);
  const ms = (x: number) => (x * 1000).toFixed(0);
  const cpu = (s: Speed) => `${ms(s.cpuPerRun)} ms CPU/run` + (s.threads ? ` (workers ${ms(s.threads.workers)}, V8 GC/compiler threads ${ms(s.threads.background)}, main ${ms(s.threads.main)})` : '');
  console.log(`campaign: check raft, ${runs} runs of 60 s simulated at 200 orders/s (random-default, 45 s chaos + 15 s settle), best of ${rounds}`);
  console.log(`  bare simulate() loop, 1 thread: ${f(b.overall)} runs/s                 ${cpu(b)}`);
  console.log(`  check, 1 worker:                ${f(w1.overall)} runs/s (steady ${f(w1.steady)})  ${cpu(w1)}`);
  console.log(`  check, 2 workers:               ${f(w2.overall)} runs/s (steady ${f(w2.steady)})  ${cpu(w2)}  (goal >= 60 runs/s)`);
  console.log(`  2-worker speed-up:              ${(w2.overall / w1.overall).toFixed(2)}x (steady ${(w2.steady / w1.steady).toFixed(2)}x)  (goal >= 1.8x)`);
  const steadyCpu = (s: Speed) => (s.steadyThreads ? `${ms(s.steadyThreads.workers + s.steadyThreads.background + s.steadyThreads.main)} ms CPU/run (workers ${ms(s.steadyThreads.workers)}, V8 GC/compiler threads ${ms(s.steadyThreads.background)})` : 'n/a');
  if (w1.steadyThreads || w2.steadyThreads) console.log(`  after ${WARM_RUNS} runs (warmed up):     1 worker ${steadyCpu(w1)}; 2 workers ${steadyCpu(w2)}`);
  const wall1 = modelledWallPerRun(w1, 1);
  const wall2 = modelledWallPerRun(w2, 2);
  const modelled = wall1 !== undefined && wall2 !== undefined ? wall1 / wall2 : undefined;
  const warm1 = warmUpPerWorker(w1, 1, runs);
  const warm2 = warmUpPerWorker(w2, 2, runs);
  if (modelled !== undefined) console.log(`  on a dedicated ${GOAL_CORES}-core machine (from CPU by thread): 1 worker ${(1 / wall1!).toFixed(1)} runs/s, 2 workers ${(1 / wall2!).toFixed(1)} runs/s, speed-up ${modelled.toFixed(2)}x`);
  if (warm1 !== undefined && warm2 !== undefined) console.log(`  start-up and JIT warm-up, CPU per worker beyond its steady runs: 1 worker ${ms(warm1)} ms; 2 workers ${ms(warm2)} ms each`);
  console.log(`  campaign overhead, 1 worker:    ${pct(1 - w1.overall / b.overall)} wall (steady ${pct(1 - w1.steady / b.overall)}), ${pct(w1.cpuPerRun / b.cpuPerRun - 1)} CPU  (goal < 10 %)`);
  const memoryAt = flag('--memory');
  if (memoryAt >= 0) {
    const n = Number(argv[memoryAt + 1]);
    await memory(Number.isInteger(n) && n >= 1000 ? n : 100_000);
  }
  return [
    { key: 'campaign.raft.bare', label: 'check raft: bare simulate() loop', value: b.overall, unit: 'runs/s', better: 'higher', speed: true },
    { key: 'campaign.raft.1worker', label: 'check raft: 1 worker', value: w1.overall, unit: 'runs/s', better: 'higher', speed: true },
    { key: 'campaign.raft.2workers', label: 'check raft: 2 workers', value: w2.overall, unit: 'runs/s', better: 'higher', speed: true, goal: '>= 60 runs/s' },
    { key: 'campaign.raft.speedup', label: 'check raft: 2-worker speed-up', value: w2.overall / w1.overall, unit: 'x', better: 'higher', goal: '>= 1.8x', note: `steady ${(w2.steady / w1.steady).toFixed(2)}x` },
    { key: 'campaign.raft.steadySpeedup', label: 'check raft: 2-worker speed-up, steady state', value: w2.steady / w1.steady, unit: 'x', better: 'higher' },
    { key: 'campaign.raft.cpuPerRun.1worker', label: 'check raft: CPU per run, 1 worker', value: w1.cpuPerRun * 1000, unit: 'ms', better: 'lower' },
    { key: 'campaign.raft.cpuPerRun.2workers', label: 'check raft: CPU per run, 2 workers', value: w2.cpuPerRun * 1000, unit: 'ms', better: 'lower' },
    ...(modelled !== undefined
      ? [
          { key: 'campaign.raft.modelledSpeedup', label: `check raft: 2-worker speed-up on a dedicated ${GOAL_CORES}-core machine, from CPU by thread`, value: modelled, unit: 'x', better: 'higher', goal: '>= 1.8x' } satisfies Figure,
          { key: 'campaign.raft.modelled2workers', label: `check raft: 2 workers on a dedicated ${GOAL_CORES}-core machine, from CPU by thread`, value: 1 / wall2!, unit: 'runs/s', better: 'higher', goal: '>= 60 runs/s' } satisfies Figure,
        ]
      : []),
    ...[warm1, warm2].flatMap((warm, i): Figure[] =>
      warm !== undefined ? [{ key: `campaign.raft.warmUpCpuPerWorker.${i + 1}`, label: `check raft: start-up and warm-up CPU per worker, ${i + 1} worker${i ? 's' : ''}`, value: warm * 1000, unit: 'ms', better: 'lower' }] : [],
    ),
    ...[w1, w2].flatMap((w, i): Figure[] =>
      w.threads
        ? [
            { key: `campaign.raft.workerThreadsCpuPerRun.${i + 1}`, label: `  of which the worker threads, ${i + 1} worker${i ? 's' : ''}`, value: w.threads.workers * 1000, unit: 'ms', better: 'lower' },
            { key: `campaign.raft.backgroundCpuPerRun.${i + 1}`, label: `  of which V8's GC/compiler threads, ${i + 1} worker${i ? 's' : ''}`, value: w.threads.background * 1000, unit: 'ms', better: 'lower' },
          ]
        : [],
    ),
    ...[w1, w2].flatMap((w, i): Figure[] =>
      w.steadyThreads
        ? [
            { key: `campaign.raft.steadyCpuPerRun.${i + 1}`, label: `check raft: CPU per run after ${WARM_RUNS} runs, ${i + 1} worker${i ? 's' : ''}`, value: (w.steadyThreads.workers + w.steadyThreads.background + w.steadyThreads.main) * 1000, unit: 'ms', better: 'lower' },
            { key: `campaign.raft.steadyBackgroundCpuPerRun.${i + 1}`, label: `  of which V8's GC/compiler threads`, value: w.steadyThreads.background * 1000, unit: 'ms', better: 'lower' },
          ]
        : [],
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchCampaign(process.argv.slice(2));
