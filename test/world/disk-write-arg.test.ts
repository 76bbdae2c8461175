/**
 * A write's completion carries the argument it was given (`append(entry, done, arg)`,
 * `flush(done, arg)`), so a caller with many writes in flight needs no closure per write: each
 * outcome (durable, refused at once, failed under the fsync) reaches `done` with its own `arg`.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { Disk } from '../../src/world/disk.ts';

function disk() {
  const sim = new Simulator({ seed: 1 });
  return { sim, disk: new Disk(sim, () => 100, Rng.stream(1, 'disk')) };
}

describe('a write completion with its argument', () => {
  it('reaches done with its own arg: durable, refused (full disk), failed under the fsync', () => {
    const { sim, disk: d } = disk();
    const seen: string[] = [];
    const done = (ok: boolean, arg: { name: string }) => seen.push(`${arg.name} ${ok} @${sim.now}`);
    d.append({ orderId: 'c1-1' }, done, { name: 'a1' });
    d.append({ orderId: 'c1-2' }, done, { name: 'a2' });
    d.write({ orderId: 'c1-3' });
    d.flush(done, { name: 'f3' });
    d.fill();
    d.append({ orderId: 'c1-4' }, done, { name: 'full' });
    sim.runUntil(1_000);
    expect(seen).toEqual(['full false @0', 'a1 true @100', 'a2 true @100', 'f3 true @100']);
    expect(d.durableLength).toBe(3);
    d.unfill();
    d.append({ orderId: 'c1-5' }, done, { name: 'eio' });
    sim.after(50, () => d.fail());
    sim.runUntil(2_000);
    expect(seen.slice(4)).toEqual(['eio false @1100']);
    d.flush(done, { name: 'failed' });
    sim.runUntil(3_000);
    expect(seen.slice(5)).toEqual(['failed false @2000']);
  });

  it('a flush makes durable only the entries it covered, and none that a truncate replaced', () => {
    const { sim, disk: d } = disk();
    d.write({ orderId: 'c1-1' });
    d.write({ orderId: 'c1-2' });
    d.flush();
    d.truncate(1);
    d.write({ orderId: 'c1-9' });
    sim.runUntil(1_000);
    // the flush covered two entries, but position 2 now holds another one, written after it
    expect(d.durableLength).toBe(0);
    d.flush();
    sim.runUntil(2_000);
    expect(d.durableLength).toBe(2);
    expect(d.durableEntries().map((e) => e.orderId)).toEqual(['c1-1', 'c1-9']);
  });
});
