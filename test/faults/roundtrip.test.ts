import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FAULT_KINDS } from '../../src/faults/registry.ts';
import { writeDuration } from '../../src/faults/fields.ts';
import { parseSchedule, scheduleToYaml, type Schedule } from '../../src/faults/schedule.ts';
import { MINUTE, SECOND } from '../../src/sim/time.ts';

const roundTrip = (s: Schedule): Schedule => parseSchedule(scheduleToYaml(s), s.source);

describe('scheduleToYaml', () => {
  it('writes a schedule that parses back to the same schedule', () => {
    const s = parseSchedule(
      `name: mixed
description: "several kinds: with odd text # and quotes '"
duration: 2m
settle: 45s
faults:
${FAULT_KINDS.map((k) => `  - ${k.example}`).join('\n')}
  - { at: 1s, kind: latency, target: "rack:r1", delay: { lognormal: { median: 50us, p99: 400us } } }
  - { at: 1s, kind: latency, target: b, delay: { empirical: [1ms, 2ms, 1500us] } }
  - { at: 1s, kind: partition, groups: [["dc:dc1", clients], [exchange, "switch:sw-x"], [others]], oneWay: true }
  - { at: 1.5s, kind: clock-jump, target: any, by: -0s }
  - { at: 2s, kind: config-error, target: a, set: { priority: 7, mode: "10", on: false, timeout: 2s } }
`,
      'mixed.yaml',
    );
    expect(roundTrip(s)).toEqual(s);
  });

  it('writes one flow mapping per fault, in the order at, kind, target, fields, for', () => {
    const s = parseSchedule('duration: 120s\nfaults:\n  - { for: 20s, groups: [[primary], [others]], kind: partition, at: 30s }', 'p.yaml');
    expect(scheduleToYaml(s)).toBe(
      'name: p\ndescription: ""\nduration: 2m\nsettle: 1m\nfaults:\n  - { at: 30s, kind: partition, groups: [ [ primary ], [ others ] ], for: 20s }\n',
    );
  });

  it('writes durations exactly', () => {
    expect(writeDuration(90 * SECOND)).toBe('90s');
    expect(writeDuration(2 * MINUTE)).toBe('2m');
    expect(writeDuration(1500)).toBe('1500us');
    expect(writeDuration(-10 * SECOND)).toBe('-10s');
    expect(writeDuration(0)).toBe('0s');
  });

  it('round-trips generated schedules', () => {
    const time = fc.integer({ min: 0, max: 3_600_000_000 });
    const scalarFault = fc.record({
      at: fc.integer({ min: 0, max: 99_999_999 }),
      for: fc.option(time, { nil: undefined }),
      kind: fc.constantFrom('crash', 'pause', 'loss', 'clock-jump', 'memory-leak', 'feed-down'),
      node: fc.constantFrom('primary', 'standby', 'any', 'a', 'rack:r1', 'dc:dc2', 'power:p-1'),
      n: fc.double({ min: 0, max: 1, noNaN: true }),
      d: fc.integer({ min: -3_600_000_000, max: 3_600_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(scalarFault, { maxLength: 6 }), fc.string(), (faults, description) => {
        const lines = faults.map((f) => {
          const extra =
            f.kind === 'loss' ? `, probability: ${f.n}` : f.kind === 'clock-jump' ? `, by: ${writeDuration(f.d)}` : f.kind === 'memory-leak' ? `, maxDelay: ${writeDuration(Math.abs(f.d))}` : '';
          const target = f.kind === 'feed-down' && f.n < 0.3 ? '' : `, target: "${f.node}"`;
          const forPart = f.for === undefined ? '' : `, for: ${writeDuration(Math.max(1, Math.min(f.for, 100_000_000 - f.at)))}`;
          return `  - { at: ${writeDuration(f.at)}, kind: ${f.kind}${target}${extra}${forPart} }`;
        });
        const s = parseSchedule(`duration: 100s\ndescription: ${JSON.stringify(description)}\nfaults:\n${lines.join('\n')}\n`, '<inline>');
        expect(roundTrip(s)).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });
});
