/**
 * The worker-thread side of the estimate pool: receives `{ id, job }` (a ChunkJob), runs it
 * and posts `{ id, result }` or `{ id, error }` back. Designs are loaded once per worker.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../sim/input-error.ts';
import { runChunk, type ChunkJob } from './chunk.ts';

const port = parentPort;
if (!port) throw new Error('estimate/worker.ts must run in a worker thread');

port.on('message', async (message: { id: number; job: ChunkJob }) => {
  try {
    port.postMessage({ id: message.id, result: await runChunk(message.job) });
  } catch (error) {
    const input = error instanceof InputError ? { source: error.source, field: error.field, expected: error.expected, found: error.found } : undefined;
    port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error), input });
  }
});
