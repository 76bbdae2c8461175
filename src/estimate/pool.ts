/**
 * Runs chunk jobs: in this thread (`workers: 0`) or on a small pool of worker threads kept
 * for the whole estimate, one job per worker at a time, results returned in job order
 * whatever order they finish in.
 *
 * (The campaign pool, `src/campaign/pool.ts`, speaks campaign jobs only; this is a thin
 * sibling for estimate chunks. A worker that dies fails the estimate: chunks run the
 * bundled designs' code, which does not exit.)
 */
import { Worker } from 'node:worker_threads';
import { nextTurn } from '../campaign/next-turn.ts';
import { InputError } from '../sim/input-error.ts';
import { runChunk, type ChunkJob, type ChunkResult } from './chunk.ts';

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);

type Reply = { id: number; result: ChunkResult } | { id: number; error: string; input?: { source: string; field: string; expected: string; found?: string } };

interface Pending {
  resolve: (result: ChunkResult) => void;
  reject: (error: Error) => void;
}

export class ChunkPool {
  private readonly threads: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: ChunkJob }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    readonly workers: number,
    private readonly signal?: AbortSignal,
    /** The error every job fails with once `signal` aborted. */
    private readonly stopped: () => Error = () => new Error('stopped'),
    /** The module workers start from (default: the tsx boot; `campaign/worker-bundle.ts` gives a faster one). */
    entry: URL = WORKER_URL,
  ) {
    // a stop fails what is pending at once (the workers are terminated when the caller closes the pool);
    // one that came before the pool (while its workers' bundle was being built) fails every job
    if (signal?.aborted) this.fail(stopped());
    else signal?.addEventListener('abort', () => this.fail(stopped()), { once: true });
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(entry);
      worker.on('message', (reply: Reply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.threads.includes(worker)) this.fail(new Error(`an estimate worker exited with code ${code}`));
      });
      this.threads.push(worker);
      this.idle.push(worker);
    }
  }

  /** Runs every job; `onDone` after each. */
  /** Runs the jobs, queued in this order; `onDone` is called with each job's index as it finishes. */
  async runAll(jobs: readonly ChunkJob[], onDone?: (index: number) => void): Promise<ChunkResult[]> {
    if (this.workers === 0) {
      const results: ChunkResult[] = [];
      for (const [index, job] of jobs.entries()) {
        // let a stopping signal through between chunks
        await nextTurn();
        if (this.signal?.aborted) throw this.stopped();
        results.push(await runChunk(job));
        onDone?.(index);
      }
      return results;
    }
    return Promise.all(jobs.map((job, index) => this.run(job).then((r) => (onDone?.(index), r))));
  }

  private run(job: ChunkJob): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, job });
      this.feed();
    });
  }

  private feed(): void {
    while (this.idle.length && this.queue.length) this.idle.pop()!.postMessage(this.queue.shift());
  }

  private onReply(worker: Worker, reply: Reply): void {
    const p = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.idle.push(worker);
    this.feed();
    if (!p) return;
    if ('error' in reply) {
      const i = reply.input;
      p.reject(i ? new InputError(i.source, i.field, i.expected, i.found) : new Error(`estimate worker: ${reply.error}`));
    } else p.resolve(reply.result);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
