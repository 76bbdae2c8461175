/**
 * Stopping long commands cleanly: `compare` and `sweep` save their result file as runs
 * complete, stop on SIGTERM (exit 143) or SIGINT (exit 130) with the partial result written,
 * and `--resume FILE` continues it to exactly the JSON an uninterrupted run gives (as `check`
 * does: binary.test.ts shows that one with the real binary and a real signal). `estimate`
 * stops with one line and 130/143, its worker threads stopped, nothing written.
 *
 * In-process: the signal is emitted to this process's listeners (`process.emit`), which is
 * what a delivered signal does once hasim listens for it; were hasim not listening, nothing
 * would happen and the command would finish with 0.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './run-cli.ts';

const SHORT = new URL('../campaign/fixtures/short.yaml', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hasim-stop-'));
});

/** Runs hasim in `dir` and sends `signal` once `ready()` holds (polled between runs). */
async function stopped(args: string[], signal: 'SIGINT' | 'SIGTERM', ready: () => boolean): Promise<CliRun> {
  const pending = runCli(args, { cwd: dir });
  const poll = setInterval(() => {
    if (!ready()) return;
    clearInterval(poll);
    process.emit(signal);
  }, 2);
  try {
    return await pending;
  } finally {
    clearInterval(poll);
  }
}

/** A result file without what legitimately differs between runs (the command line, timings). */
function comparable(name: string) {
  const { command: _c, elapsedMs: _e, runsElapsedMs: _r, runsPerSecond: _s, workers: _w, ...rest } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  return rest;
}

async function stopThenResume(args: string[], signal: 'SIGINT' | 'SIGTERM', exit: number): Promise<void> {
  const [whole, part] = [`${args[0]}-whole.json`, `${args[0]}-part.json`];
  const uninterrupted = await runCli([...args, '--json', whole], { cwd: dir });
  expect(uninterrupted.code).toBe(0);
  const interrupted = await stopped([...args, '--json', part], signal, () => existsSync(join(dir, part)));
  expect(interrupted.code).toBe(exit);
  expect(interrupted.stderr).toMatch(new RegExp(`partial results in ${part}; continue with --resume ${part}\\n$`));
  const partial = JSON.parse(readFileSync(join(dir, part), 'utf8'));
  expect(partial.interrupted).toBe(true);
  expect(partial.completedRuns).toBeGreaterThan(0);
  expect(partial.completedRuns).toBeLessThan(partial.totalRuns);
  const resumed = await runCli([...args, '--json', part, '--resume', part], { cwd: dir });
  expect([resumed.code, resumed.stderr]).toEqual([0, '']);
  expect(comparable(part)).toEqual(comparable(whole));
}

describe('stopping and resuming', () => {
  it('compare: SIGTERM saves the runs done (exit 143) and --resume gives the uninterrupted JSON', async () => {
    await stopThenResume(['compare', 'single', 'hot-standby-naive', '-s', SHORT, '--runs', '12', '--workers', '0', '--format', 'csv'], 'SIGTERM', 143);
  });

  it('sweep: SIGINT saves the runs done (exit 130) and --resume gives the uninterrupted JSON', async () => {
    await stopThenResume(['sweep', 'single', '--param', 'restartSec=1s,3s', '-s', SHORT, '--runs', '12', '--workers', '0', '--format', 'csv'], 'SIGINT', 130);
  });

  it('--resume takes only a result file of the same command', async () => {
    await runCli(['compare', 'single', '-s', SHORT, '--runs', '1', '--workers', '0', '--json', 'one.json'], { cwd: dir });
    const r = await runCli(['sweep', 'single', '--param', 'restartSec=1s,3s', '-s', SHORT, '--runs', '1', '--workers', '0', '--resume', 'one.json'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe('hasim: one.json: kind: expected a result file of hasim sweep (resume a campaign with the command that began it) (got "compare")\n');
  });

  it('estimate: a signal stops it in this thread or on workers, with one line, 130/143 and nothing written', async () => {
    // once hasim listens, and a little later, when chunks are running (the estimate takes far longer)
    const listening = (name: 'SIGINT' | 'SIGTERM') => {
      const before = process.listenerCount(name);
      let since: number | undefined;
      return () => {
        if (process.listenerCount(name) > before) since ??= Date.now();
        return since !== undefined && Date.now() - since > 300;
      };
    };
    const args = ['estimate', 'single', '--reliability', 'exponential-simple', '--years', '5000', '--simulations', '2000'];
    const here = await stopped([...args, '--workers', '0', '--json', 'est.json'], 'SIGINT', listening('SIGINT'));
    expect([here.code, here.stdout, here.stderr]).toEqual([130, '', 'hasim: interrupted; the estimate stopped and wrote nothing\n']);
    const pool = await stopped([...args, '--workers', '1', '--json', 'est.json'], 'SIGTERM', listening('SIGTERM'));
    expect([pool.code, pool.stdout, pool.stderr]).toEqual([143, '', 'hasim: terminated; the estimate stopped and wrote nothing\n']);
    expect(existsSync(join(dir, 'est.json'))).toBe(false);
  });
});
