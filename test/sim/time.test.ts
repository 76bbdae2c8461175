import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, parseDuration, tryParseDuration, SECOND, MINUTE, YEAR } from '../../src/sim/time.ts';

describe('durations', () => {
  it('parse units and compounds into microseconds', () => {
    expect(tryParseDuration('250ms')).toBe(250_000);
    expect(tryParseDuration('30s')).toBe(30 * SECOND);
    expect(tryParseDuration('1m30s')).toBe(90 * SECOND);
    expect(tryParseDuration('1.5s')).toBe(1_500_000);
    expect(tryParseDuration('17us')).toBe(17);
    expect(tryParseDuration('2y')).toBe(2 * YEAR);
  });

  it('refuse negative, unit-less and malformed durations', () => {
    for (const bad of ['-1s', '10', '', 's', '1 s', '1sec', '5ms ms', 'NaNs']) expect(tryParseDuration(bad)).toBeUndefined();
    expect(() => parseDuration(10, 'x.yaml', 'duration')).toThrow('x.yaml: duration: expected a non-negative duration with a unit');
  });

  it('format and parse back to the same value for whole milliseconds under a minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59_999 }), (msValue) => {
        expect(tryParseDuration(formatDuration(msValue * 1000))).toBe(msValue * 1000);
      }),
    );
    expect(formatDuration(3 * MINUTE + 20 * SECOND)).toBe('3m20s');
  });
});
