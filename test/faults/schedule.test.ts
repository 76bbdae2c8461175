import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND } from '../../src/sim/time.ts';
import { loadSchedule, parseSchedule } from '../../src/faults/schedule.ts';

/** The InputError `parseSchedule` throws for `text` (fails the test when it does not throw one). */
function errorOf(text: string, source = 'bad.yaml'): InputError {
  try {
    parseSchedule(text, source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseSchedule', () => {
  it('parses the example of design.md', () => {
    const s = parseSchedule(
      `name: partition-primary
description: the primary is cut off from its peers but not from clients for 20 s
duration: 120s
settle: 60s
faults:
  - { at: 30s, kind: partition, groups: [[primary], [others]], for: 20s }
  - { at: 70s, kind: process-crash, target: primary, restartAfter: 10s }
`,
      'partition-primary.yaml',
    );
    expect(s).toEqual({
      name: 'partition-primary',
      description: 'the primary is cut off from its peers but not from clients for 20 s',
      duration: 120 * SECOND,
      settle: 60 * SECOND,
      source: 'partition-primary.yaml',
      faults: [
        { id: 0, at: 30 * SECOND, for: 20 * SECOND, kind: 'partition', groups: [[{ type: 'primary' }], [{ type: 'others' }]], oneWay: false },
        { id: 1, at: 70 * SECOND, kind: 'process-crash', target: { type: 'primary' }, restartAfter: 10 * SECOND },
      ],
    });
  });

  it('defaults settle to 60s, the name to the file stem, the description to empty and faults to none', () => {
    const s = parseSchedule('duration: 90s', 'scenarios/quiet-run.yaml');
    expect(s).toMatchObject({ name: 'quiet-run', description: '', settle: 60 * SECOND, faults: [] });
  });

  it('requires duration', () => {
    expect(errorOf('faults: []').field).toBe('duration');
  });

  it.each([
    ['unknown top-level field', 'duration: 10s\nseed: 3', 'seed', /one of the fields name, description, duration, settle, workload, faults/],
    ['unit-less duration', 'duration: 120', 'duration', /duration with a unit/],
    ['negative settle', 'duration: 10s\nsettle: -5s', 'settle', /non-negative duration/],
    ['zero duration', 'duration: 0s', 'duration', /positive duration/],
    ['faults not a list', 'duration: 10s\nfaults: { at: 1s }', 'faults', /a list of faults/],
    ['name not text', 'duration: 10s\nname: [x]', 'name', /non-empty name/],
    ['fault not a mapping', 'duration: 10s\nfaults: [crash]', 'faults[0]', /a mapping/],
    ['unknown kind', 'duration: 10s\nfaults:\n  - { at: 1s, kind: meteor, target: a }', 'faults[0].kind', /a fault kind \(crash, nic-down, .*dc-down\)/],
    ['missing kind', 'duration: 10s\nfaults:\n  - { at: 1s, target: a }', 'faults[0].kind', /a fault kind/],
    ['missing at', 'duration: 10s\nfaults:\n  - { kind: crash, target: a }', 'faults[0].at', /start time/],
    ['unknown field of a kind', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: a, delay: 5ms }', 'faults[0].delay', /a field of crash \(at, when, kind, target, for\)/],
    ['target on a kind without one', 'duration: 10s\nfaults:\n  - { at: 1s, kind: market-close, target: a }', 'faults[0].target', /a field of market-close/],
    ['missing required field', 'duration: 10s\nfaults:\n  - { at: 1s, kind: latency, target: a }', 'faults[0].delay', /latency requires delay/],
    ['missing required target', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash }', 'faults[0].target', /a target for crash/],
    ['wrong type', 'duration: 10s\nfaults:\n  - { at: 1s, kind: loss, target: a, probability: "lots" }', 'faults[0].probability', /probability between 0 and 1/],
    ['probability above 1', 'duration: 10s\nfaults:\n  - { at: 1s, kind: loss, target: a, probability: 1.5 }', 'faults[0].probability', /between 0 and 1.*got 1\.5/],
    ['negative probability', 'duration: 10s\nfaults:\n  - { at: 1s, kind: duplicate, target: a, probability: -0.1 }', 'faults[0].probability', /between 0 and 1/],
    ['negative for', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: a, for: -2s }', 'faults[0].for', /non-negative duration/],
    ['unit-less at', 'duration: 10s\nfaults:\n  - { at: 5, kind: crash, target: a }', 'faults[0].at', /duration with a unit.*got 5/],
    ['at not before duration', 'duration: 10s\nfaults:\n  - { at: 10s, kind: crash, target: a }', 'faults[0].at', /before the end of chaos \(duration 10s\)/],
    ['bad target syntax', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: "rack:" }', 'faults[0].target', /primary, standby, any, rack:R/],
    ['unknown place', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: "room:5" }', 'faults[0].target', /rack:R, dc:D, switch:S, power:P/],
    ['group word as a target', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: others }', 'faults[0].target', /a target/],
    ['error in a later fault', 'duration: 10s\nfaults:\n  - { at: 1s, kind: crash, target: a }\n  - { at: 2s, kind: pause, target: a }\n  - { at: 3s, kind: crash, target: a, for: 1 }', 'faults[2].for', /duration with a unit/],
  ])('rejects %s, naming the field', (_name, text, field, expected) => {
    const error = errorOf(text);
    expect(error.source).toBe('bad.yaml');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(expected);
    expect(error.message.startsWith(`bad.yaml: ${field}: expected`)).toBe(true);
  });

  it('reports malformed YAML with its line number', () => {
    const error = errorOf('duration: 10s\nfaults:\n  - { at: 1s, kind: crash\n  - x: [\n');
    expect(error.field).toMatch(/^line \d+$/);
    expect(error.expected).toBe('valid YAML');
  });

  it('reports duplicate keys and unresolved aliases as YAML errors', () => {
    expect(errorOf('duration: 10s\nduration: 20s').field).toBe('line 2');
    expect(errorOf('duration: *nowhere').expected).toBe('valid YAML');
  });

  it('rejects a document that is not a mapping', () => {
    expect(errorOf('- a\n- b').field).toBe('');
    expect(errorOf('').message).toMatch(/a mapping with duration/);
  });
});

describe('loadSchedule', () => {
  it('reads a file and names the schedule after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-'));
    const path = join(dir, 'my-test.yaml');
    writeFileSync(path, 'duration: 30s\nfaults:\n  - { at: 5s, kind: pause, target: primary, for: 2s }\n');
    const s = loadSchedule(path);
    expect(s.name).toBe('my-test');
    expect(s.source).toBe(path);
    expect(s.faults).toHaveLength(1);
  });

  it('reports an unreadable file as an InputError', () => {
    expect(() => loadSchedule('/nonexistent/x.yaml')).toThrow(InputError);
    expect(() => loadSchedule('/nonexistent/x.yaml')).toThrow(/x.yaml: expected a readable schedule file \(got no such file\)/);
  });
});
