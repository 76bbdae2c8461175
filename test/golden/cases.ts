/**
 * The golden trace hashes: every bundled design under a few bundled scenarios and seeds. The
 * hashes are committed in `trace-hashes.json` and checked by `trace-hashes-*.test.ts`, so a change
 * that claims "same behaviour" proves it, and one that moves behaviour shows which runs moved in
 * the diff of that file. Update them only with `npm run golden:update`, and say in the commit
 * which hashes moved and why.
 */
import { designNames, loadDesign, loadScenario } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';

/** The scenarios every design runs under; `quiet` is no schedule (the built-in baseline). */
export const GOLDEN_SCENARIOS = ['quiet', 'primary-crash', 'partition-primary', 'process-crash', 'packet-loss'] as const;
/** Seeds of every scenario; the two crash scenarios also run under `EXTRA_SEED`. */
export const GOLDEN_SEEDS = [1] as const;
const EXTRA_SEED = 7;
const EXTRA_SEED_SCENARIOS: readonly string[] = ['primary-crash', 'partition-primary'];

export const GOLDEN_FILE = new URL('./trace-hashes.json', import.meta.url);

/** `design/scenario/seed` → trace hash, for one design. */
export async function goldenHashesOf(designName: string): Promise<Record<string, string>> {
  const design = await loadDesign(designName);
  const hashes: Record<string, string> = {};
  for (const scenario of GOLDEN_SCENARIOS) {
    const schedule = scenario === 'quiet' ? undefined : loadScenario(scenario);
    const seeds = EXTRA_SEED_SCENARIOS.includes(scenario) ? [...GOLDEN_SEEDS, EXTRA_SEED] : GOLDEN_SEEDS;
    for (const seed of seeds) {
      hashes[`${designName}/${scenario}/${seed}`] = simulate({ design, schedule, seed }).traceHash;
    }
  }
  return hashes;
}

export function goldenDesigns(): string[] {
  return designNames();
}
