/**
 * Every bundled scenario runs on every bundled design without crashing the simulator or the
 * design (no `model-error`). The order rate is lowered: this test is about robustness, not
 * figures. The design list is split in halves so vitest runs them in parallel.
 */
import { describe, expect, it } from 'vitest';
import { designNames, loadDesign, loadScenario, scenarioNames } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';

export function smokeTest(half: 0 | 1): void {
  const designs = designNames().filter((_, i) => i % 2 === half);
  for (const name of designs) {
    describe(name, () => {
      it('runs every scenario without a simulator or design crash', async () => {
        const design = await loadDesign(name);
        const crashes: string[] = [];
        for (const scenario of scenarioNames()) {
          const result = simulate({ design, schedule: loadScenario(scenario), seed: 1, workload: { ordersPerSecond: 40 } });
          for (const v of result.violations) if (v.invariant === 'model-error') crashes.push(`${scenario}: ${v.detail}`);
          expect(result.metrics.orders).toBeGreaterThan(0);
        }
        expect(crashes).toEqual([]);
      });
    });
  }
}
