/**
 * The event budget is derived from the run (run/event-budget.ts): a long run that is busy all
 * the time but not looping finishes, however long it is; a design that loops at one instant is
 * stopped, with an error that states the budget, its formula and how to raise it.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { derivedEventBudget } from '../../src/run/event-budget.ts';
import { HOUR, MINUTE, SECOND, type Micros } from '../../src/sim/time.ts';
import { defineDesign } from '../../src/world/design.ts';
import type { Schedule } from '../../src/faults/schedule.ts';

/** One node that sets a timer every `tickUs` (0: at the same instant, for ever). */
function ticking(tickUs: Micros) {
  return defineDesign({
    name: 'ticking',
    description: 'a node with a busy timer',
    params: {},
    topology: () => ({ nodes: [{ id: 'n1' }], routing: { kind: 'direct', targets: ['n1'] } }),
    createNode: (ctx) => ({
      onStart: () => {
        ctx.declareRole('primary', 1);
        ctx.setTimer(tickUs, 'tick');
      },
      onMessage: () => {},
      onTimer: () => void ctx.setTimer(tickUs, 'tick'),
    }),
  });
}

const quiet = (length: Micros): Schedule => ({ name: 'quiet', description: '', duration: length, settle: 0, faults: [], source: '<test>' });

describe('the derived event budget', () => {
  it('grows with the run length and the order rate', () => {
    expect(derivedEventBudget(90 * SECOND, { ordersPerSecond: 200 })).toBe(10 * 90 * (2_000 + 50 * 200));
    expect(derivedEventBudget(10 * HOUR, { ordersPerSecond: 200 })).toBe(400 * derivedEventBudget(90 * SECOND, { ordersPerSecond: 200 }));
    // a 10-hour raft run (~1,600-3,100 events per simulated second at 200 orders/s) fits many times over
    expect(derivedEventBudget(10 * HOUR, { ordersPerSecond: 200 })).toBeGreaterThan(10 * 36_000 * 3_100);
    expect(derivedEventBudget(60 * SECOND, { ordersPerSecond: 10_000 })).toBeGreaterThan(derivedEventBudget(60 * SECOND, { ordersPerSecond: 200 }) * 40);
    expect(derivedEventBudget(1 * SECOND, { ordersPerSecond: 0 })).toBe(1_000_000);
  });

  it('lets a long run of a busy but sane design finish', () => {
    // 5,000 events per simulated second, above every bundled design, for 5 minutes: 1.5 M events,
    // more than the budget of a one-minute run at this rate would allow
    // (no orders: this node never answers one, so with orders it would never finish booting)
    const result = simulate({ design: ticking(200), seed: 1, schedule: quiet(5 * MINUTE), workload: { ordersPerSecond: 0 }, invariants: [] });
    expect(result.violations).toEqual([]);
    expect(result.metrics.events).toBeGreaterThan(1_500_000);
    expect(result.metrics.events).toBeGreaterThan(derivedEventBudget(62 * SECOND, { ordersPerSecond: 1 }));
  });

  it('stops a design looping at one instant, saying what was exceeded and how to raise it', () => {
    const result = simulate({ design: ticking(0), seed: 1, schedule: quiet(10 * SECOND), workload: { ordersPerSecond: 1 }, invariants: [] });
    expect(result.violations).toHaveLength(1);
    const detail = result.violations[0].detail;
    expect(result.violations[0].invariant).toBe('model-error');
    expect(detail).toMatch(/exceeded its budget of 1000000 events/);
    expect(detail).toMatch(/derived as max\(1000000, 10 x 12 s x \(2000 \+ 50 x 1 requests\/s\)\)/);
    expect(detail).toMatch(/--max-events/);
    const explicit = simulate({ design: ticking(0), seed: 1, schedule: quiet(10 * SECOND), workload: { ordersPerSecond: 1 }, invariants: [], maxEvents: 5_000 });
    expect(explicit.violations[0].detail).toMatch(/budget of 5000 events .*set by --max-events/);
  });
});
