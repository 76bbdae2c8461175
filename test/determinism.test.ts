/**
 * Determinism is the product: the same seed and inputs give the same trace hash in the same
 * process, in a worker thread and in a child process; different seeds give different hashes;
 * and simulated code cannot read real time or real randomness.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { traceHashOf, type HashCase } from './support/run-hash.ts';

const SCRIPT = new URL('./support/run-hash.ts', import.meta.url);
const WORKER_BOOT = new URL('./support/run-hash-boot.mjs', import.meta.url);
const CASES: [string, string][] = [
  ['hot-standby-naive', 'partition-primary'],
  ['raft', 'primary-crash'],
  // a fault triggered by a probe (lock.acquired): listeners and probe ids differ by process
  ['active-active-lock', 'kleppmann-gc-pause'],
];

/** The hashes of every case at seed 42 in one worker thread (registering tsx there costs more than the runs). */
function inWorker(cases: readonly HashCase[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_BOOT, { workerData: { cases } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The same in one child process, which runs them in reverse order (so the first and the last case each run first in a fresh context). */
function inChild(cases: readonly HashCase[]): string[] {
  const reversed = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', SCRIPT.pathname, '--child', JSON.stringify([...cases].reverse())], { encoding: 'utf8' })) as string[];
  return reversed.reverse();
}

const AT_42: HashCase[] = CASES.map(([design, scenario]) => [design, scenario, 42]);
let elsewhere: Promise<{ worker: string[]; child: string[] }> | undefined;
/** The worker's and the child's hashes of AT_42, computed once for every case's test. */
const hashesElsewhere = () => (elsewhere ??= inWorker(AT_42).then((worker) => ({ worker, child: inChild(AT_42) })));

// the first case's test waits for the worker and the child (each loads tsx and the sources): room on a loaded machine
const ELSEWHERE_TIMEOUT_MS = 180_000;

describe('the trace hash', () => {
  CASES.forEach(([design, scenario], i) => {
    it(`of ${design} under ${scenario} is the same in-process, in a worker thread and in a child process`, async () => {
      const here = await traceHashOf(design, scenario, 42);
      expect(await traceHashOf(design, scenario, 42)).toBe(here);
      const { worker, child } = await hashesElsewhere();
      expect(worker[i]).toBe(here);
      expect(child[i]).toBe(here);
    }, ELSEWHERE_TIMEOUT_MS);

    it(`of ${design} under ${scenario} differs between seeds`, async () => {
      const hashes = new Set(await Promise.all([1, 2, 3].map((seed) => traceHashOf(design, scenario, seed))));
      expect(hashes.size).toBe(3);
    });
  });
});

const FORBIDDEN = /\bMath\.random\b|\bDate\b|\bperformance\.now\b|\bprocess\.hrtime\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bqueueMicrotask\b|\bprocess\.env\b/;

/** The lines of a source text that read real time, randomness, timers or the environment. */
function forbiddenLines(text: string): number[] {
  const hits: number[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    if (FORBIDDEN.test(code)) hits.push(i + 1);
  });
  return hits;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('simulated code', () => {
  const ROOT = new URL('..', import.meta.url).pathname;
  const SIMULATED = ['src/sim', 'src/history', 'src/run', 'src/world', 'src/parts', 'src/faults', 'src/check', 'src/metrics', 'src/estimate', 'src/calibration', 'models'];

  it('never reads real time, real randomness, real timers or the environment', () => {
    const offenders = SIMULATED.flatMap((dir) =>
      tsFiles(join(ROOT, dir)).flatMap((file) => forbiddenLines(readFileSync(file, 'utf8')).map((line) => `${file.slice(ROOT.length)}:${line}`)),
    );
    expect(offenders).toEqual([]);
  });

  it('the scan catches planted uses and ignores comments', () => {
    expect(forbiddenLines('const a = 1;\nconst t = Date.now();\nconst r = Math.random();')).toEqual([2, 3]);
    expect(forbiddenLines('setTimeout(() => {}, 5);\nconst seed = process.env.SEED;')).toEqual([1, 2]);
    expect(forbiddenLines('// Date.now() is banned here\n * Math.random in a doc comment\nconst ok = sim.now;')).toEqual([]);
  });
});
