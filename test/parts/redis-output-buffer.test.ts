/**
 * OutputBufferCheck, client-output-buffer-limit as networking.c checkClientOutputBufferLimits
 * applies it: the hard limit at once (raised to repl-backlog-size), the soft limit only once the
 * buffer stayed at or over it, at every check, for more than the soft seconds counted in whole
 * seconds; one check under it resets that clock.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OutputBufferCheck } from '../../src/parts/redis-output-buffer.ts';

const S = 1_000_000;
const MB = 1024 * 1024;
const limit = { hardBytes: 256 * MB, softBytes: 64 * MB, softUs: 60 * S };

describe('OutputBufferCheck', () => {
  it('closes at the hard limit at once, and a hard limit below the backlog counts as the backlog', () => {
    const c = new OutputBufferCheck(limit, MB);
    expect(c.overLimit(256 * MB - 1, 0)).toBe(false);
    expect(c.overLimit(256 * MB, 0)).toBe(true);
    const low = new OutputBufferCheck({ hardBytes: MB, softBytes: 0, softUs: 0 }, 4 * MB);
    expect(low.overLimit(2 * MB, 0)).toBe(false);
    expect(low.overLimit(4 * MB, 0)).toBe(true);
  });

  it('closes at the soft limit only after more than the soft seconds over it, in whole seconds', () => {
    const c = new OutputBufferCheck(limit, MB);
    expect(c.overLimit(64 * MB, 10.9 * S)).toBe(false); // clock starts at second 10
    expect(c.overLimit(100 * MB, 70.99 * S)).toBe(false); // 60 s elapsed: not more than 60
    expect(c.overLimit(100 * MB, 71 * S)).toBe(true); // 61
  });

  it('a check under the soft limit restarts its clock', () => {
    const c = new OutputBufferCheck(limit, MB);
    expect(c.overLimit(65 * MB, 0)).toBe(false);
    expect(c.overLimit(63 * MB, 50 * S)).toBe(false);
    expect(c.overLimit(65 * MB, 51 * S)).toBe(false);
    expect(c.overLimit(65 * MB, 111 * S)).toBe(false);
    expect(c.overLimit(65 * MB, 112 * S)).toBe(true);
  });

  it('limits of 0 never close', () => {
    const c = new OutputBufferCheck({ hardBytes: 0, softBytes: 0, softUs: 60 * S }, MB);
    expect(c.overLimit(Number.MAX_SAFE_INTEGER, 0)).toBe(false);
    expect(c.overLimit(Number.MAX_SAFE_INTEGER, 1000 * S)).toBe(false);
  });

  it('against a reference: closes exactly when the hard limit is reached or the soft one held past its seconds', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dtUs: fc.integer({ min: 0, max: 3 * S }), mb: fc.integer({ min: 0, max: 300 }) }), { maxLength: 80 }), (checks) => {
        const c = new OutputBufferCheck({ hardBytes: 256 * MB, softBytes: 64 * MB, softUs: 5 * S }, MB);
        let now = 0;
        let overSince: number | undefined; // first second of the current run of checks at or over the soft limit
        for (const { dtUs, mb } of checks) {
          now += dtUs;
          const second = Math.floor(now / S);
          if (mb >= 64) overSince ??= second;
          else overSince = undefined;
          const expected = mb >= 256 || (overSince !== undefined && second - overSince > 5);
          expect(c.overLimit(mb * MB, now)).toBe(expected);
          if (expected) return; // the connection is gone
        }
      }),
    );
  });
});
