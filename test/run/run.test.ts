import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { buildRun } from '../../src/run/run.ts';
import { SECOND } from '../../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { defineDesign } from '../../src/world/design.ts';
import { resolveParams } from '../../src/world/params.ts';

/** A design whose node throws `error` at `atMs` after it starts. */
function throwing(error: () => unknown, atMs: number) {
  return defineDesign({
    name: 'throws',
    description: 'a node that throws',
    params: {},
    topology: () => ({ nodes: [{ id: 'n1' }], routing: { kind: 'direct', targets: ['n1'] } }),
    createNode: (ctx) => ({
      onStart: () => {
        ctx.declareRole('primary', 1);
        ctx.setTimer(atMs * 1000, 'boom');
      },
      onMessage: () => {},
      onTimer: () => {
        throw error();
      },
    }),
  });
}

describe('the run driver', () => {
  it('gives the same trace hash and history stepped in phases as in one step', async () => {
    const design = await loadDesign('hot-standby-naive');
    const setup = { design, params: resolveParams(design, {}), seed: 4, workload: DEFAULT_WORKLOAD };
    const window = { healAt: 10 * SECOND, settleEndAt: 10 * SECOND, endAt: 10 * SECOND };
    const whole = buildRun(setup);
    whole.sim.at(10 * SECOND, () => whole.world.stopClients());
    expect(whole.step(10 * SECOND)).toBe(true);
    const phased = buildRun(setup);
    phased.sim.at(10 * SECOND, () => phased.world.stopClients());
    for (const t of [0, 1, 2.5, 7, 10]) expect(phased.step(t * SECOND)).toBe(true);
    const a = whole.finish(window);
    const b = phased.finish(window);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.events).toBe(a.events);
    expect(a.events).toBeGreaterThan(1000);
    expect(b.history.events).toEqual(a.history.events);
  });

  it('reports a design that throws as a model failure at its time, and steps no further', () => {
    const run = buildRun({ design: throwing(() => new Error('boom'), 1500), params: {}, seed: 1, workload: DEFAULT_WORKLOAD });
    expect(run.step(1 * SECOND)).toBe(true);
    expect(run.step(3 * SECOND)).toBe(false);
    expect(run.failed).toBe(true);
    const events = run.sim.eventsRun;
    expect(run.step(5 * SECOND)).toBe(false);
    expect(run.sim.eventsRun).toBe(events);
    const { modelError } = run.finish({ healAt: 0, settleEndAt: 0, endAt: 5 * SECOND });
    expect(modelError?.time).toBe(1500 * 1000);
    expect(modelError?.detail).toContain('boom');
  });

  it('reports a run past its event budget as a model failure', () => {
    const design = throwing(() => new Error('never'), 1e9);
    const run = buildRun({ design, params: {}, seed: 1, workload: DEFAULT_WORKLOAD, maxEvents: 50 });
    expect(run.step(60 * SECOND)).toBe(false);
    expect(run.finish({ healAt: 0, settleEndAt: 0, endAt: 60 * SECOND }).modelError?.detail).toMatch(/event/i);
  });

  it('simulate() turns a model failure into a model-error violation', () => {
    const result = simulate({ design: throwing(() => new Error('boom'), 1500), seed: 1 });
    expect(result.violations).toEqual([{ invariant: 'model-error', time: 1500 * 1000, detail: expect.stringContaining('boom') }]);
  });
});
