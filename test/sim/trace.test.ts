import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/sim/trace.ts';

describe('trace hash', () => {
  it('is a 64-bit hex fingerprint that depends on every entry and its order', () => {
    const a = new Trace();
    const b = new Trace();
    const c = new Trace();
    a.add(1, 2, 3);
    a.add(5, 6, 7);
    b.add(1, 2, 3);
    b.add(5, 6, 7);
    c.add(5, 6, 7);
    c.add(1, 2, 3);
    expect(a.hash()).toMatch(/^[0-9a-f]{16}$/);
    expect(a.hash()).toBe(b.hash());
    expect(a.hash()).not.toBe(c.hash());
  });

  it('distinguishes times beyond 2^32 microseconds (71 minutes)', () => {
    const a = new Trace();
    const b = new Trace();
    a.add(2 ** 32 + 5, 1);
    b.add(5, 1);
    expect(a.hash()).not.toBe(b.hash());
  });
});
