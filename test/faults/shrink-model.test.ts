/**
 * Shrinking a real failure (issue 4): `hot-standby-naive` under `random-default` fails
 * `single-primary` within 200 seeds; its schedule shrinks to at most 2 faults, which, written as
 * a schedule file and replayed with the same seed and drawn parameters, shows the same
 * violation with the same trace hash every time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesign, profilePath } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { staticDesignView } from '../../src/faults/design-view.ts';
import { drawRun, loadProfile } from '../../src/faults/random-profile.ts';
import { parseSchedule, scheduleToYaml, type Schedule } from '../../src/faults/schedule.ts';
import { shrinkSchedule } from '../../src/faults/shrink.ts';
import { resolveParams } from '../../src/world/params.ts';

const MODEL = join(import.meta.dirname, '../../models/hot-standby-naive.ts');
const INVARIANT = 'single-primary';

describe.skipIf(!existsSync(MODEL))('shrinking hot-standby-naive under random-default', () => {
  it(`finds a ${INVARIANT} failure within 200 seeds, shrinks it to at most 2 faults, and the shrunk file replays to it`, async () => {
    const design = await loadDesign('hot-standby-naive');
    const profile = loadProfile(profilePath('random-default'));
    const run = (seed: number, schedule: Schedule, params: Record<string, string>) => simulate({ design, seed, schedule, params, invariants: [INVARIANT] });

    let failing: { seed: number; drawn: ReturnType<typeof drawRun> } | undefined;
    for (let seed = 0; seed < 200 && !failing; seed++) {
      const drawn = drawRun(profile, design, seed);
      if (run(seed, drawn.schedule, drawn.params).violations.length) failing = { seed, drawn };
    }
    expect(failing, `no ${INVARIANT} failure in 200 seeds`).toBeDefined();
    const { seed, drawn } = failing!;

    const stillFails = (s: Schedule) => run(seed, s, drawn.params).violations.some((v) => v.invariant === INVARIANT);
    const view = staticDesignView(design, resolveParams(design, drawn.params));
    const shrunk = shrinkSchedule(drawn.schedule, stillFails, { maxRuns: 300, view });
    expect(shrunk.schedule.faults.length).toBeLessThanOrEqual(2);
    expect(shrunk.runs).toBeLessThanOrEqual(300);

    const file = scheduleToYaml(shrunk.schedule);
    const replayed = [1, 2].map(() => run(seed, parseSchedule(file, 'shrunk.yaml'), drawn.params));
    expect(replayed[0].violations.map((v) => v.invariant)).toContain(INVARIANT);
    expect(replayed[1].traceHash).toBe(replayed[0].traceHash);
    expect(replayed[1].violations).toEqual(replayed[0].violations);
  }, 180_000); // the shrinker moves faults late in chaos, so its probes simulate the whole run (about twice the earlier-moving shrinker's time)
});
