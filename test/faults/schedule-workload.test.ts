/** The `workload:` section of schedule files: parsed with one-line errors, written back, applied to the run. */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';
import design from '../../models/single.ts';

const text = (workload: string) => `name: w\nduration: 5s\nsettle: 2s\nworkload: ${workload}\nfaults: []\n`;

describe('a schedule file\'s workload', () => {
  it('parses, round-trips and reaches the clients', () => {
    const s = parseSchedule(text('{ ordersPerSecond: 50, readsPerSecond: 10, cancelOnTimeout: true, timeout: 500ms }'), 'w.yaml');
    expect(s.workload).toEqual({ ordersPerSecond: 50, readsPerSecond: 10, cancelOnTimeout: true, timeout: 500_000 });
    expect(parseSchedule(scheduleToYaml(s), 'w.yaml')).toEqual(s);
    const r = simulate({ design, seed: 1, schedule: s });
    expect(r.history.clientTimeout).toBe(500_000);
    expect(r.metrics.orders).toBeGreaterThan(200);
    expect(r.metrics.orders).toBeLessThan(500); // 50/s for 7 s, not the default 200/s
    expect(simulate({ design, seed: 1, schedule: s, workload: { ordersPerSecond: 200 } }).metrics.orders).toBeGreaterThan(1000); // the caller's wins
  });

  it('names the field of a mistake', () => {
    expect(() => parseSchedule(text('{ readz: 1 }'), 'w.yaml')).toThrow(/w\.yaml: workload\.readz: expected a workload setting/);
    expect(() => parseSchedule(text('{ clients: 1.5 }'), 'w.yaml')).toThrow(/workload\.clients: expected a whole number/);
    expect(() => parseSchedule(text('fast'), 'w.yaml')).toThrow(/workload: expected a mapping/);
  });
});
