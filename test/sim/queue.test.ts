import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/sim/queue.ts';
import { Simulator, EventBudgetExceeded } from '../../src/sim/simulator.ts';

describe('EventQueue', () => {
  it('pops events in (time, insertion) order for any schedule', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => q.push(t, () => {}, i));
        const popped: [number, number][] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push([e.time, e.arg as number]);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('pops the earliest pending event when pushes and pops interleave', () => {
    // a pop from a heap that has had pops before is where a sift bug shows (bottom-up deletion)
    const op = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant('pop' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue();
        const pending: [number, number][] = [];
        ops.forEach((o, i) => {
          if (o === 'pop') {
            pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            const e = q.pop();
            const want = pending.shift();
            expect(e && [e.time, e.arg]).toEqual(want);
          } else {
            q.push(o, () => {}, i);
            pending.push([o, i]);
          }
          expect(q.size).toBe(pending.length);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('EventQueue.popDue', () => {
  it('pops the earliest event only when it is due by the bound, else leaves the queue as it was', () => {
    // ops: a push at a time, or a popDue with a bound; compared with a sorted list
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 40 }) }), fc.record({ until: fc.integer({ min: -1, max: 41 }) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue();
        const pending: [number, number][] = [];
        ops.forEach((o, i) => {
          if ('push' in o) {
            q.push(o.push, () => {}, i);
            pending.push([o.push, i]);
          } else {
            pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            const e = q.popDue(o.until);
            const want = pending.length && pending[0][0] <= o.until ? pending.shift() : undefined;
            expect(e && [e.time, e.arg]).toEqual(want);
          }
          expect(q.size).toBe(pending.length);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('Simulator', () => {
  it('runs same-instant events in the order they were scheduled', () => {
    const sim = new Simulator({ seed: 1 });
    const order: string[] = [];
    sim.at(10, () => order.push('a'));
    sim.at(5, () => {
      order.push('first');
      sim.at(10, () => order.push('c'));
    });
    sim.at(10, () => order.push('b'));
    sim.runUntil(100);
    expect(order).toEqual(['first', 'a', 'b', 'c']);
    expect(sim.now).toBe(100);
  });

  it('never runs a cancelled timer', () => {
    const sim = new Simulator({ seed: 1 });
    let fired = false;
    const timer = sim.after(10, () => (fired = true));
    sim.after(5, () => sim.cancel(timer));
    sim.runUntil(20);
    expect(fired).toBe(false);
    expect(sim.eventsRun).toBe(1);
  });

  it('stops a run that exceeds its event budget', () => {
    const sim = new Simulator({ seed: 1, maxEvents: 1000 });
    const loop = () => sim.after(0, loop);
    loop();
    expect(() => sim.runUntil(1)).toThrow(EventBudgetExceeded);
  });

  it('never schedules into the past', () => {
    const sim = new Simulator({ seed: 1 });
    let at = -1;
    sim.at(50, () => sim.at(10, () => (at = sim.now)));
    sim.runUntil(100);
    expect(at).toBe(50);
  });
});
