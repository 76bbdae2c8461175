/**
 * The real `hasim` binary, spawned as a user runs it, for what in-process tests cannot show:
 * designs that exit or loop forever at import, hang, exit or use real timers while they run
 * (hasim neither hangs nor dies: one line, or the run fails with a message), and SIGTERM in
 * the middle of a campaign followed by --resume, which gives the same result file as an
 * uninterrupted run. How designs that fail to load are named is in user-code.test.ts (the
 * loading happens in a worker thread under tsx there too, as in the binary).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, hasim, withoutProgress } from './run-hasim.ts';

const fixture = (name: string) => new URL(`../campaign/fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const SHORT = fixture('short.yaml');
const PROFILE = fixture('random-tiny.yaml');
const ORDER_SERVER = new URL('../../src/parts/order-server.ts', import.meta.url).pathname;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hasim-binary-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'exits.mjs'), 'process.exit(9);\n');
  writeFileSync(join(dir, 'loops.mjs'), 'for (;;) {}\n');
  writeFileSync(
    join(dir, 'timer.ts'),
    `import { OrderServer } from '${ORDER_SERVER}';
export default {
  name: 'timer', description: 'uses a real timer', params: {},
  topology: () => ({ nodes: [{ id: 'a' }], routing: { kind: 'direct', targets: ['a'] } }),
  createNode: (ctx) => {
    const server = new OrderServer(ctx);
    return { onStart: () => { server.becomePrimary(1); setTimeout(() => { throw new Error('late'); }, 10); }, onMessage: (_f, m) => server.handle(m) };
  },
};
`,
  );
});

const oneLine = (stderr: string) => expect(stderr).toMatch(/^hasim: [^\n]+\n$/);

describe('the hasim binary', () => {
  it.concurrent('writes a report larger than a pipe holds whole before it exits (--json --history on a pipe)', async () => {
    // through a shell pipe (a child's stdio from spawn is a socket, which did not show it)
    const { stdout } = await promisify(execFile)('sh', ['-c', `"${process.execPath}" "${BIN}" run single -s primary-crash --json --history | cat`], { maxBuffer: 256 << 20 });
    // ~18 MB: exiting at once cut it at a multiple of the pipe's 64 KiB
    expect(stdout.length).toBeGreaterThan(1 << 20);
    expect(JSON.parse(stdout).history.events.length).toBeGreaterThan(0);
  });

  it.concurrent('survives a design that exits or loops forever at import: one line, exit 2', async () => {
    const [exits, loops] = await Promise.all([hasim(['run', join(dir, 'exits.mjs')]), hasim(['check', join(dir, 'loops.mjs'), '--run-timeout', '2'])]);
    expect([exits.code, exits.stdout]).toEqual([2, '']);
    expect(exits.stderr).toMatch(/^hasim: \S*exits\.mjs: expected a design that loads without ending the process \(got process\.exit\(9\) called while it loaded\)\n$/);
    expect([loops.code, loops.stdout]).toEqual([2, '']);
    expect(loops.stderr).toMatch(/^hasim: \S*loops\.mjs: expected a design that loads within 2 s \(got its import still running after 2 s: an endless loop at its top level\?\)\n$/);
  });

  it('stops a run whose design loops forever, after --run-timeout, with exit 1', async () => {
    const r = await hasim(['run', DESIGN, '-s', SHORT, '--set', 'mode=hang', '--set', 'badFraction=1', '--run-timeout', '3']);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/the run of .*misbehaving\.ts took longer than 3 s of wall time and was stopped/);
  });

  it('fails the run of a design calling process.exit or a real timer, with what it did', async () => {
    const [exit, timer] = await Promise.all([hasim(['run', DESIGN, '-s', SHORT, '--set', 'mode=exit', '--set', 'badFraction=1']), hasim(['run', join(dir, 'timer.ts'), '-s', SHORT])]);
    expect([exit.code, exit.stderr]).toEqual([1, '']);
    expect(exit.stdout).toContain('model-error: design code threw on node b at t=500000us: the design called process.exit(7)');
    expect([timer.code, timer.stderr]).toEqual([1, '']);
    expect(timer.stdout).toContain('the design called the real setTimeout: designs run on virtual time; use ctx.setTimer');
  });

  it('fails a hanging campaign run as worker-died without hanging itself', async () => {
    const r = await hasim(['check', DESIGN, '--runs', '1', '-s', SHORT, '--set', 'mode=hang', '--set', 'badFraction=1', '--run-timeout', '3', '--shrink-runs', '0'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('worker-died');
  });

  // three hasim processes at once, each with a worker thread: give it room on a loaded machine
  it('saves the campaign on SIGTERM (exit 143) as it goes, and --resume gives what an uninterrupted run gives', { timeout: 150_000 }, async () => {
    const args = ['check', DESIGN, '--runs', '60', '--profile', PROFILE, '--set', 'mode=split', '--max-failures', '3', '--shrink-runs', '0', '--workers', '1'];
    const whole = hasim([...args, '--json', 'whole.json'], { cwd: dir });
    const partialFile = join(dir, 'part.json');
    const interrupted = await hasim([...args, '--json', 'part.json'], {
      cwd: dir,
      onSpawn: (child) => {
        // stop it as soon as its first results are on disk
        const poll = setInterval(() => {
          if (existsSync(partialFile)) {
            clearInterval(poll);
            child.kill('SIGTERM');
          }
        }, 50);
      },
    });
    expect(interrupted.code).toBe(143);
    expect(withoutProgress(interrupted.stderr)).toMatch(/terminated; writing partial results[\s\S]*partial results in part\.json; continue with --resume part\.json\n$/);
    const partial = JSON.parse(readFileSync(partialFile, 'utf8'));
    expect(partial.interrupted).toBe(true);
    expect(partial.completedRuns).toBeLessThan(60);
    const resumed = await hasim([...args, '--json', 'part.json', '--resume', 'part.json'], { cwd: dir });
    expect(resumed.code).toBe(1);
    expect((await whole).code).toBe(1);
    const read = (name: string) => {
      const { command: _c, elapsedMs: _e, runsElapsedMs: _r, runsPerSecond: _s, workers: _w, ...rest } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      return rest;
    };
    expect(read('part.json')).toEqual(read('whole.json'));
  });
});
