/**
 * Campaigns end to end on a tiny test design (test/campaign/fixtures/misbehaving.ts) under a
 * fast random profile: results do not depend on the worker count, shards merge into exactly
 * the whole run, an interrupted campaign resumes to exactly the whole run, and runs that
 * throw, loop or kill their worker fail with their seed while the campaign goes on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { campaign, check, type CheckOptions } from '../../src/campaign/check.ts';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { mergeCampaignFiles } from '../../src/report/campaign-merge.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import { campaignJson, resumeStateOf, type CampaignFile } from '../../src/report/campaign-json.ts';
import { InputError } from '../../src/sim/input-error.ts';
import type { CampaignResult } from '../../src/campaign/campaign.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const PROFILE = fixture('random-tiny.yaml');
const SHORT = parseSchedule('name: short\nduration: 2s\nsettle: 1s\nfaults:\n  - { at: 1s, kind: pause, target: standby, for: 300ms }\n', '<test>');

/** The split-brain campaign every identity test repeats: 24 seeds, a few failures shrunk. */
const BASE: CheckOptions = {
  designs: [DESIGN],
  params: { mode: 'split' },
  runs: 24,
  seed: 3,
  profile: PROFILE,
  workload: { ordersPerSecond: 50 },
  maxFailures: 4,
  shrinkRuns: 40,
};

/** The result file without what depends on how it ran (command line, timing, workers). */
function comparable(file: CampaignFile): object {
  const { command: _c, elapsedMs: _e, runsElapsedMs: _r, runsPerSecond: _s, workers: _w, ...rest } = file;
  return JSON.parse(JSON.stringify(rest));
}
const json = (result: CampaignResult) => campaignJson(result, { kind: 'check', command: ['test'] });

let whole: CampaignFile;
beforeAll(async () => {
  whole = json(await check({ ...BASE, workers: 0 }));
});

