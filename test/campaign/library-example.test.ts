/**
 * The library API as a user's own CI suite uses it (the README's example): define a design in
 * the test file, and let `check()` run a small campaign of it in-process under a schedule of
 * your own; the aggregate says which invariants failed and with which seeds.
 */
import { describe, expect, it } from 'vitest';
import { check, defineDesign, parseSchedule } from 'hasim';
import { OrderServer } from '../../src/parts/order-server.ts';

/** Two servers that both act as primary from the start: split brain by construction. */
const twoPrimaries = defineDesign({
  name: 'two-primaries',
  description: 'both nodes primary, no coordination',
  params: {},
  topology: () => ({ nodes: [{ id: 'a' }, { id: 'b' }], routing: { kind: 'direct', targets: ['a', 'b'] } }),
  createNode: (ctx) => {
    const server = new OrderServer(ctx);
    return {
      onStart: () => {
        server.becomePrimary(1);
        ctx.sendToExchange(`hello-from-${ctx.id}`);
      },
      onMessage: (_from, msg) => server.handle(msg),
    };
  },
});

const schedule = parseSchedule(
  `
name: pause-a
duration: 3s
settle: 1s
faults:
  - { at: 1s, kind: pause, target: a, for: 500ms }
`,
  'inline',
);

describe('check() from a user test suite', () => {
  it('finds the split brain of a design defined in the test, with the seeds that show it', async () => {
    const result = await check({ designs: [twoPrimaries], schedules: [schedule], runs: 5, workers: 0, shrinkRuns: 0 });
    const [aggregate] = result.aggregates;
    expect(aggregate.runs).toBe(5);
    expect(aggregate.violations.get('single-primary')).toBe(5);
    expect(aggregate.failures.map((f) => f.seed)).toEqual([1, 2, 3, 4, 5]);
  });
});
