/**
 * compare() and sweep(): one variant per design or per parameter value under the same seeds
 * and schedules, and the parsing of sweep values and ranges.
 */
import { describe, expect, it } from 'vitest';
import { compare, parseSweepValues, sweep } from '../../src/campaign/compare.ts';
import { campaignJson } from '../../src/report/campaign-json.ts';
import { compareTable, sweepTable } from '../../src/report/compare-table.ts';
import { InputError } from '../../src/sim/input-error.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const DESIGN = fixture('misbehaving.ts');
const SHORT = fixture('short.yaml');

describe('parseSweepValues', () => {
  it('takes lists, number ranges and duration ranges', () => {
    expect(parseSweepValues('1s,2s, 5s')).toEqual(['1s', '2s', '5s']);
    expect(parseSweepValues('1..9:2')).toEqual(['1', '3', '5', '7', '9']);
    expect(parseSweepValues('0..1:0.25')).toEqual(['0', '0.25', '0.5', '0.75', '1']);
    expect(parseSweepValues('3..5')).toEqual(['3', '4', '5']);
    expect(parseSweepValues('500ms..2s:500ms')).toEqual(['500ms', '1s', '1500ms', '2s']);
  });

  it('refuses empty values, backwards ranges, duration ranges without a step, and huge ranges', () => {
    for (const bad of ['1s,,2s', '5..1', '1s..5s', '1..5:0', '0..1e9:1']) expect(() => parseSweepValues(bad)).toThrow(InputError);
  });
});

describe('compare', () => {
  it('runs every design under the same seeds and schedules, one row each', async () => {
    const result = await compare({ designs: [DESIGN, fixture('nondeterministic.ts')], params: { misbehaving: { mode: 'split' } }, schedules: [SHORT], runs: 3, workers: 0, workload: { ordersPerSecond: 50 } });
    expect(result.plan.variants.map((v) => [v.label, v.params])).toEqual([
      ['misbehaving', { mode: 'split' }],
      ['nondeterministic', {}],
    ]);
    const table = compareTable(campaignJson(result, { kind: 'compare', command: [] }));
    expect(table.rows.map((r) => [r[0], r[2]])).toEqual([
      ['misbehaving', 3],
      ['nondeterministic', 3],
    ]);
    expect(table.columns).toEqual(['design', 'safety verdict', 'runs', 'failed runs', 'availability', 'RTO p50', 'RTO p99', 'lost acked (runs)', 'split-brain runs', 'duplicate orders', 'false failovers', 'ack p99']);
  });

  it('refuses a --set for a design not compared or a parameter no design has', async () => {
    await expect(compare({ designs: [DESIGN], params: { raft: { x: '1' } }, schedules: [SHORT], runs: 1, workers: 0 })).rejects.toThrow(InputError);
    await expect(compare({ designs: [DESIGN], params: { '*': { nope: '1' } }, schedules: [SHORT], runs: 1, workers: 0 })).rejects.toThrow(InputError);
  });
});

describe('sweep', () => {
  it('runs one design per parameter value, labelled name=value', async () => {
    const result = await sweep({ design: DESIGN, param: 'badFraction', values: ['0', '1'], params: { mode: 'split' }, schedules: [SHORT], runs: 2, workers: 0, workload: { ordersPerSecond: 50 } });
    expect(result.aggregates.map((a) => a.failedRuns)).toEqual([0, 2]);
    const table = sweepTable(campaignJson(result, { kind: 'sweep', command: [] }), 'badFraction');
    expect(table.rows.map((r) => r[0])).toEqual(['0', '1']);
  });

  it('refuses a parameter the design does not have', async () => {
    await expect(sweep({ design: DESIGN, param: 'heartbeat', values: ['1s'], schedules: [SHORT], workers: 0 })).rejects.toThrow(/--param/);
  });
});