describe('a campaign', () => {
  it('finds the planted split brain, shrinks it, and the shrunk schedule replays to the same trace', async () => {
    const d = whole.designs[0];
    expect(d.runs).toBe(24);
    expect(d.violations['single-primary']).toBeGreaterThan(0);
    expect(d.failures).toHaveLength(4);
    const design = await loadDesign(DESIGN);
    for (const f of d.failures) {
      expect(f.shrunk).not.toBeNull();
      const shrunk = parseSchedule(whole.state[0].failures.find((s) => s.seed === f.seed)!.shrunk!.schedule, '<shrunk>');
      const replay = simulate({ design, seed: f.seed, schedule: shrunk, params: f.params, workload: BASE.workload });
      expect(replay.traceHash).toBe(f.shrunk!.traceHash);
      expect(replay.violations.map((v) => v.invariant)).toContain(f.invariant);
      const sets = Object.keys(f.params).sort().map((k) => `--set ${k}=${f.params[k]}`);
      expect(f.replay).toBe(`hasim replay ${DESIGN} -s hasim-failures/misbehaving-seed${f.seed}.yaml --seed ${f.seed} ${sets.join(' ')} --rate 50 --expect-hash ${f.shrunk!.traceHash}`);
    }
  });

  it('gives identical aggregates with 1 and 2 workers as in-process', async () => {
    const [one, two] = await Promise.all([check({ ...BASE, workers: 1 }), check({ ...BASE, workers: 2 })]);
    expect(comparable(json(one))).toEqual(comparable(whole));
    expect(comparable(json(two))).toEqual(comparable(whole));
    expect(two.workers).toBe(2);
  });

  it('splits into 2 or 3 shards whose merged results equal the whole run', async () => {
    for (const count of [2, 3]) {
      const shards = await Promise.all(Array.from({ length: count }, (_, i) => check({ ...BASE, workers: 0, shard: `${i + 1}/${count}` })));
      expect(shards.reduce((n, s) => n + s.done.size, 0)).toBe(24);
      const files = shards.map((s, i) => ({ path: `shard${i + 1}.json`, file: JSON.parse(JSON.stringify(json(s))) as CampaignFile }));
      expect(comparable(mergeCampaignFiles(files.reverse(), { command: ['merge'] }))).toEqual(comparable(whole));
    }
  });

  it('refuses to merge incomplete or mismatched shards', async () => {
    const one = json(await check({ ...BASE, runs: 4, workers: 0, shard: '1/2', shrinkRuns: 0 }));
    const other = json(await check({ ...BASE, runs: 5, workers: 0, shard: '2/2', shrinkRuns: 0 }));
    expect(() => mergeCampaignFiles([{ path: 'a', file: one }], { command: [] })).toThrow(/missing 2\/2/);
    expect(() => mergeCampaignFiles([{ path: 'a', file: one }, { path: 'b', file: other }], { command: [] })).toThrow(InputError);
    expect(() => mergeCampaignFiles([{ path: 'a', file: one }, { path: 'b', file: one }], { command: [] })).toThrow(/both are 1\/2/);
  });

  it('stops on Ctrl-C with partial results, and --resume finishes them into exactly the whole run', async () => {
    const controller = new AbortController();
    const partial = await check({ ...BASE, workers: 0, signal: controller.signal, onProgress: (p) => p.done >= 9 && controller.abort() });
    expect(partial.interrupted).toBe(true);
    expect(partial.done.size).toBeGreaterThanOrEqual(9);
    expect(partial.done.size).toBeLessThan(24);
    const file = JSON.parse(JSON.stringify(json(partial))) as CampaignFile;
    expect(file.interrupted).toBe(true);
    const resumed = await check({ ...BASE, workers: 2, resume: resumeStateOf(file) });
    expect(resumed.interrupted).toBe(false);
    expect(comparable(json(resumed))).toEqual(comparable(whole));
    await expect(check({ ...BASE, runs: 25, workers: 0, resume: resumeStateOf(file) })).rejects.toThrow(/^--resume: plan\.runs: expected the same as this campaign's \(25\).* \(got 24\)$/);
  });

  it('fails the runs of a design that throws or loops past its event budget, and finishes the campaign', async () => {
    const result = await campaign(
      [
        { design: DESIGN, params: { mode: 'throw' }, label: 'throws' },
        { design: DESIGN, params: { mode: 'endless' }, label: 'endless' },
      ],
      { runs: 10, schedules: [SHORT], workers: 2, maxEvents: 100_000, workload: { ordersPerSecond: 50 } },
    );
    const [throws, endless] = result.aggregates;
    expect(throws.runs).toBe(10);
    expect(endless.runs).toBe(10);
    expect(throws.failedRuns).toBeGreaterThan(0);
    expect(throws.failedRuns).toBeLessThan(10);
    expect(Object.fromEntries(throws.violations)).toEqual({ 'model-error': throws.failedRuns });
    expect(throws.failures[0].violation.detail).toMatch(/the design broke/);
    expect(endless.failures.map((f) => f.seed)).toEqual(throws.failures.map((f) => f.seed));
    expect(endless.failures[0].violation.detail).toMatch(/budget of 100000 events/);
  });

  it('fails a run whose design calls process.exit (model-error naming it) with its seed, and finishes', async () => {
    const options = { runs: 10, schedules: [SHORT], workload: { ordersPerSecond: 50 } };
    const [exits, throws] = await Promise.all([
      check({ ...options, designs: [DESIGN], params: { mode: 'exit' }, workers: 2 }),
      check({ ...options, designs: [DESIGN], params: { mode: 'throw' }, workers: 0 }),
    ]);
    const a = exits.aggregates[0];
    expect(a.runs).toBe(10);
    // process.exit throws inside a run (campaign/sandbox.ts), so neither the worker nor hasim ends
    expect(Object.fromEntries(a.violations)).toEqual({ 'model-error': a.failedRuns });
    expect(a.failures[0].violation.detail).toMatch(/the design called process\.exit\(7\)/);
    expect(a.failures.map((f) => f.seed)).toEqual(throws.aggregates[0].failures.map((f) => f.seed));
    expect(a.totals.measuredRuns).toBe(throws.aggregates[0].totals.measuredRuns);
  });

  it('kills a worker whose run outlives the wall-clock run timeout, failing that run (worker-died)', async () => {
    const result = await check({ designs: [DESIGN], params: { mode: 'hang', badFraction: '1' }, runs: 2, schedules: [SHORT], workers: 1, runTimeoutMs: 1500 });
    const a = result.aggregates[0];
    expect(Object.fromEntries(a.violations)).toEqual({ 'worker-died': 2 });
    expect(a.failures[0].violation.detail).toMatch(/longer than 1500 ms/);
  });

  it('stops after the first failure with failFast', async () => {
    const result = await check({ ...BASE, workers: 0, failFast: true, shrinkRuns: 0 });
    expect(result.stoppedEarly).toBe(true);
    expect(result.aggregates[0].failedRuns).toBeGreaterThan(0);
    expect(result.done.size).toBeLessThan(24);
  });
});

describe('--check-determinism', () => {
  it('passes a deterministic design with each seed run twice in different workers', async () => {
    const result = await check({ ...BASE, params: { mode: 'ok' }, runs: 6, workers: 2, checkDeterminism: true });
    expect(result.aggregates[0].runs).toBe(6);
    expect(result.aggregates[0].violations.get('determinism')).toBeUndefined();
  });

  it('fails every seed of a design that reads state left by earlier runs, and shows where the traces part', async () => {
    const result = await check({ designs: [fixture('nondeterministic.ts')], runs: 3, schedules: [SHORT], workers: 0, checkDeterminism: true, workload: { ordersPerSecond: 20 } });
    const a = result.aggregates[0];
    expect(Object.fromEntries(a.violations)).toEqual({ determinism: 3 });
    const divergence = a.failures[0].divergence!;
    expect(divergence.line).toBeGreaterThanOrEqual(0);
    expect(divergence.first).not.toEqual(divergence.second);
  });
});

describe('check() inputs', () => {
  it('runs a design passed as an object in-process', async () => {
    const design = await loadDesign(DESIGN);
    const result = await check({ designs: [design], params: { mode: 'split', badFraction: '1' }, runs: 2, schedules: [SHORT], workers: 0, shrinkRuns: 0 });
    expect(result.aggregates[0].failedRuns).toBe(2);
    await expect(check({ designs: [design], runs: 1, schedules: [SHORT], workers: 1 })).rejects.toThrow(/workers/);
  });

  it('rejects bad inputs with one InputError before any run', async () => {
    const bad: Partial<CheckOptions>[] = [
      { designs: ['no-such-design'] },
      { params: { noSuchParam: '1' } },
      { params: { mode: 'sideways' } },
      { invariants: ['no-such-invariant'] },
      { runs: 0 },
      { shard: '3/2' },
      { profile: 'no-such-profile' },
      { schedules: [parseSchedule('duration: 2s\nfaults:\n  - { at: 1s, kind: crash, target: zz }\n', '<bad>')], profile: undefined },
    ];
    for (const b of bad) await expect(check({ ...BASE, workers: 0, ...b } as CheckOptions)).rejects.toThrow(InputError);
  });
});
