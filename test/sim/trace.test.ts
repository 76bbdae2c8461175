import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  it('mixes every entry as the documented word sequence (time, its high word past 2^31, packed kind/a/b, c)', () => {
    // the reference: each word into an FNV-1a lane and a multiply-xorshift lane, one at a time;
    // Trace.add unrolls this for speed, and golden hashes depend on it staying the same
    const reference = (entries: [number, number, number, number, number][]) => {
      let lo = 0x84222325 | 0;
      let hi = 0xcbf29ce4 | 0;
      const mix = (word: number) => {
        lo = Math.imul(lo ^ word, 0x01000193);
        let h = Math.imul(hi ^ word, 0x5bd1e995);
        h ^= h >>> 15;
        hi = Math.imul(h, 0x27d4eb2d);
      };
      for (const [time, kind, a, b, c] of entries) {
        mix(time | 0);
        if (time > 0x7fffffff) mix(Math.floor(time / 0x100000000));
        mix(kind | (a << 8) | (b << 20));
        mix(c);
      }
      return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
    };
    const entry = fc.tuple(fc.oneof(fc.nat(0x7fffffff), fc.integer({ min: 0, max: 2 ** 40 })), fc.nat(255), fc.nat(4095), fc.nat(4095), fc.integer());
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 50 }), (entries) => {
        const trace = new Trace();
        for (const [time, kind, a, b, c] of entries) trace.add(time, kind, a, b, c);
        expect(trace.hash()).toBe(reference(entries));
        expect(trace.entries).toBe(entries.length);
      }),
      { numRuns: 300 },
    );
  });
});
