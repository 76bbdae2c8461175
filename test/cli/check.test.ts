/**
 * `hasim check` and `hasim merge`: exit codes 0 / 1 / 2 / 130, one-line errors for bad flags,
 * JSON and JUnit outputs, failing schedules written with their replay commands, shards merged
 * to the whole run, and Ctrl-C then --resume. The report, exit code and signal cases spawn the
 * binary as a user runs it; the rest call the CLI's main in-process (the same code, without a
 * process start of ~1 s CPU per case).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { hasim, withoutProgress } from './run-hasim.ts';

const fixture = (name: string) => new URL(`../campaign/fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const SHORT = fixture('short.yaml');
const PROFILE = fixture('random-tiny.yaml');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hasim-check-'));
});

const timingFree = (file: Record<string, unknown>) => {
  const { command: _c, elapsedMs: _e, runsElapsedMs: _r, runsPerSecond: _s, workers: _w, ...rest } = file;
  return rest;
};

describe('hasim check', () => {
  it('exits 0 with the report when every invariant holds', async () => {
    const r = await hasim(['check', DESIGN, '--runs', '4', '--workers', '0', '-s', SHORT], { cwd: dir });
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 of 4 runs \(seeds 1\.\.4; schedules short\)/);
    expect(r.stdout).toMatch(/│ single-primary\s+│\s+0 │/);
    expect(r.stdout).toContain('coverage: failovers');
  });

  it('exits 1 on a violation, writing JSON, JUnit and the shrunk schedules its replay commands name', async () => {
    const r = await hasim(['check', DESIGN, '--runs', '4', '--workers', '2', '--profile', PROFILE, '--set', 'mode=split', '--set', 'badFraction=1', '--json', 'out.json', '--junit', 'out.xml', '--max-failures', '2', '--shrink-runs', '30'], { cwd: dir });
    expect(r.code).toBe(1);
    const file = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(file).toMatchObject({ format: 'hasim-campaign/1', kind: 'check', completedRuns: 4, totalRuns: 4, interrupted: false });
    const { runs, failedRuns, failuresOmitted } = file.designs[0];
    expect(runs).toBe(4);
    expect(failedRuns).toBeGreaterThan(2);
    expect(failuresOmitted).toBe(failedRuns - 2);
    const failures = file.designs[0].failures;
    expect(failures).toHaveLength(2);
    for (const f of failures) {
      expect(existsSync(join(dir, f.scheduleFile))).toBe(true);
      expect(f.replay).toContain(`-s ${f.scheduleFile} --seed ${f.seed}`);
      expect(r.stdout).toContain(`replay: ${f.replay}`);
    }
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toMatch(/<failure message="\d of 4 runs violated single-primary"/);
  });

  it('writes the JSON to stdout alone with a bare --json', async () => {
    const r = await runCli(['check', DESIGN, '--runs', '2', '--workers', '0', '-s', SHORT, '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).designs[0].runs).toBe(2);
  });

  // The one-line errors are the CLI's own, the same in-process (binary.test.ts shows the process
  // behaves like main): no process per case.
  for (const [what, args, message] of [
    ['--shard 3/2', ['--shard', '3/2'], /^hasim: --shard: expected i\/n with 1 <= i <= n/],
    ['--runs -1', ['--runs', '-1'], /^hasim: --runs: expected an integer >= 1/],
    ['--workers two', ['--workers', 'two'], /^hasim: --workers: expected an integer >= 0/],
    ['an unknown invariant', ['--invariants', 'single-primary,nope'], /^hasim: --invariants: expected invariant names/],
    ['an unknown parameter', ['--set', 'nope=1'], /^hasim: --set: nope: expected a parameter of misbehaving/],
    ['both a profile and schedules', ['--profile', PROFILE, '-s', SHORT], /^hasim: --profile: expected either a random profile or schedules/],
  ] as const) {
    it(`exits 2 with one line for ${what}`, async () => {
      const r = await runCli(['check', DESIGN, '--workers', '0', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it('exits 2 with one line for an unknown design', async () => {
    const r = await runCli(['check', 'no-such-design', '--runs', '1'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hasim: design: no-such-design: expected a bundled design \([^)]*\) or a path to a design file\n$/);
  });

  it('merges shards into what the whole run writes', async () => {
    const common = [DESIGN, '--runs', '9', '--workers', '0', '--profile', PROFILE, '--set', 'mode=split', '--max-failures', '3', '--shrink-runs', '20'];
    // in-process, one after the other (runCli changes the working directory while it runs)
    const runs = [];
    for (const extra of [['--json', 'whole.json'], ['--shard', '1/2', '--json', 's1.json'], ['--shard', '2/2', '--json', 's2.json']]) {
      runs.push(await runCli(['check', ...common, ...extra], { cwd: dir }));
    }
    expect(runs[0].code).toBe(1);
    for (const r of runs) expect(withoutProgress(r.stderr)).toBe('');
    const merged = await runCli(['merge', 's2.json', 's1.json', '--json', 'merged.json', '--junit', 'merged.xml'], { cwd: dir });
    expect(merged.code).toBe(1);
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
    expect(timingFree(read('merged.json'))).toEqual(timingFree(read('whole.json')));
    expect(merged.stdout).toContain('9 of 9 runs (seeds 1..9;');
    const bad = await runCli(['merge', 's1.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hasim: merge: expected every shard of the split \(missing 2\/2\)\n$/);
  });

  it('writes partial results on Ctrl-C (exit 130), and --resume completes them', async () => {
    const args = ['check', DESIGN, '--runs', '300', '-s', SHORT, '--json', 'partial.json', '--shrink-runs', '0'];
    const interrupted = await hasim([...args, '--workers', '0'], {
      cwd: dir,
      // Ctrl-C once the first results are saved (the file is written as runs complete)
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (existsSync(join(dir, 'partial.json'))) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('interrupted');
    const partial = JSON.parse(readFileSync(join(dir, 'partial.json'), 'utf8'));
    expect(partial.interrupted).toBe(true);
    expect(partial.completedRuns).toBeLessThan(300);
    const resumed = await hasim([...args, '--workers', '2', '--resume', 'partial.json'], { cwd: dir });
    expect(resumed.code).toBe(0);
    const done = JSON.parse(readFileSync(join(dir, 'partial.json'), 'utf8'));
    expect(done).toMatchObject({ interrupted: false, completedRuns: 300, done: [[0, 300]] });
    expect(done.designs[0].runs).toBe(300);
  });
});
