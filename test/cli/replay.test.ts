/**
 * `hasim replay`: reproduces a run exactly (the trace hash of the same simulation in-process),
 * from a schedule file or from a profile and seed; `--expect-hash` turns it into a check (exit
 * 0 reproduced, 1 not); `hasim run` ends with the replay command that reproduces it; bad input
 * is one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadScenario, profilePath } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { drawRun, loadProfile } from '../../src/faults/random-profile.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';
import { runCli } from './run-cli.ts';

const BIN = join(import.meta.dirname, '../../bin/hasim.js');
const tmp = mkdtempSync(join(tmpdir(), 'hasim-replay-'));

function hasim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const hashIn = (text: string) => /trace hash ([0-9a-f]{16})/.exec(text)?.[1];

describe('hasim replay', () => {
  it('prints the trace hash of the same run simulated in-process, from a schedule', async () => {
    const expected = simulate({ design: await loadDesign('single'), seed: 3, schedule: loadScenario('primary-crash') });
    const { code, out } = hasim('replay', 'single', '-s', 'primary-crash', '--seed', '3');
    expect(hashIn(out)).toBe(expected.traceHash);
    expect(code).toBe(expected.violations.length ? 1 : 0);
  });

  it('redraws a profile run from its seed, drawn parameters included', async () => {
    const design = await loadDesign('single');
    const drawn = drawRun(loadProfile(profilePath('random-process')), design, 11);
    expect(drawn.params).toHaveProperty('restartSec');
    const expected = simulate({ design, seed: 11, schedule: drawn.schedule, params: drawn.params });
    const { out } = hasim('replay', 'single', '--profile', 'random-process', '--seed', '11', '--json');
    const json = JSON.parse(out);
    expect(json.traceHash).toBe(expected.traceHash);
    expect(json.schedule).toBe('random-process-11');
    expect(json.params.restartSec).toBe(drawn.params.restartSec);
  });

  it('with --expect-hash exits 0 when the run reproduces and 1 when it does not, whatever it violates', async () => {
    const expected = simulate({ design: await loadDesign('single'), seed: 5, schedule: loadScenario('server-crash') }).traceHash;
    const same = hasim('replay', 'single', '-s', 'server-crash', '--seed', '5', '--expect-hash', expected);
    expect(same.code).toBe(0);
    expect(same.out).toContain(`trace hash ${expected}: reproduced`);
    const other = hasim('replay', 'single', '-s', 'server-crash', '--seed', '6', '--expect-hash', expected, '--json');
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out)).toMatchObject({ expectedHash: expected, reproduced: false });
    expect(other.err).toMatch(/differs from the expected .*NOT reproduced/);
  });

  it('replays a shrunk schedule written as a file, and writes the JSON and the trace where asked', async () => {
    const design = await loadDesign('single');
    const schedule = parseSchedule('name: shrunk\nduration: 20s\nsettle: 10s\nfaults:\n  - { at: 5s, kind: process-crash, target: primary, for: 3s }\n', '<t>');
    const file = join(tmp, 'shrunk.yaml');
    writeFileSync(file, scheduleToYaml(schedule));
    const expected = simulate({ design, seed: 9, schedule: parseSchedule(readFileSync(file, 'utf8'), file) });
    const jsonFile = join(tmp, 'run.json');
    const traceFile = join(tmp, 'trace.txt');
    const { out } = hasim('replay', 'single', '-s', file, '--seed', '9', '--json', jsonFile, '--trace', traceFile, '--expect-hash', expected.traceHash);
    expect(out).toContain('reproduced');
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toMatchObject({ traceHash: expected.traceHash, reproduced: true, seed: 9 });
    expect(readFileSync(traceFile, 'utf8')).toMatch(/fault begin #0 process-crash a/);
  });

  it('is what `hasim run` prints to reproduce a run, with the hash to check', () => {
    const run = hasim('run', 'single', '-s', 'gc-pause', '--seed', '4', '--set', 'restartSec=2s');
    const line = /replay: (hasim replay .*)/.exec(run.out)![1];
    const hash = /\(trace ([0-9a-f]{16})\)/.exec(run.out)![1];
    expect(line).toBe(`hasim replay single -s gc-pause --seed 4 --set restartSec=2s --expect-hash ${hash}`);
    const replay = hasim(...line.split(' ').slice(1));
    expect(replay.code).toBe(0);
    expect(replay.out).toContain('reproduced');
  });

  it("carries a campaign's --invariant-module: the failure it found replays with it, and is found again", async () => {
    const module = join(import.meta.dirname, '../campaign/fixtures/late-acks.ts');
    writeFileSync(join(tmp, 'quiet.yaml'), 'name: quiet\nduration: 3s\nsettle: 0s\nfaults: []\n');
    const found = await runCli(['check', 'single', '-s', 'quiet.yaml', '--runs', '1', '--workers', '0', '--shrink-runs', '0', '--invariant-module', module, '--json'], { cwd: tmp });
    expect(found.code).toBe(1);
    const failure = JSON.parse(found.stdout).designs[0].failures[0];
    expect(failure.invariant).toBe('acks-before-2s');
    expect(failure.replay).toBe(`hasim replay single -s hasim-failures/single-seed1-quiet.yaml --seed 1 --invariant-module ${module} --expect-hash ${failure.traceHash}`);
    const replay = await runCli([...failure.replay.split(' ').slice(1), '--json'], { cwd: tmp });
    expect(replay.code).toBe(0);
    const result = JSON.parse(replay.stdout);
    expect(result.reproduced).toBe(true);
    expect(result.violations.map((v: { invariant: string }) => v.invariant)).toContain('acks-before-2s');
  });

  it('rejects bad input with one line and exit 2', () => {
    const both = hasim('replay', 'single', '-s', 'gc-pause', '--profile', 'random-default');
    expect([both.code, both.err.trim()]).toEqual([2, 'hasim: --profile: expected either -s/--scenario or --profile, not both']);
    const hash = hasim('replay', 'single', '--expect-hash', 'xyz');
    expect(hash.code).toBe(2);
    expect(hash.err).toMatch(/^hasim: --expect-hash: expected a trace hash/);
    const profile = hasim('replay', 'single', '--profile', 'nope');
    expect(profile.code).toBe(2);
    expect(profile.err).toMatch(/bundled random profile \(random-clock, random-default, random-network, random-process, random-worst-moment\)/);
  });
});
