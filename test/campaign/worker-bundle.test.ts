/**
 * Workers started from the bundle (src/campaign/worker-bundle.ts) run the same code as the tsx
 * boot: a campaign of a bundled design gives the same result in-process and on bundled workers
 * (runs, failures, shrinking, probe coverage), pools with user code keep the tsx boot, and the
 * bundle follows the sources: an edited file makes a new bundle that carries the edit.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CODE_ROOT } from '../../src/campaign/catalog.ts';
import { check } from '../../src/campaign/check.ts';
import type { CampaignResult } from '../../src/campaign/campaign.ts';
import { bundle, workerEntry } from '../../src/campaign/worker-bundle.ts';
import { bundleFile, mayNameUserCode } from '../../src/campaign/bundle-file.mjs';
import { campaignJson, type CampaignFile } from '../../src/report/campaign-json.ts';

const temp = mkdtempSync(join(tmpdir(), 'hasim-bundle-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** random-tiny without its fixture-only parameters: crashes, pauses and partitions in 4 s + 1 s. */
const PROFILE = join(temp, 'random-tiny-bundle.yaml');
writeFileSync(PROFILE, readFileSync(new URL('./fixtures/random-tiny.yaml', import.meta.url), 'utf8').replace(/^params:[\s\S]*$/m, ''));

function comparable(result: CampaignResult): object {
  const { command: _c, elapsedMs: _e, runsElapsedMs: _r, runsPerSecond: _s, workers: _w, ...rest } = campaignJson(result, { kind: 'check', command: ['test'] }) as CampaignFile;
  return JSON.parse(JSON.stringify(rest));
}

describe('bundled workers', () => {
  it('start from the cached bundle for hasim’s own designs, from the tsx boot for user code', async () => {
    const own = await workerEntry('campaign', { userCode: false });
    expect(fileURLToPath(own)).toMatch(/node_modules\/\.cache\/hasim-workers\/campaign-[0-9a-f]{20}\.mjs$/);
    expect((await workerEntry('estimate', { userCode: false })).pathname).toMatch(/estimate-[0-9a-f]{20}\.mjs$/);
    expect((await workerEntry('run', { userCode: false })).pathname).toMatch(/run-[0-9a-f]{20}\.mjs$/);
    expect((await workerEntry('campaign', { userCode: true })).pathname).toMatch(/src\/campaign\/worker-boot\.mjs$/);
    expect((await workerEntry('run', { userCode: true })).pathname).toMatch(/src\/cli\/run-worker-boot\.mjs$/);
  });

  it('give the same campaign as in-process: runs, failures, shrunk schedules and probes', async () => {
    const options = { designs: ['hot-standby-naive'], runs: 12, seed: 5, profile: PROFILE, workload: { ordersPerSecond: 50 }, maxFailures: 2, shrinkRuns: 20 };
    const [inProcess, pooled] = await Promise.all([check({ ...options, workers: 0 }), check({ ...options, workers: 2 })]);
    const whole = comparable(inProcess) as CampaignFile;
    // the campaign exercises what a worker does: failing runs, shrinking, probes fired
    expect(whole.designs[0].failures.length).toBeGreaterThan(0);
    expect(whole.designs[0].failures[0].shrunk).not.toBeNull();
    expect(comparable(pooled)).toEqual(whole);
  }, 120_000);
});

describe('the bundle cache', () => {
  it('is keyed on the sources: an edited model makes a new bundle carrying the edit', async () => {
    const root = join(temp, 'checkout');
    for (const dir of ['src', 'models']) cpSync(join(CODE_ROOT, dir), join(root, dir), { recursive: true });
    cpSync(join(CODE_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
    symlinkSync(join(CODE_ROOT, 'node_modules'), join(root, 'node_modules'));
    const cached = join(temp, 'cache');
    // the copy's bundles go to its own cache (node_modules is the checkout's, shared)
    const before = (await bundle('estimate', root, cached))!;
    expect((await bundle('estimate', root, cached))!.href).toBe(before.href);
    const single = join(root, 'models', 'single.ts');
    writeFileSync(single, readFileSync(single, 'utf8').replace(/description: '([^']*)'/, "description: 'edited: $1'"));
    const after = (await bundle('estimate', root, cached))!;
    expect(after.href).not.toBe(before.href);
    expect(readFileSync(after, 'utf8')).toContain('edited: one server');
    expect(readFileSync(before, 'utf8')).not.toContain('edited: one server');
    // each module keeps its own URL (probes and the catalog's paths depend on it)
    expect(readFileSync(after, 'utf8')).toContain(JSON.stringify(`file://${join(root, 'src', 'campaign', 'catalog.ts')}`));
  }, 120_000);
});

describe('the hasim command', () => {
  it('finds the CLI bundle where the builder puts it, so its start-up skips tsx', async () => {
    const built = await bundle('cli');
    expect(built).toBeDefined();
    expect(fileURLToPath(built!)).toBe(bundleFile('cli', CODE_ROOT));
  }, 120_000);

  it('starts from the sources whenever an argument may name user code', () => {
    for (const arg of ['./my-design.ts', 'designs/a.mjs', '--invariant-module=inv.js', 'x.cts', '../designs/mine', '--resume', '--resume=part.json'])
      expect(mayNameUserCode(arg), arg).toBe(true);
    for (const arg of ['raft', 'run', '--json', 'out/result.json', '/tmp/x/schedule.yaml', '--rate', '10000', '--timeout', '1.5s', '-s', 'primary-crash', '--format=md'])
      expect(mayNameUserCode(arg), arg).toBe(false);
  });
});
