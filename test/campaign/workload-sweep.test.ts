/**
 * The workload as a campaign dimension: a random profile's `workload:` section, drawn per run
 * like its parameters, and `sweep --param rate=...` (any workload setting by its flag's name),
 * one row per value, recorded in the result and in every replay command; `--reads` only for a
 * design that serves reads.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/campaign/check.ts';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { sweep } from '../../src/campaign/compare.ts';
import { parseWorkloadFlags } from '../../src/cli/workload-flags.ts';
import { drawRun, parseProfile } from '../../src/faults/random-profile.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';
import { campaignJson } from '../../src/report/campaign-json.ts';
import { sweepTable } from '../../src/report/compare-table.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { trioDesign } from '../faults/random-helpers.ts';
import { runCli } from '../cli/run-cli.ts';

const PROFILE = `name: loaded
duration: 3s
settle: 1s
faults:
  - { kind: pause, ratePerMinute: 0.001, for: 1s, targets: [any] }
`;

const rejects = async (promise: Promise<unknown>, message: RegExp) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(message);
};

describe("a profile's workload: section", () => {
  const profile = parseProfile(`${PROFILE}workload:\n  ordersPerSecond: { values: [50, 5000] }\n  timeout: { min: 200ms, max: 800ms }\n  clients: { min: 1, max: 4 }\n  retry: exponential:10ms,1s\n`, 'p.yaml');

  it('is drawn per run into the schedule, each setting within its choice, from its own stream', () => {
    const design = trioDesign();
    const rates = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const drawn = drawRun(profile, design, seed);
      const w = drawn.schedule.workload!;
      rates.add(w.ordersPerSecond!);
      expect([50, 5000]).toContain(w.ordersPerSecond);
      expect(w.timeout).toBeGreaterThanOrEqual(200_000);
      expect(w.timeout).toBeLessThanOrEqual(800_000);
      expect(w.timeout! % 1000).toBe(0);
      expect(Number.isInteger(w.clients) && w.clients! >= 1 && w.clients! <= 4).toBe(true);
      expect(w.retry).toEqual({ kind: 'exponential', base: 10_000, cap: 1_000_000 });
      expect(drawn.schedule.description).toMatch(/workload .*ordersPerSecond=/);
      // drawing a workload moves no fault draw: the same faults as the profile without it
      expect(drawn.schedule.faults).toEqual(drawRun(parseProfile(PROFILE, 'p.yaml'), design, seed).schedule.faults);
      // and a failure's written schedule replays with it
      expect(parseSchedule(scheduleToYaml(drawn.schedule), 'x.yaml').workload).toEqual(w);
    }
    expect(rates).toEqual(new Set([50, 5000]));
  });

  it('refuses an unknown setting or a bad value, naming the field', () => {
    expect(() => parseProfile(`${PROFILE}workload: { rate: 5 }\n`, 'p.yaml')).toThrow(/^p.yaml: workload.rate: expected a workload setting \(ordersPerSecond/);
    expect(() => parseProfile(`${PROFILE}workload: { ordersPerSecond: { min: 5, max: fast } }\n`, 'p.yaml')).toThrow(/^p.yaml: workload.ordersPerSecond: expected \{ min, max \}/);
    expect(() => parseProfile(`${PROFILE}workload: { clients: { min: 0, max: 3 } }\n`, 'p.yaml')).toThrow(/^p.yaml: workload.clients.min: expected a number >= 1/);
    expect(() => parseProfile(`${PROFILE}workload: { maxAttempts: { min: 1.5, max: 3 } }\n`, 'p.yaml')).toThrow(/workload.maxAttempts: expected a range of whole numbers/);
  });

  it('drives the runs of a campaign, under the workload flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-profile-workload-'));
    const path = join(dir, 'loaded.yaml');
    writeFileSync(path, `${PROFILE}workload: { ordersPerSecond: 800 }\n`);
    const acks = async (workload?: { ordersPerSecond: number }) => {
      const r = await check({ designs: ['single'], profile: path, runs: 1, workers: 0, shrinkRuns: 0, ...(workload ? { workload } : {}) });
      return campaignJson(r, { kind: 'check', command: [] }).designs[0].metrics.ackLatencyMs.count;
    };
    const drawn = await acks();
    // 800/s for ~4 s after boot: ~3,200 acks (the default 200/s would give ~800)
    expect(drawn).toBeGreaterThan(2500);
    expect(await acks({ ordersPerSecond: 100 })).toBeLessThan(drawn / 4);
  });
});

describe('sweep over a workload setting', () => {
  const schedule = parseSchedule('name: short\nduration: 3s\nsettle: 1s\nfaults: []\n', '<test>');

  it('runs one row per value, records it, and the table shows the value', async () => {
    const r = await sweep({ design: 'single', param: 'rate', values: ['50', '1000'], schedules: [schedule], runs: 1, workers: 0 });
    const file = campaignJson(r, { kind: 'sweep', command: [] });
    expect(file.designs.map((d) => [d.label, d.workload])).toEqual([
      ['rate=50', { ordersPerSecond: 50 }],
      ['rate=1000', { ordersPerSecond: 1000 }],
    ]);
    expect(file.plan.variants.map((v) => v.workload)).toEqual([{ ordersPerSecond: 50 }, { ordersPerSecond: 1000 }]);
    const [slow, fast] = file.designs.map((d) => d.metrics.ackLatencyMs.count);
    expect(fast).toBeGreaterThan(slow * 10);
    expect(sweepTable(file, 'rate', 'raw').rows.map((row) => row[0])).toEqual(['50', '1000']);
  });

  it('takes a timeout range as --timeout takes it, over the other workload flags', async () => {
    const r = await sweep({ design: 'single', param: 'timeout', values: ['100ms', '2s'], schedules: [schedule], runs: 1, workers: 0, workload: { ordersPerSecond: 20 } });
    expect(r.plan.variants.map((v) => v.workload)).toEqual([{ timeout: 100_000 }, { timeout: 2_000_000 }]);
    const file = campaignJson(r, { kind: 'sweep', command: [] });
    expect(file.plan.workload).toEqual({ ordersPerSecond: 20 });
    expect(file.designs[0].metrics.ackLatencyMs.count).toBeLessThan(150);
  });

  it('refuses a bad value, the same setting as a flag, and an unknown name', async () => {
    await rejects(sweep({ design: 'single', param: 'rate', values: ['fast'], workers: 0 }), /^--param: rate: expected a number >= 0 \(got "fast"\)/);
    await rejects(sweep({ design: 'single', param: 'rate', values: ['5'], workers: 0, workload: { ordersPerSecond: 9 } }), /^--rate: expected no --rate when sweeping rate/);
    await rejects(sweep({ design: 'single', param: 'speed', values: ['5'], workers: 0 }), /a parameter of single .* or a workload setting \(rate, clients, timeout, attempts, retry, arrivals, reads\)/);
  });

  it('replay commands of a swept row carry its setting', async () => {
    // the naive hot standby loses acked orders when its primary is cut off: a failure to replay
    const cut = parseSchedule('name: cut\nduration: 8s\nsettle: 2s\nfaults:\n  - { at: 1s, kind: partition, groups: [[primary], [others]], for: 6s }\n', '<test>');
    const r = await sweep({ design: 'hot-standby-naive', param: 'rate', values: ['30', '60'], schedules: [cut], runs: 1, workers: 0, shrinkRuns: 0, workload: { clients: 1 } });
    const file = campaignJson(r, { kind: 'sweep', command: [] });
    const replays = file.designs.map((d) => d.failures[0]?.replay);
    expect(replays[0]).toMatch(/ --rate 30 --clients 1 |--clients 1 --rate 30 /);
    expect(replays[1]).toMatch(/ --rate 60( |$)/);
  });
});

describe('--reads', () => {
  it('parses like the schedule field readsPerSecond', () => {
    expect(parseWorkloadFlags({ reads: '20' })).toEqual({ readsPerSecond: 20 });
    expect(() => parseWorkloadFlags({ reads: '-1' })).toThrow(/^--reads: expected a number >= 0/);
  });

  it('is refused for a design that does not serve reads, before any run', async () => {
    await rejects(check({ designs: ['raft'], runs: 1, workers: 0, workload: { readsPerSecond: 5 } }), /^--reads: expected 0 for raft: it does not serve reads/);
    await rejects(sweep({ design: 'raft', param: 'reads', values: ['0', '5'], workers: 0 }), /^--param reads: expected 0 for raft/);
    expect((await loadDesign('postgres-patroni')).servesReads).toBe(true);
    const r = await runCli(['run', 'single', '--reads', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('hasim: --reads: expected 0 for single: it does not serve reads (postgres-patroni does) (got 10)');
  });
});
