/**
 * The workload flags (cli/workload-flags.ts) on every command that simulates: each bad value
 * is one line naming the flag with exit 2, before any run; good values reach the runs, over a
 * schedule's `workload:` section, and every result records them (JSON, text, replay command).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkloadFlags } from '../../src/cli/workload-flags.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { runCli } from './run-cli.ts';

describe('workload flags', () => {
  it('parse into the workload each run takes', () => {
    expect(parseWorkloadFlags({ rate: '10000', clients: '8', timeout: '250ms', attempts: '5', retry: 'breaker:3,2s', arrivals: 'burst:4x:30s..40s', clientSession: 'keep' })).toEqual({
      ordersPerSecond: 10_000,
      clients: 8,
      timeout: 250_000,
      maxAttempts: 5,
      retry: { kind: 'breaker', failures: 3, coolDown: 2_000_000 },
      arrivals: { kind: 'burst', multiplier: 4, from: 30_000_000, to: 40_000_000 },
      session: 'keep',
    });
    expect(parseWorkloadFlags({})).toEqual({});
  });

  it('refuse a bad value with one line naming the flag', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ rate: 'fast' }, /^--rate: expected a number >= 0/],
      [{ rate: '-5' }, /^--rate: /],
      [{ clients: '0' }, /^--clients: expected a number >= 1/],
      [{ clients: '1.5' }, /^--clients: expected a whole number/],
      [{ timeout: '100' }, /^--timeout: expected a non-negative duration/],
      [{ attempts: 'x' }, /^--attempts: /],
      [{ retry: 'exponential:1s' }, /^--retry: expected fixed, exponential/],
      [{ arrivals: 'burst:2x:9s..1s' }, /^--arrivals: expected poisson, constant or burst/],
    ];
    for (const [flags, message] of cases) {
      let error: unknown;
      try {
        parseWorkloadFlags(flags);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(flags)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('exit 2 on every simulating command, before any work', async () => {
    for (const args of [
      ['run', 'single', '--rate', 'lots'],
      ['replay', 'single', '--seed', '1', '--attempts', '0'],
      ['check', 'single', '--runs', '1', '--workers', '0', '--retry', 'sometimes'],
      ['compare', 'single', '--runs', '1', '--workers', '0', '--arrivals', 'uniform'],
      ['sweep', 'single', '--param', 'restartDelay=1s,2s', '--timeout', 'soon'],
      ['estimate', 'single', '--reliability', 'p1', '--clients', 'two'],
      ['check', 'single', '--runs', '1', '--max-events', '0'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('are recorded in a campaign result, over the schedule workload section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-workload-'));
    const schedule = join(dir, 'slow-clients.yaml');
    writeFileSync(schedule, 'duration: 3s\nsettle: 1s\nworkload: { ordersPerSecond: 50, timeout: 2s }\nfaults: []\n');
    const json = join(dir, 'check.json');
    const r = await runCli(['check', 'single', '--runs', '1', '--workers', '0', '-s', schedule, '--rate', '400', '--retry', 'exponential:10ms,1s', '--arrivals', 'constant', '--json', json, '--failures-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/workload: arrivals constant, ordersPerSecond 400, retry exponential:10ms,1s, the rest/);
    const file = JSON.parse(readFileSync(json, 'utf8'));
    expect(file.plan.workload).toEqual({ arrivals: 'constant', ordersPerSecond: 400, retry: 'exponential:10ms,1s' });
    // 400 orders/s (the flag, not the file's 50/s: ~250 orders), for 4 s after boot
    expect(file.designs[0].metrics.ackLatencyMs.count).toBeGreaterThan(1500);
  });

  it('are recorded in a run\'s JSON and text, and its replay command carries them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-workload-'));
    const schedule = join(dir, 'short.yaml');
    writeFileSync(schedule, 'duration: 2s\nsettle: 1s\nfaults: []\n');
    const json = join(dir, 'run.json');
    const args = ['run', 'single', '-s', schedule, '--rate', '300', '--clients', '3', '--timeout', '400ms', '--attempts', '2', '--retry', 'breaker:4,3s', '--arrivals', 'constant', '--max-events', '2000000', '--json', json];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    const w = JSON.parse(readFileSync(json, 'utf8'));
    expect(w.workload).toMatchObject({ ordersPerSecond: 300, clients: 3, timeoutMs: 400, maxAttempts: 2, retry: 'breaker:4,3s', arrivals: 'constant', session: 'reconnect' });
    expect(w.eventBudget).toBe(2_000_000);
    expect(r.stdout).toContain('clients: 3, 300 orders/s (constant), timeout 400ms, 2 attempts, retry breaker:4,3s');
    expect(r.stdout).toMatch(/hasim replay single .*--rate 300 --clients 3 --timeout 400ms --attempts 2 --retry breaker:4,3s --arrivals constant --max-events 2000000 --expect-hash/);
  });
});
