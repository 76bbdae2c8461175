/**
 * The worker-thread side of the pool: receives `{ id, job }` messages, executes each job with
 * its own Executor (designs and profiles are loaded once per worker and cached), and posts
 * `{ id, reply }` back. One job at a time; the pool never sends a second before the reply.
 * A design that calls `process.exit` ends this thread only: the pool notices and replaces it.
 */
import { parentPort } from 'node:worker_threads';
import { Executor } from './executor.ts';
import type { Job, Reply } from './job.ts';

const executor = new Executor();
const port = parentPort;
if (!port) throw new Error('campaign/worker.ts must run in a worker thread');

port.postMessage({ ready: true });
port.on('message', async (message: { id: number; job: Job }) => {
  let reply: Reply;
  try {
    reply = await executor.execute(message.job);
  } catch (error) {
    reply = { kind: 'died', detail: `uncaught error in the worker: ${error instanceof Error ? error.message : String(error)}` };
  }
  port.postMessage({ id: message.id, reply });
});
