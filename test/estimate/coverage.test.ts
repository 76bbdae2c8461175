/**
 * The estimate says how far its simulations cover the incident classes. With more classes than
 * simulations most rare classes are never simulated (sampling.ts: half the budget spread evenly,
 * half by sqrt(count)), so the report must say so; with enough simulations it says nothing. The
 * single design under servers failing every 100 h has a handful of classes over a few years.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/estimate/estimate.ts';
import { parseReliability } from '../../src/estimate/reliability.ts';
import { estimateNotes } from '../../src/report/estimate-report.ts';

const data = parseReliability('name: flaky\ncomponents:\n  server: { mttf: 100h, mttr: 10h }\n  process: { mttf: 50h, mttr: 1m }\n', '<flaky>');

describe('estimate: coverage of the incident classes', () => {
  it('counts the classes, the simulated ones and the incidents in classes never simulated, and warns when classes outnumber simulations', async () => {
    const [few] = await estimate({ designs: ['single'], reliability: data, years: 2, seed: 1, simulations: 2 });
    const c = few.coverage;
    expect(c.budget).toBe(2);
    expect(c.classes).toBeGreaterThan(2);
    expect(c.classesSimulated).toBe(new Set(few.classes.filter((k) => k.simulated > 0).map((k) => k.name)).size);
    expect(c.classesSimulated).toBeLessThan(c.classes);
    expect(c.unsimulatedIncidentShare).toBeGreaterThan(0);
    expect(c.unsimulatedIncidentShare).toBeLessThan(1);
    const note = estimateNotes([few], data).find((n) => n.includes('incident classes for'));
    expect(note).toContain(`${c.classes} incident classes for 2 simulations`);
    expect(note).toContain(`${c.classes - c.classesSimulated} classes`);
    // the even half: budget / (2 classes) each
    expect(note).toContain(`(${(1 / c.classes).toFixed(3)} expected simulations per class)`);

    const [all] = await estimate({ designs: ['single'], reliability: data, years: 2, seed: 1, simulations: Infinity });
    expect(all.coverage.classesSimulated).toBe(all.coverage.classes);
    expect(all.coverage.unsimulatedIncidentShare).toBe(0);
    expect(estimateNotes([all], data).some((n) => n.includes('incident classes for'))).toBe(false);
  }, 60_000);
});
