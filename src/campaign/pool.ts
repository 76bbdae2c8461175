/**
 * A pool of worker threads that execute campaign jobs, one job per worker at a time. Workers
 * start from `worker-boot.mjs`, which registers tsx in the thread and loads `worker.ts`, so
 * they run the TypeScript sources (and users' design files) under vitest, from the `hasim`
 * bin and from any working directory alike; or from a bundle of the same code when the
 * campaign runs only hasim's own (`worker-bundle.ts`, faster to start).
 *
 * A worker that dies while holding a job (a design calling `process.exit`, running out of
 * memory, or overrunning `runTimeoutMs`) answers that job with `{ kind: 'died' }` and is
 * replaced by a fresh one, so the campaign goes on. Jobs may carry a `group`: the pool avoids
 * giving two jobs of one group to the same worker while another worker is free to take
 * them (how `--check-determinism` runs a seed's two copies in different threads).
 */
import { Worker } from 'node:worker_threads';
import type { Job, Reply } from './job.ts';

export interface PoolOptions {
  /** Number of worker threads (at least 1). */
  size: number;
  /** Terminate a worker whose job runs longer than this (default: never). */
  runTimeoutMs?: number;
  /** The module workers start from (default: the tsx boot; `worker-bundle.ts` gives a faster one). */
  entry?: URL;
}

interface Task {
  id: number;
  job: Job;
  group?: string;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

interface Slot {
  id: number;
  worker: Worker;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** The worker loaded its code (a worker that dies before is a broken installation). */
  ready: boolean;
  /** Why the worker is going away, when we know before its `exit` event. */
  deathReason?: string;
}

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** Per group: which workers it has been given to, and how many of its jobs are unfinished. */
  private readonly groups = new Map<string, { workers: Set<number>; pending: number }>();
  private nextTaskId = 1;
  private nextSlotId = 1;
  private closed = false;
  /** Set when a worker could not even start: every job then fails with it. */
  private broken: Error | undefined;
  /** Workers started in all, replacements included. */
  started = 0;

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new RangeError(`a pool needs at least one worker, got ${options.size}`);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Queues a job; resolves with its reply (or `died` if its worker died or the pool closed). */
  run(job: Job, group?: string): Promise<Reply> {
    if (this.closed) return Promise.resolve({ kind: 'died', detail: 'the pool is closed' });
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextTaskId++, job, group, resolve, reject };
      if (group) {
        const g = this.groups.get(group) ?? { workers: new Set<number>(), pending: 0 };
        g.pending++;
        this.groups.set(group, g);
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running jobs answer `died: cancelled`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.resolve({ kind: 'died', detail: 'cancelled' });
    await Promise.all(
      this.slots.map((slot) => {
        slot.deathReason = 'cancelled';
        return slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry ?? WORKER_URL);
    const slot: Slot = { id: this.nextSlotId++, worker, ready: false };
    this.started++;
    worker.on('message', (message: { id: number; reply: Reply } | { ready: true }) => {
      if ('ready' in message) {
        slot.ready = true;
        if (slot.task) this.startTimer(slot);
        return;
      }
      const task = slot.task;
      if (!task || task.id !== message.id) return;
      this.finish(slot, message.reply);
      this.dispatch();
    });
    worker.on('error', (error) => {
      slot.deathReason ??= `the worker crashed: ${error.message}`;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onExit(slot: Slot, code: number): void {
    const reason = slot.deathReason ?? `the worker exited with code ${code} (process.exit in the design?)`;
    if (!slot.ready && !this.closed && slot.deathReason !== 'cancelled') return this.fail(new Error(`a campaign worker failed to start: ${reason}`));
    if (slot.task) this.finish(slot, { kind: 'died', detail: reason });
    const at = this.slots.indexOf(slot);
    if (at < 0 || this.closed) return;
    this.slots[at] = this.spawn();
    this.dispatch();
  }

  /** A worker that cannot start means no worker can: fail everything rather than respawn forever. */
  private fail(error: Error): void {
    this.broken = error;
    const tasks = [...this.queue.splice(0), ...this.slots.flatMap((s) => (s.task ? [s.task] : []))];
    for (const slot of this.slots) {
      slot.task = undefined;
      if (slot.timer) clearTimeout(slot.timer);
    }
    for (const task of tasks) task.reject(error);
    void this.close();
  }

  private finish(slot: Slot, reply: Reply): void {
    const task = slot.task!;
    slot.task = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    if (task.group) {
      const g = this.groups.get(task.group)!;
      if (--g.pending === 0) this.groups.delete(task.group);
    }
    task.resolve(reply);
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.task || slot.deathReason || this.queue.length === 0) continue;
      const at = this.pick(slot);
      if (at < 0) continue;
      const [task] = this.queue.splice(at, 1);
      if (task.group) this.groups.get(task.group)!.workers.add(slot.id);
      slot.task = task;
      // the budget is the run's: a worker still booting (slow under load) starts it when ready
      if (slot.ready) this.startTimer(slot);
      slot.worker.postMessage({ id: task.id, job: task.job });
    }
  }

  private startTimer(slot: Slot): void {
    if (this.options.runTimeoutMs === undefined) return;
    slot.timer = setTimeout(() => {
      slot.deathReason = `the run took longer than ${this.options.runTimeoutMs} ms of wall time`;
      void slot.worker.terminate();
    }, this.options.runTimeoutMs);
  }

  /** The first queued task this worker may take: not one whose group it already served. */
  private pick(slot: Slot): number {
    if (this.slots.length === 1) return 0;
    for (let i = 0; i < this.queue.length; i++) {
      const group = this.queue[i].group;
      if (!group || !this.groups.get(group)!.workers.has(slot.id)) return i;
      if (this.allOthersGone(slot)) return i;
    }
    return -1;
  }

  private allOthersGone(slot: Slot): boolean {
    return this.slots.every((s) => s === slot || s.deathReason !== undefined);
  }
}
