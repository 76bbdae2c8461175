import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchedule, validateTargets } from '../../src/faults/schedule.ts';
import { SECOND } from '../../src/sim/time.ts';

const DIR = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !f.startsWith('random-'));

/** A design with one node in dc1: roles and dc1 are all a scenario may assume. */
const minimalDesign = { nodeIds: ['a'], valuesOf: (key: string) => (key === 'dc' ? ['dc1'] : []) };

describe('bundled scenarios', () => {
  it('include one schedule per failure the HA document names', () => {
    expect(files.map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(
      [
        'server-crash', 'nic-failure', 'switch-failure', 'rack-power-loss', 'disk-failure',
        'process-crash', 'graceful-stop', 'memory-leak', 'deadlock', 'config-error',
        'link-down', 'partition-primary', 'partition-one-way', 'high-latency', 'packet-loss',
        'disk-full', 'gc-pause', 'clock-jump',
        'exchange-disconnect', 'feed-down', 'market-close',
        'dc-loss', 'primary-crash',
      ].sort(),
    );
  });

  it.each(files)('%s parses, is named after its file, describes itself and has realistic timing', (file) => {
    const s = loadSchedule(join(DIR, file));
    expect(s.name).toBe(file.replace(/\.yaml$/, ''));
    expect(s.description.length).toBeGreaterThan(20);
    expect(s.duration).toBeGreaterThanOrEqual(60 * SECOND);
    expect(s.duration).toBeLessThanOrEqual(120 * SECOND);
    expect(s.settle).toBe(60 * SECOND);
    expect(s.faults.length).toBeGreaterThan(0);
    for (const f of s.faults) expect(f.at).toBeGreaterThanOrEqual(20 * SECOND);
  });

  it.each(files)('%s names only targets every design has', (file) => {
    expect(() => validateTargets(loadSchedule(join(DIR, file)), minimalDesign)).not.toThrow();
  });
});
