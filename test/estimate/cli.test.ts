import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasim } from '../cli/run-hasim.ts';

const SIMPLE = 'scenarios/reliability/exponential-simple.yaml';

describe('hasim estimate on the command line', () => {
  it('prints one JSON record per design with the fields of design.md §8', async () => {
    const run = await hasim(['estimate', 'single', '--reliability', SIMPLE, '--years', '20', '--simulations', '4', '--workers', '0', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ kind: 'estimate', seed: 1, parameters: { years: 20 } });
    const [single] = json.designs;
    for (const field of ['availability', 'nines', 'downtimeMinutesPerYear', 'outagesPerYear', 'rto', 'pDataLossPerYear', 'safe', 'invariantsBroken', 'verdict']) expect(single).toHaveProperty(field);
    // one node cannot be two primaries: no split-brain figure
    expect(single).not.toHaveProperty('pSplitBrainPerYear');
    expect(single.safe).toBe(true);
    expect(single.availability).toMatchObject({ confidence: 0.95 });
  }, 60_000);

  it.each([
    [['estimate', 'single', '--reliability', 'no/such.yaml'], 'no/such.yaml'],
    [['estimate', 'single', '--reliability', SIMPLE, '--years', '-5'], '--years'],
    [['estimate', 'single', '--reliability', SIMPLE, '--confidence', '95'], '--confidence'],
    [['estimate', 'no-such-design', '--reliability', SIMPLE, '--years', '1', '--workers', '0'], 'design'],
  ])('exits 2 with one line naming the problem: %j', async (args, where) => {
    const run = await hasim(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(where);
  }, 60_000);

  it('exits 2 on a reliability file with a bad field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hasim-estimate-')), 'bad.yaml');
    writeFileSync(file, 'components:\n  server: { mttf: 1000h, mttr: soon }\n');
    const run = await hasim(['estimate', 'single', '--reliability', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('components.server.mttr');
  }, 60_000);

  it('exits 2 with one line on an agent rate without its restart, before any work', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hasim-estimate-')), 'agent.yaml');
    writeFileSync(file, 'components:\n  agent: { mttf: 2880h }\n');
    const run = await hasim(['estimate', 'keepalived-vrrp', '--reliability', file, '--years', '1000']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('components.agent.mttr');
  }, 60_000);
});
