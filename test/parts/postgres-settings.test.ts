import { describe, expect, it } from 'vitest';
import { ASYNC, firstOf, sameSyncNames } from '../../src/parts/postgres-settings.ts';

describe('synchronous_standby_names', () => {
  it("FIRST n (names) requires every listed standby (Patroni's multisync form)", () => {
    expect(firstOf(['b', 'c'])).toEqual({ method: 'first', num: 2, names: ['b', 'c'] });
  });
  it('compares method, count and names in order; * only equals *', () => {
    expect(sameSyncNames(firstOf(['b', 'c']), firstOf(['b', 'c']))).toBe(true);
    expect(sameSyncNames(firstOf(['b', 'c']), firstOf(['c', 'b']))).toBe(false);
    expect(sameSyncNames(firstOf(['b']), { method: 'any', num: 1, names: ['b'] })).toBe(false);
    expect(sameSyncNames(firstOf(['b', 'c']), { method: 'first', num: 1, names: ['b', 'c'] })).toBe(false);
    expect(sameSyncNames('*', '*')).toBe(true);
    expect(sameSyncNames('*', ASYNC)).toBe(false);
    expect(sameSyncNames(ASYNC, firstOf([]))).toBe(true);
  });
});
