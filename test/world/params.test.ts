/** Parameter specs: defaults, overrides and their validation. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { parseParam, perNode } from '../../src/world/params.ts';

describe('duration parameters', () => {
  it('take units; a `positive` one refuses zero, a plain one accepts it', () => {
    const interval = { kind: 'duration', default: '1s', positive: true, doc: '', source: '' } as const;
    const delay = { kind: 'duration', default: '0s', doc: '', source: '' } as const;
    expect(parseParam(interval, '250ms', '--set', 'advertInt')).toBe(250_000);
    expect(() => parseParam(interval, '0s', '--set', 'advertInt')).toThrow(/--set: advertInt: expected a positive duration/);
    expect(parseParam(delay, '0s', '--set', 'preemptDelay')).toBe(0);
    expect(() => parseParam(delay, '5', '--set', 'preemptDelay')).toThrow(InputError);
  });
});

describe('integer-list parameters (one value per node)', () => {
  const spec = { kind: 'integer-list' as const, default: '100', min: 0, max: 255, doc: '', source: '' };

  it('accepts one value or a comma-separated list within the range, normalised', () => {
    expect(parseParam(spec, ' 100, 50 ,0', '--set', 'priority')).toBe('100,50,0');
    expect(parseParam(spec, 7, '--set', 'priority')).toBe('7');
    for (const bad of ['', '100,', '1.5', '256', '-1', 'a,b', true]) expect(() => parseParam(spec, bad, '--set', 'priority')).toThrow(/priority: expected one integer >= 0 and <= 255 per node/);
  });

  it('gives one value per node: a single value applies to all, another length is refused', () => {
    expect(perNode('100,50', 2, 'priority')).toEqual([100, 50]);
    expect(perNode('100', 3, 'priority')).toEqual([100, 100, 100]);
    expect(() => perNode('100,50', 3, 'priority')).toThrow(/--set: priority: expected one value, or 3 comma-separated values/);
  });
});
