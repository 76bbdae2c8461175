/**
 * Runs chunk jobs: in this thread (`workers: 0`) or on a small pool of worker threads, one
 * job per worker at a time, results returned in job order whatever order they finish in.
 *
 * (The campaign pool, `src/campaign/pool.ts`, speaks campaign jobs only; this one is a thin
 * sibling for estimate chunks. A worker that dies fails the estimate: chunks run the
 * bundled designs' code, which does not exit.)
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../sim/input-error.ts';
import { runChunk, type ChunkJob, type ChunkResult } from './chunk.ts';

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);

type Reply = { id: number; result: ChunkResult } | { id: number; error: string; input?: { source: string; field: string; expected: string; found?: string } };

export async function runChunks(jobs: readonly ChunkJob[], workers: number, onDone?: (done: number) => void): Promise<ChunkResult[]> {
  const results: ChunkResult[] = new Array(jobs.length);
  let done = 0;
  if (workers <= 0) {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = await runChunk(jobs[i]);
      onDone?.(++done);
    }
    return results;
  }
  const threads = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(WORKER_URL));
  let next = 0;
  try {
    await Promise.all(
      threads.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              worker.postMessage({ id, job: jobs[id] });
            };
            worker.on('message', (reply: Reply) => {
              if ('error' in reply) {
                const i = reply.input;
                return reject(i ? new InputError(i.source, i.field, i.expected, i.found) : new Error(`estimate worker: ${reply.error}`));
              }
              results[reply.id] = reply.result;
              onDone?.(++done);
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (next < jobs.length || done < jobs.length ? reject(new Error(`an estimate worker exited with code ${code}`)) : undefined));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return results;
}
