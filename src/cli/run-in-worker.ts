/**
 * Runs `hasim run`/`hasim replay` in a worker thread with a wall-clock budget. A user's design
 * can loop forever inside one handler (no event budget can stop a `while (true)`), call
 * `process.exit`, or leave real timers behind; in a worker the main thread stays free to
 * notice and stop it. The flags and the design are checked in the main thread first, so bad
 * input still costs no thread and is one line with exit 2.
 *
 * Exit codes: the worker's own (0, 1, 2); 1 when the run overran its budget or the thread
 * died (the design failed its run, as a campaign counts it); 3 for a failure of hasim itself.
 */
import { Worker } from 'node:worker_threads';
import { err, exitWith, out } from './io.ts';

export type RunWorkerMessage = { stdout: string } | { stderr: string } | { code: number };

/** The default wall-clock budget of one run, in seconds (`--run-timeout`), for run, replay and check. */
export const DEFAULT_RUN_TIMEOUT_S = 300;

const BOOT = new URL('./run-worker-boot.mjs', import.meta.url);

let insideWorker = false;

/** Called by the worker: the command it runs simulates here instead of starting another worker. */
export function markRunWorker(): void {
  insideWorker = true;
}

export const inRunWorker = (): boolean => insideWorker;

/**
 * Runs `argv` (a run or replay command line) in a worker; its output and exit code become ours.
 * `entry`: the module the worker starts from (the tsx boot, or the bundle of campaign/worker-bundle.ts).
 */
export function runInWorker(argv: readonly string[], timeoutS: number, design: string, entry: URL = BOOT): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(entry, { workerData: { argv: [...argv] }, stdout: false, stderr: false });
    let code: number | undefined;
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = `the run of ${design} took longer than ${timeoutS} s of wall time and was stopped (an endless loop in the design? a longer run needs --run-timeout)`;
      void worker.terminate();
    }, timeoutS * 1000);
    worker.on('message', (message: RunWorkerMessage) => {
      if ('stdout' in message) out(message.stdout);
      else if ('stderr' in message) err(message.stderr);
      else {
        code = message.code;
        // the command is done: stop the thread, even if the design left real timers or handles behind
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      failure ??= `the run of ${design} crashed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    });
    worker.on('exit', (exitCode) => {
      clearTimeout(timer);
      if (code !== undefined) exitWith(code);
      else {
        err(`hasim: ${failure ?? `the run of ${design} ended without a result (the thread exited with code ${exitCode}; process.exit in the design?)`}\n`);
        exitWith(1);
      }
      resolve();
    });
  });
}
