/**
 * The published cases in scenarios/published/: each parses, describes itself, says in its
 * header which design (and `--set`) it is for, and names only what that design has.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadDesign, publishedScenarioNames, scenarioPath } from '../../src/campaign/catalog.ts';
import { staticDesignView } from '../../src/faults/design-view.ts';
import { loadSchedule, validateTargets } from '../../src/faults/schedule.ts';
import { resolveParams } from '../../src/world/params.ts';

describe('published cases', () => {
  it('are bundled', () => {
    expect(publishedScenarioNames().length).toBeGreaterThanOrEqual(2);
  });

  it.each(publishedScenarioNames())('%s names its design and fits it', async (name) => {
    const path = scenarioPath(name);
    const command = /hasim run (\S+) -s (\S+)((?: --set \S+)*)/.exec(readFileSync(path, 'utf8'));
    expect(command?.[2]).toBe(name);
    const design = await loadDesign(command![1]);
    const params = Object.fromEntries([...command![3].matchAll(/--set (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    const schedule = loadSchedule(path);
    expect(schedule.description.length).toBeGreaterThan(20);
    expect(() => validateTargets(schedule, staticDesignView(design, resolveParams(design, params)))).not.toThrow();
  });
});
