/** Parameter specs: defaults, overrides and their validation. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { parseParam } from '../../src/world/params.ts';

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
