/**
 * The worker-thread side of `hasim run` and `hasim replay`: runs the same command line with
 * the CLI's own `main`, streaming its stdout and stderr to the main thread and ending with
 * its exit code. The main thread keeps a wall-clock budget and terminates this thread when a
 * design loops forever, so hasim itself never hangs (see `run-in-worker.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './main.ts';
import { markRunWorker, type RunWorkerMessage } from './run-in-worker.ts';

const port = parentPort;
if (!port) throw new Error('cli/run-worker.ts must run in a worker thread');
markRunWorker();
const argv = (workerData as { argv: string[] }).argv;
const post = (message: RunWorkerMessage) => port.postMessage(message);
const code = await main(argv, { stdout: (text) => post({ stdout: text }), stderr: (text) => post({ stderr: text }), stderrIsTty: false, argv });
post({ code });
