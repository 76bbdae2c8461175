/** `hasim list --probes`: each probe of a design once, with its one-line doc. */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('hasim list --probes', () => {
  it('lists the probes a design can emit, one line each, and only those', async () => {
    const r = await runCli(['list', '--probes', 'active-active-lock']);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[0]);
    expect(names).toContain('lock.acquired');
    expect(names).toContain('lock.expired');
    expect(new Set(names).size).toBe(names.length);
    for (const line of r.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^ {2}[a-z0-9.-]+ {2,}\S/);
  });

  it('lists every bundled design\'s probes without a design, and refuses an unknown design in one line', async () => {
    const all = await runCli(['list', '--probes']);
    expect(all.stdout).toContain('lock.acquired');
    const bad = await runCli(['list', '--probes', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('hasim list', () => {
  it('lists designs, scenarios, random profiles and reliability data, each with its one line', async () => {
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    const sections = r.stdout.split('\n').filter((l) => /^[A-Z]/.test(l));
    expect(sections).toEqual(expect.arrayContaining(['DESIGNS', 'SCENARIOS (run -s, check -s)', 'RANDOM PROFILES (run --profile, check --profile)', 'RELIABILITY DATA (estimate --reliability)']));
    expect(r.stdout).toMatch(/^ {2}random-default {9}\S.*$/m);
    expect(r.stdout).toMatch(/^ {2}p1 {21}commodity servers/m);
  });

  it('shows what a parameter accepts as the CLI checks it (raft nodes 3, 5 or 7; positive timeouts)', async () => {
    const r = await runCli(['list', '--params', 'raft']);
    expect(r.stdout).toContain('nodes = 3  (an integer: 3, 5 or 7)');
    expect(r.stdout).toMatch(/electionTimeout = 1000ms {2}\(a positive duration/);
    for (const refused of [['nodes=4'], ['electionTimeout=0s']]) expect((await runCli(['run', 'raft', '--set', ...refused])).code).toBe(2);
  });
});
