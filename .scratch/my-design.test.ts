import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, loadDesign, scheduleArbitrary, SECOND, simulate } from 'hasim';

const design = await loadDesign('./my-design.ts');

describe('my-single', () => {
  it('never loses an acked order or sends one twice, whatever two faults strike', () => {
    const schedules = scheduleArbitrary({ kinds: ['process-crash', 'pause', 'partition'], maxFaults: 2, duration: 20 * SECOND, settle: 10 * SECOND });
    fc.assert(
      fc.property(schedules, fc.nat(), (schedule, seed) => {
        const { violations } = simulate({ design, seed, schedule, invariants: ['no-lost-ack', 'no-duplicate-order'] });
        expect(violations).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('passes a campaign of random faults: no failed run', async () => {
    const result = await check({ designs: ['./my-design.ts'], runs: 10, workers: 0, invariants: ['no-lost-ack', 'no-duplicate-order'] });
    const [mine] = result.aggregates;
    expect(mine.runs).toBe(10);
    expect(mine.failedRuns).toBe(0); // else mine.failures[i] holds the seed, violation and schedule
  });
});
