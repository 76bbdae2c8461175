/**
 * Real processes for the calibration harness: start them, remember their PIDs, end exactly
 * those (never by name), and make sure they are gone when the script exits for any reason
 * (normal end, an exception, Ctrl-C, the wall-clock limit). Also the wall clock the harness
 * measures with: milliseconds with sub-millisecond resolution, comparable across processes
 * on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Wall-clock time in ms (fractional). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const started = new Set<Proc>();
const cleanups: (() => void)[] = [];
let installed = false;

/** Runs `fn` at exit (after every started process has been killed). */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

/** SIGKILL to a started process and every process it started (keepalived forks its VRRP child). */
function killTree(p: Proc): void {
  for (const pid of descendants(p.pid).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  killPid(p, 'SIGKILL');
}

function cleanupNow(): void {
  for (const p of started) killTree(p);
  started.clear();
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // best effort: the rest must still run
    }
  }
}

/** Installs exit/signal handlers and a hard wall-clock limit for the whole script. */
export function bound(limitMs: number): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      cleanupNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    cleanupNow();
    process.exit(3);
  });
  const timer = setTimeout(() => {
    console.error(`calibration: wall-clock limit of ${Math.round(limitMs / 1000)} s reached, stopping`);
    cleanupNow();
    process.exit(4);
  }, limitMs);
  timer.unref();
}

/**
 * Starts a process with stdout+stderr appended to `logFile`, or, with `onLine`, read line by
 * line as they come (each stamped with the wall clock on arrival) and also appended to the log.
 */
export function start(name: string, command: string, args: string[], logFile: string, options: { cwd?: string; onLine?: (line: string, ms: number) => void } = {}): Proc {
  let child: ChildProcess;
  if (options.onLine) {
    const onLine = options.onLine;
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const ms = nowMs();
        appendFileSync(logFile, chunk);
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(line, ms);
      });
    }
  } else {
    const fd = openSync(logFile, 'a');
    child = spawn(command, args, { stdio: ['ignore', fd, fd], cwd: options.cwd });
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const proc: Proc = {
    name,
    pid: child.pid,
    child,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  started.add(proc);
  void proc.exited.then(() => started.delete(proc));
  return proc;
}

/** Sends a signal to exactly this process (by its PID). */
export { killTree };

export function killPid(proc: Proc, signal: NodeJS.Signals): void {
  try {
    process.kill(proc.pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every process still running that this script started, and waits for them. */
export async function killAll(): Promise<void> {
  const all = [...started];
  for (const p of all) killTree(p);
  await Promise.all(all.map((p) => p.exited));
}

/** A fresh temporary directory, removed at exit (kept, for debugging, with `--keep`). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!process.argv.includes('--keep')) onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Waits until `probe` returns true, polling every `everyMs`; false on timeout. */
export async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = nowMs() + timeoutMs;
  while (nowMs() < end) {
    try {
      if (await probe()) return true;
    } catch {
      // not ready yet
    }
    await sleep(everyMs);
  }
  return false;
}

/** The PIDs of `pid`'s descendants (read from /proc), deepest last. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}
