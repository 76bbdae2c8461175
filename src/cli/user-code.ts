/**
 * The CLI's guard for user code (`campaign/user-code-guard.ts`): before this thread imports a
 * design file or an invariant module, a worker thread imports it (and, for a design, validates
 * it as `loadDesign` does) under a wall-clock budget. A file that loops forever at its top
 * level is stopped when the budget runs out; one that calls `process.exit` ends only that
 * thread. Either is one line naming the file and exit 2, like any design that fails to load
 * (design.md §6: designs are validated when loaded). Once the worker has loaded a file, this
 * thread imports it as before. Each file is tried once per command, one file at a time.
 *
 * The budget is `LOAD_TIMEOUT_S`, or a command's `--run-timeout` when that is shorter.
 * `hasim run` and `hasim replay` need no guard: they load user code only in their own run
 * worker (`run-in-worker.ts`), which has the same budget for loading.
 */
import { Worker } from 'node:worker_threads';
import { setUserCodeGuard, type UserCodeKind } from '../campaign/user-code-guard.ts';
import { InputError } from '../sim/input-error.ts';

/** Wall-clock seconds a user's file may take to load (import and validation). */
export const LOAD_TIMEOUT_S = 60;

/** What the main thread asks the import worker: load one file. */
export interface ImportRequest {
  id: number;
  source: string;
  kind: UserCodeKind;
}

/** What the import worker answers: it started on request `id`, or how that ended. */
export type ImportWorkerMessage =
  | { id: number; started: true }
  | { id: number; ok: true }
  | { id: number; inputError: { source: string; field: string; expected: string; found?: string } }
  | { id: number; failed: string };

const BOOT = new URL('./import-worker-boot.mjs', import.meta.url);

let budgetS = LOAD_TIMEOUT_S;

/** A command with a shorter wall-clock budget per run (`--run-timeout`) loads within it too. */
export function limitLoadTime(seconds: number): void {
  budgetS = Math.min(budgetS, seconds);
}

/** Installs the guard for one command; returns what undoes it. */
export function installUserCodeGuard(): () => void {
  budgetS = LOAD_TIMEOUT_S;
  const tried = new Map<string, Promise<void>>();
  const previous = setUserCodeGuard((source, path, kind) => {
    const key = `${kind}\0${path}`;
    let pending = tried.get(key);
    if (!pending) tried.set(key, (pending = tryInWorker(source, kind, budgetS)));
    return pending;
  });
  return () => void setUserCodeGuard(previous);
}

/**
 * The import worker, kept for the next file while its files load cleanly (a command, or a
 * test running many commands in one process, pays its start-up once); a file that overruns
 * its budget or ends the thread takes it down, and the next file starts a new one. It never
 * keeps the process alive.
 */
let current: { worker: Worker; busy: Promise<void> } | undefined;
let nextId = 1;

/** Imports (and validates) `source` in the import worker within `timeoutS`; rejects with an InputError. */
export function tryInWorker(source: string, kind: UserCodeKind, timeoutS: number): Promise<void> {
  const slot = (current ??= { worker: startWorker(), busy: Promise.resolve() });
  // one file at a time, so a budget is never charged for another file's import
  const attempt = slot.busy.then(() => (slot === current ? loadIn(slot.worker, source, kind, timeoutS) : tryInWorker(source, kind, timeoutS)));
  slot.busy = attempt.catch(() => undefined);
  return attempt;
}

function startWorker(): Worker {
  const worker = new Worker(BOOT, { stdout: true, stderr: true });
  worker.unref();
  // what a user's file prints while it loads is not hasim's output
  worker.stdout.resume();
  worker.stderr.resume();
  worker.on('exit', () => {
    if (current?.worker === worker) current = undefined;
  });
  return worker;
}

function loadIn(worker: Worker, source: string, kind: UserCodeKind, timeoutS: number): Promise<void> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (error?: Error, discard = false) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (discard) {
        if (current?.worker === worker) current = undefined;
        void worker.terminate();
      }
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (message: ImportWorkerMessage) => {
      if (message.id !== id) return;
      if ('started' in message) {
        // the budget counts from the import, not from the thread's own start-up
        timer = setTimeout(
          () => settle(new InputError(source, '', `${article(kind)} that loads within ${timeoutS} s`, `its import still running after ${timeoutS} s: an endless loop at its top level?`), true),
          timeoutS * 1000,
        );
      } else if ('ok' in message) settle();
      else if ('inputError' in message) {
        const e = message.inputError;
        settle(new InputError(e.source, e.field, e.expected, e.found));
      } else settle(new InputError(source, '', `${article(kind)} that loads without an error`, message.failed));
    };
    const onError = (error: unknown) => settle(new InputError(source, '', `${article(kind)} that loads without an error`, firstLine(error)), true);
    const onExit = (code: number) => settle(new InputError(source, '', `${article(kind)} that loads without ending the process`, `process.exit(${code}) called while it loaded`));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, source, kind } satisfies ImportRequest);
  });
}

const article = (kind: UserCodeKind) => (kind === 'design' ? 'a design' : 'an invariant module');
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
