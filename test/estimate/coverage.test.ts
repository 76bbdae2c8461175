/**
 * The estimate says how far its simulations cover the incident classes. With more classes than
 * simulations most rare classes are never simulated (sampling.ts: half the budget spread evenly,
 * half by sqrt(count)), so the report must say so; with enough simulations it says nothing. The
 * single design under servers failing every 100 h has a handful of classes over a few years.
 */
import { describe, expect, it } from 'vitest';
import { estimate, type IncidentRecord } from '../../src/estimate/estimate.ts';
import { parseReliability } from '../../src/estimate/reliability.ts';
import { estimateNotes } from '../../src/report/estimate-report.ts';

const data = parseReliability('name: flaky\ncomponents:\n  server: { mttf: 100h, mttr: 10h }\n  process: { mttf: 50h, mttr: 1m }\n', '<flaky>');

describe('estimate: coverage of the incident classes', () => {
  it('counts the classes, the simulated ones and the incidents in classes never simulated, and warns when classes outnumber simulations', async () => {
    const records: IncidentRecord[] = [];
    // seed 2: its two simulations draw incidents that cost more than their structural downtime
    // (seed 1 stopped doing so when the exponential draws changed to the ziggurat, sim/exponential.ts)
    const [few] = await estimate({ designs: ['single'], reliability: data, years: 2, seed: 2, simulations: 2, onIncident: (r) => records.push(r) });
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

    // the heaviest draw, from the simulated incidents themselves
    const weighted = records.map((r) => r.outcome.weight * (r.outcome.downtimeSeconds - r.outcome.structuralDownSeconds));
    const positive = weighted.filter((w) => w > 0);
    expect(positive.length).toBeGreaterThan(0);
    const top = weighted.indexOf(Math.max(...positive));
    expect(c.heaviest).toEqual({ className: records[top].className, weight: records[top].outcome.weight, share: weighted[top] / positive.reduce((a, b) => a + b, 0) });
    // here one draw, weighted as ~38 process restarts, is most of the protocol cost, and the notes say so
    expect(estimateNotes([few], data).some((n) => n.includes(`one simulated incident (${c.heaviest!.className}`) && n.includes('rests on one draw'))).toBe(c.heaviest!.share >= 0.5);

    const [all] = await estimate({ designs: ['single'], reliability: data, years: 2, seed: 2, simulations: Infinity });
    expect(all.coverage.classesSimulated).toBe(all.coverage.classes);
    expect(all.coverage.unsimulatedIncidentShare).toBe(0);
    expect(estimateNotes([all], data).some((n) => n.includes('incident classes for'))).toBe(false);
  }, 60_000);

  it('says when one sampled incident makes most of the protocol cost, and not when it stands for itself or makes little of it', async () => {
    const [few] = await estimate({ designs: ['single'], reliability: data, years: 2, seed: 1, simulations: 2 });
    const rests = (heaviest: typeof few.coverage.heaviest) => estimateNotes([{ ...few, coverage: { ...few.coverage, heaviest } }], data).find((n) => n.includes('rests on one draw'));
    expect(rests({ className: 'a.server- L a.server+', weight: 7_300, share: 0.9 })).toContain('one simulated incident (a.server- L a.server+, weighted as 7,300 incidents of its class) makes 90 %');
    expect(rests({ className: 'a.server- L a.server+', weight: 1, share: 0.9 })).toBeUndefined();
    expect(rests({ className: 'a.server- L a.server+', weight: 7_300, share: 0.3 })).toBeUndefined();
    expect(rests(null)).toBeUndefined();
  }, 60_000);
});
