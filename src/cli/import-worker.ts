/**
 * The worker-thread side of the CLI's user-code guard (`user-code.ts`): for each request,
 * imports one design file (and validates it, as `loadDesign` does) or one invariant module, and
 * answers whether it loaded. If the file loops forever at its top level the main thread stops this thread; if it
 * calls `process.exit`, only this thread ends.
 */
import { parentPort } from 'node:worker_threads';
import { loadDesign } from '../campaign/catalog.ts';
import { loadInvariantModules } from '../campaign/invariant-modules.ts';
import { InputError } from '../sim/input-error.ts';
import type { ImportRequest, ImportWorkerMessage } from './user-code.ts';

const port = parentPort;
if (!port) throw new Error('cli/import-worker.ts must run in a worker thread');

port.on('message', async ({ id, source, kind }: ImportRequest) => {
  const answer = (message: ImportWorkerMessage) => port.postMessage(message);
  answer({ id, started: true });
  try {
    if (kind === 'design') await loadDesign(source);
    else await loadInvariantModules([source]);
    answer({ id, ok: true });
  } catch (error) {
    answer(
      error instanceof InputError
        ? { id, inputError: { source: error.source, field: error.field, expected: error.expected, ...(error.found === undefined ? {} : { found: error.found }) } }
        : { id, failed: (error instanceof Error ? error.message : String(error)).split('\n')[0] },
    );
  }
});
