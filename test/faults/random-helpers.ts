/**
 * Shared pieces of the random-profile, shrink and arbitrary tests: a three-node design that
 * does nothing (drawing never runs a model), a profile builder, and the checks every drawn
 * schedule must pass (limits of the profile).
 */
import { SECOND, type Micros } from '../../src/sim/time.ts';
import { defineDesign, type Design } from '../../src/world/design.ts';
import type { RandomProfile } from '../../src/faults/random-profile.ts';
import { parseProfile } from '../../src/faults/random-profile.ts';
import type { Schedule } from '../../src/faults/schedule.ts';

/** Nodes a (rack r1), b (rack r2), c (rack r2, dc2); params of every kind. */
export function trioDesign(name = 'trio'): Design {
  return defineDesign({
    name,
    description: 'three idle nodes',
    params: {
      heartbeatTimeout: { kind: 'duration', default: '1s', doc: 'test', source: 'test' },
      priority: { kind: 'integer', default: 100, min: 1, max: 255, doc: 'test', source: 'test' },
      ratio: { kind: 'number', default: 0.5, min: 0, max: 1, doc: 'test', source: 'test' },
      mode: { kind: 'enum', default: 'async', values: ['async', 'sync'], doc: 'test', source: 'test' },
    },
    topology: () => ({
      nodes: [{ id: 'a', rack: 'r1' }, { id: 'b', rack: 'r2' }, { id: 'c', rack: 'r2', dc: 'dc2' }],
      routing: { kind: 'direct', targets: ['a', 'b'] },
    }),
    createNode: () => ({ onMessage() {} }),
  });
}

/** A profile from the lines of its YAML (duration 60s unless given). */
export function profileOf(yaml: string, source = '<test>'): RandomProfile {
  return parseProfile(yaml.includes('duration:') ? yaml : `duration: 60s\n${yaml}`, source);
}

/** What every drawn schedule must respect; returns the broken rules (empty: fine). */
export function brokenLimits(schedule: Schedule, limits: { duration: Micros; maxConcurrentFaults: number; minHealthyTime: Micros }): string[] {
  const broken: string[] = [];
  if (schedule.duration !== limits.duration) broken.push(`duration ${schedule.duration}`);
  schedule.faults.forEach((f, i) => {
    if (f.id !== i) broken.push(`faults[${i}] has id ${f.id}`);
    if (f.for === undefined || f.for <= 0) broken.push(`faults[${i}] has no positive for`);
    if (f.at < 0 || f.at + (f.for ?? 0) > limits.duration) broken.push(`faults[${i}] outside chaos`);
    if (i > 0 && f.at < schedule.faults[i - 1].at) broken.push(`faults[${i}] out of time order`);
    const earlier = schedule.faults.slice(0, i);
    const active = earlier.filter((e) => e.at <= f.at && f.at < e.at + e.for!).length;
    if (active + 1 > limits.maxConcurrentFaults) broken.push(`faults[${i}] starts with ${active} active`);
    if (active === 0) {
      const allClear = Math.max(0, ...earlier.map((e) => e.at + e.for!));
      if (f.at < allClear + limits.minHealthyTime) broken.push(`faults[${i}] at ${f.at} within ${limits.minHealthyTime} of the all-clear at ${allClear}`);
    }
  });
  return broken;
}

export const S = SECOND;
