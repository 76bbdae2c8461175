/**
 * The bundled designs under random campaigns: `raft` passes every invariant over many random
 * runs, and `hot-standby-naive` (the HA document's design as written) splits brain within 200
 * runs, shrinks to a schedule of at most 2 faults, and `hasim replay` reproduces it exactly.
 *
 * `raft` runs 100 seeds here (npm test's 5-minute budget); `npm run test:long` (HASIM_LONG=1)
 * runs the full 1,000.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_DIR, loadDesign } from '../../src/campaign/catalog.ts';
import { check } from '../../src/campaign/check.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { scheduleToYaml } from '../../src/faults/schedule.ts';
import { campaignJson } from '../../src/report/campaign-json.ts';
import { hasim } from '../cli/run-hasim.ts';

const has = (design: string) => existsSync(join(MODELS_DIR, `${design}.ts`));
const LONG = process.env.HASIM_LONG === '1';
const RAFT_RUNS = LONG ? 1000 : 100;

describe.runIf(has('raft'))('raft', () => {
  it(`passes ${RAFT_RUNS} random runs of the default profile`, { timeout: 900_000 }, async () => {
    const result = await check({ designs: ['raft'], runs: RAFT_RUNS, workers: 2 });
    const [report] = campaignJson(result, { kind: 'check', command: [] }).designs;
    expect(report.failures.map((f) => `seed ${f.seed}: ${f.invariant}: ${f.detail}`)).toEqual([]);
    expect(report.runs).toBe(RAFT_RUNS);
    expect(report.coverage.failovers.runs).toBeGreaterThan(0);
    expect(report.coverage.elections.runs).toBeGreaterThan(0);
    expect(report.warnings).toEqual([]);
  });
});

describe.runIf(has('hot-standby-naive'))('hot-standby-naive', () => {
  it('fails single-primary within 200 random runs; the shrunk schedule has at most 2 faults and replays exactly', { timeout: 300_000 }, async () => {
    const result = await check({ designs: ['hot-standby-naive'], runs: 200, workers: 2, invariants: ['single-primary'], failFast: true, maxFailures: 1 });
    const failure = result.aggregates[0].failures[0];
    expect(failure?.violation.invariant).toBe('single-primary');
    const shrunk = failure.shrunk!;
    expect(shrunk.schedule.faults.length).toBeLessThanOrEqual(2);

    const replayed = simulate({ design: await loadDesign('hot-standby-naive'), seed: failure.seed, schedule: shrunk.schedule, params: failure.drawnParams, invariants: ['single-primary'] });
    expect(replayed.traceHash).toBe(shrunk.traceHash);
    expect(replayed.violations.map((v) => v.invariant)).toContain('single-primary');

    // The printed command, run as a user would, reproduces the same trace.
    const dir = mkdtempSync(join(tmpdir(), 'hasim-replay-'));
    const [report] = campaignJson(result, { kind: 'check', command: [], failuresDir: dir }).designs;
    writeFileSync(report.failures[0].scheduleFile!, scheduleToYaml(shrunk.schedule));
    const args = report.failures[0].replay.split(' ').slice(1);
    expect(args).toContain('--expect-hash');
    const run = await hasim(args);
    expect(run.code).toBe(0); // --expect-hash: the run reproduced exactly
    expect(run.stdout).toContain(shrunk.traceHash);
    expect(run.stdout).toContain('single-primary');
  });
});
