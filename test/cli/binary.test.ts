/**
 * The real `hasim` binary, spawned as a user runs it, for what the in-process table cannot
 * show: designs that fail to load the way Node loads them (a syntax error with file:line:col,
 * an exception at import, a missing package), designs that hang, exit or use real timers
 * (the run fails with a message; hasim neither hangs nor dies), and SIGTERM in the middle of
 * a campaign followed by --resume, which gives the same result file as an uninterrupted run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasim, withoutProgress } from './run-hasim.ts';

const fixture = (name: string) => new URL(`../campaign/fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const SHORT = fixture('short.yaml');
const PROFILE = fixture('random-tiny.yaml');
const ORDER_SERVER = new URL('../../src/parts/order-server.ts', import.meta.url).pathname;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hasim-binary-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(dir, 'commonjs'));
  writeFileSync(join(dir, 'commonjs', 'package.json'), '{}\n');
  writeFileSync(join(dir, 'commonjs', 'design.ts'), "export default { name: 'x' };\n");
  writeFileSync(join(dir, 'syntax.ts'), "export default {\n  name: 'broken',\n  params: { x: }\n};\n");
  writeFileSync(join(dir, 'throws.mjs'), "throw new Error('the design exploded at import');\n");
  writeFileSync(join(dir, 'missing.mjs'), "import { defineDesign } from 'hasim-not-installed';\nexport default defineDesign({});\n");
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
  it.concurrent('names the file, line and column of a syntax error in a design', async () => {
    const r = await hasim(['run', join(dir, 'syntax.ts')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/syntax\.ts:3:\d+: expected valid TypeScript/);
  });

  it.concurrent('says a design threw at import, not that it is no ES module', async () => {
    const r = await hasim(['run', join(dir, 'throws.mjs')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/throws\.mjs: expected a design that loads without throwing \(got "the design exploded at import"/);
  });

  it.concurrent('says a TypeScript design outside a "type": "module" package needs one (or .mts)', async () => {
    const r = await hasim(['run', join(dir, 'commonjs', 'design.ts')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/design\.ts: expected an ES module \(its package\.json needs "type": "module", or name the file \.mts\)/);
  });

  it.concurrent('names a missing package', async () => {
    const r = await hasim(['run', join(dir, 'missing.mjs')]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/missing\.mjs: import 'hasim-not-installed': expected the module it imports/);
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

  it('saves the campaign on SIGTERM (exit 143) as it goes, and --resume gives what an uninterrupted run gives', async () => {
    const args = ['check', DESIGN, '--runs', '60', '--profile', PROFILE, '--set', 'mode=split', '--max-failures', '3', '--shrink-runs', '0', '--workers', '2'];
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
