/**
 * Runs the `hasim` bin as a user would (a child process) and collects its exit code and output.
 */
import { spawn } from 'node:child_process';

export const BIN = new URL('../../bin/hasim.js', import.meta.url).pathname;

export interface HasimRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function hasim(args: string[], options: { cwd?: string; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<HasimRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** stderr without the progress lines a campaign prints every few seconds when stderr is not a terminal. */
export const withoutProgress = (stderr: string): string => stderr.replace(/^hasim: (\d+\/\d+ runs|shrinking failures).*\n/gm, '');
