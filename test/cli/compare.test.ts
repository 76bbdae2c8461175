/**
 * `hasim compare` and `hasim sweep`: one row per design or value, in every --format, exit 0
 * even when invariants fail (they measure), exit 2 on bad input. Through the CLI's main
 * in-process (a spawned hasim costs ~1 s CPU to load a user design; binary.test.ts and
 * check.test.ts show the process behaves as main does).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { withoutProgress } from './run-hasim.ts';

const fixture = (name: string) => new URL(`../campaign/fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const SHORT = fixture('short.yaml');

describe('hasim compare', () => {
  it('prints one CSV row per design under the same seeds and schedules', async () => {
    const r = await runCli(['compare', DESIGN, fixture('nondeterministic.ts'), '-s', SHORT, '--runs', '2', '--workers', '0', '--format', 'csv', '--set', 'misbehaving:mode=split', '--set', 'misbehaving:badFraction=1']);
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('design,runs,failed runs,invariants broken,safe,availability,RTO p50 ms,RTO p99 ms,lost acked,lost acked runs,split-brain runs,duplicate orders,false failovers,ack p99 ms');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([
      ['misbehaving', '2'],
      ['nondeterministic', '2'],
    ]);
    expect(lines[1]).toMatch(/^misbehaving,2,2,[^,]*single-primary[^,]*,0,/);
    expect(lines[2]).toMatch(/^nondeterministic,2,0,,1,/);
    // raw numbers: no units, no percent signs, no "n (m)" pairs
    for (const line of lines.slice(1)) {
      const numbers = line.split(',').slice(4);
      for (const cell of numbers) expect(cell).toMatch(/^(-?\d+(\.\d+)?(e-?\d+)?)?$/);
    }
  });

  it('prints a terminal table under 120 columns, without a rule between rows, listing broken invariants below', async () => {
    const r = await runCli(['compare', DESIGN, fixture('nondeterministic.ts'), '-s', SHORT, '--runs', '1', '--workers', '0', '--set', 'misbehaving:mode=split', '--set', 'misbehaving:badFraction=1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    // one rule under the header, none between the design rows
    expect(lines.filter((l) => l.startsWith('├'))).toHaveLength(1);
    // safety first: the verdict column, and each verdict in full below the table
    expect(r.stdout).toMatch(/safety verdicts \(invariants broken\):\n  misbehaving: UNSAFE: [^\n]*single-primary in 1\/1 runs/);
    expect(r.stdout).toMatch(/│ misbehaving\s+│\s+UNSAFE │/);
  });

  it('prints JSON with one entry per design', async () => {
    const r = await runCli(['compare', DESIGN, '-s', SHORT, '--runs', '1', '--workers', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    const file = JSON.parse(r.stdout);
    expect(file.kind).toBe('compare');
    expect(file.designs.map((d: { label: string }) => d.label)).toEqual(['misbehaving']);
    expect(file.designs[0].metrics.availability.mean).toBeGreaterThan(0.5);
  });

  it('exits 2 with one line for a --set naming a design it does not compare', async () => {
    const r = await runCli(['compare', DESIGN, '-s', SHORT, '--runs', '1', '--set', 'raft:electionTimeout=1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hasim: --set: raft: expected one of the compared designs \(misbehaving\)\n$/);
  });
});

describe('hasim sweep', () => {
  it('prints the trade-off table as Markdown, one row per value of a range', async () => {
    const r = await runCli(['sweep', DESIGN, '--param', 'badFraction=0..1:0.5', '-s', SHORT, '--runs', '2', '--workers', '0', '--format', 'md', '--set', 'mode=split']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('| badFraction | safety verdict | runs | failed runs | RTO p50 | RTO p99 | false failovers | availability | split-brain runs | lost acked (runs) | ack p99 |');
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual(['| 0', '| 0.5', '| 1']);
    expect(lines[2]).toMatch(/^\| 0 \| safe \| 2 \| 0 \|/);
    expect(lines[4]).toMatch(/^\| 1 \| UNSAFE: [^|]*single-primary in 2\/2 runs[^|]*\| 2 \| 2 \|/);
  });

  it('exits 2 with one line for a parameter the design does not have', async () => {
    const r = await runCli(['sweep', DESIGN, '--param', 'heartbeat=1s,2s', '-s', SHORT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hasim: --param: heartbeat: expected a parameter of misbehaving \(mode, badFraction\) or a workload setting \(rate, [^)]*\)\n$/);
  });
});
