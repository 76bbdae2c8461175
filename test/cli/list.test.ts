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
