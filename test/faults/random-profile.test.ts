/**
 * Random profiles as files: every bundled one parses and is documented, every mistake is one
 * InputError naming the field, and the published JSON Schema is generated from the code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile, parseProfile } from '../../src/faults/random-profile.ts';
import { profileJsonSchema } from '../../src/faults/profile-schema.ts';
import { faultKind } from '../../src/faults/registry.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { MS, SECOND } from '../../src/sim/time.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const BUNDLED = readdirSync(SCENARIOS).filter((f) => f.startsWith('random-') && f.endsWith('.yaml'));

describe('the bundled profiles', () => {
  it('are the four the campaigns use', () => {
    expect(BUNDLED.sort()).toEqual(['random-clock.yaml', 'random-default.yaml', 'random-network.yaml', 'random-process.yaml', 'random-worst-moment.yaml']);
  });

  for (const file of BUNDLED) {
    it(`${file} parses, is named after its file, points editors at the schema and explains itself in comments`, () => {
      const text = readFileSync(join(SCENARIOS, file), 'utf8');
      const profile = loadProfile(join(SCENARIOS, file));
      expect(profile.name).toBe(file.replace('.yaml', ''));
      expect(profile.description).not.toBe('');
      expect(profile.faults.length).toBeGreaterThan(0);
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/profile.schema.json');
      expect(text.split('\n').filter((l) => l.trim().startsWith('#')).length).toBeGreaterThan(3);
    });
  }

  it('random-default is the one `hasim check` uses: 60 s of chaos, 30 s of settle, the generic kinds', () => {
    const p = loadProfile(join(SCENARIOS, 'random-default.yaml'));
    expect([p.duration, p.settle]).toEqual([60 * SECOND, 30 * SECOND]);
    const kinds = p.faults.map((f) => f.kind);
    for (const kind of ['crash', 'process-crash', 'pause', 'partition', 'link-down', 'latency', 'loss', 'clock-jump']) expect(kinds).toContain(kind);
  });

  it('random-network, random-process and random-clock keep to their theme', () => {
    const kinds = (name: string) => loadProfile(join(SCENARIOS, `${name}.yaml`)).faults.map((f) => f.kind).sort();
    expect(kinds('random-network')).toEqual(['duplicate', 'exchange-disconnect', 'latency', 'link-down', 'loss', 'nic-down', 'partition', 'switch-down']);
    expect(kinds('random-process')).toEqual(['deadlock', 'memory-leak', 'pause', 'process-crash']);
    expect(kinds('random-clock')).toEqual(['clock-drift', 'clock-jump', 'clock-skew', 'pause']);
  });
});

describe('parseProfile', () => {
  const minimal = 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 2s, targets: [primary] }\n';

  it('fills in the defaults: settle 60s, two concurrent faults, 5 s healthy, intensity 0.5..2, name from the file', () => {
    const p = parseProfile(minimal, 'dir/my-profile.yaml');
    expect(p).toMatchObject({ name: 'my-profile', description: '', settle: 60 * SECOND, maxConcurrentFaults: 2, minHealthyTime: 5 * SECOND, intensity: { min: 0.5, max: 2 } });
    expect(p.faults).toEqual([{ kind: 'pause', ratePerMinute: 1, for: { constant: 2 * SECOND }, targets: ['primary'], fields: {} }]);
    expect(p.params).toBeUndefined();
  });

  it('reads values, choices and ranges of a kind\'s fields, and design parameter ranges', () => {
    const p = parseProfile(
      `duration: 30s
faults:
  - kind: latency
    ratePerMinute: 2
    for: { uniform: { min: 1s, max: 5s } }
    targets: [primary, node:*, rack:*, a]
    fields: { delay: { min: 10ms, max: 1s } }
  - kind: process-crash
    ratePerMinute: 1
    for: 3s
    targets: [any]
    fields: { restartAfter: { values: [null, supervisor, 5s] } }
  - kind: clock-jump
    ratePerMinute: 1
    for: 1s
    targets: [standby]
    fields: { by: -10s }
  - { kind: exchange-disconnect, ratePerMinute: 1, for: 1s }
params:
  heartbeatTimeout: { min: 500ms, max: 3s }
  priority: { values: [100, 150] }
  mode: sync
`,
      '<t>',
    );
    expect(p.faults[0]).toMatchObject({ targets: ['primary', 'node:*', 'rack:*', 'a'], fields: { delay: { min: 10 * MS, max: SECOND, unit: 'duration' } } });
    expect(p.faults[1].fields).toEqual({ restartAfter: { values: [null, 'supervisor', '5s'] } });
    expect(p.faults[2].fields).toEqual({ by: { value: '-10s' } });
    expect(p.faults[3].targets).toEqual(['all']);
    expect(p.params).toEqual({
      heartbeatTimeout: { min: 500 * MS, max: 3 * SECOND, unit: 'duration' },
      priority: { values: [100, 150] },
      mode: { value: 'sync' },
    });
  });

  const cases: [string, string, string][] = [
    ['a missing duration', 'faults: []', 'duration'],
    ['an unknown top-level field', `${minimal}bogus: 1`, 'bogus'],
    ['no faults', 'duration: 60s\nfaults: []', 'faults'],
    ['a zero concurrency', `${minimal}maxConcurrentFaults: 0`, 'maxConcurrentFaults'],
    ['a unit-less healthy time', `${minimal}minHealthyTime: 5`, 'minHealthyTime'],
    ['an inverted intensity', `${minimal}intensity: { min: 2, max: 1 }`, 'intensity.max'],
    ['an unknown kind', 'duration: 60s\nfaults:\n  - { kind: meteor, ratePerMinute: 1, for: 1s }', 'faults[0].kind'],
    ['a negative rate', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: -1, for: 1s, targets: [primary] }', 'faults[0].ratePerMinute'],
    ['a missing for', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, targets: [primary] }', 'faults[0].for'],
    ['a bad distribution', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: { gauss: 1s }, targets: [primary] }', 'faults[0].for'],
    ['an unknown entry field', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [primary], weight: 2 }', 'faults[0].weight'],
    ['no targets for a kind that needs one', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s }', 'faults[0].targets'],
    ['targets for a kind without one', 'duration: 60s\nfaults:\n  - { kind: partition, ratePerMinute: 1, for: 1s, targets: [primary], fields: { groups: [[primary], [others]] } }', 'faults[0].targets'],
    ['a malformed target', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [primary, "rack:"] }', 'faults[0].targets[1]'],
    ['an unknown pattern', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: ["moon:*"] }', 'faults[0].targets[0]'],
    ['all for a kind that needs a target', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [all] }', 'faults[0].targets[0]'],
    ['a field the kind does not have', 'duration: 60s\nfaults:\n  - { kind: pause, ratePerMinute: 1, for: 1s, targets: [primary], fields: { delay: 1s } }', 'faults[0].fields.delay'],
    ['a missing required field', 'duration: 60s\nfaults:\n  - { kind: latency, ratePerMinute: 1, for: 1s, targets: [primary] }', 'faults[0].fields.delay'],
    ['a bad value', 'duration: 60s\nfaults:\n  - { kind: loss, ratePerMinute: 1, for: 1s, targets: [primary], fields: { probability: 2 } }', 'faults[0].fields.probability'],
    ['a bad value in a choice', 'duration: 60s\nfaults:\n  - { kind: loss, ratePerMinute: 1, for: 1s, targets: [primary], fields: { probability: { values: [0.1, 7] } } }', 'faults[0].fields.probability.values[1]'],
    ['null for a required field', 'duration: 60s\nfaults:\n  - { kind: loss, ratePerMinute: 1, for: 1s, targets: [primary], fields: { probability: { values: [null] } } }', 'faults[0].fields.probability.values[0]'],
    ['an inverted range', 'duration: 60s\nfaults:\n  - { kind: latency, ratePerMinute: 1, for: 1s, targets: [primary], fields: { delay: { min: 2s, max: 1s } } }', 'faults[0].fields.delay.max'],
    ['a range end the field rejects', 'duration: 60s\nfaults:\n  - { kind: loss, ratePerMinute: 1, for: 1s, targets: [primary], fields: { probability: { min: 0.5, max: 3 } } }', 'faults[0].fields.probability.max'],
    ['a range mixing a duration and a number', 'duration: 60s\nfaults:\n  - { kind: latency, ratePerMinute: 1, for: 1s, targets: [primary], fields: { delay: { min: 1s, max: 3 } } }', 'faults[0].fields.delay'],
    ['a negative duration range for a non-negative field', 'duration: 60s\nfaults:\n  - { kind: latency, ratePerMinute: 1, for: 1s, targets: [primary], fields: { delay: { min: -1s, max: 1s } } }', 'faults[0].fields.delay.min'],
    ['a kind listed twice', `${minimal}  - { kind: pause, ratePerMinute: 2, for: 1s, targets: [standby] }`, 'faults[1].kind'],
    ['a parameter that is a list', `${minimal}params: { heartbeatTimeout: [1s, 2s] }`, 'params.heartbeatTimeout'],
    ['an empty parameter choice', `${minimal}params: { heartbeatTimeout: { values: [] } }`, 'params.heartbeatTimeout.values'],
    ['broken YAML', 'duration: 60s\nfaults: [\n', 'line 3'],
  ];
  for (const [what, text, field] of cases) {
    it(`rejects ${what} with an InputError naming ${field}`, () => {
      let error: unknown;
      try {
        parseProfile(text, 'p.yaml');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).source).toBe('p.yaml');
      expect((error as InputError).field).toBe(field);
    });
  }

  it('names a missing file', () => {
    expect(() => loadProfile('/nonexistent/profile.yaml')).toThrow(/profile\.yaml: expected a readable profile file \(got no such file\)/);
  });
});

describe('the profile JSON Schema', () => {
  it('is published up to date (regenerate: npx tsx src/faults/profile-schema.ts > schemas/profile.schema.json)', () => {
    const published = readFileSync(join(import.meta.dirname, '../../schemas/profile.schema.json'), 'utf8');
    expect(published).toBe(JSON.stringify(profileJsonSchema(), null, 2) + '\n');
  });

  it('describes each kind with its own fields as a value, a choice or a range, and requires what parsing requires', () => {
    type Variant = { title: string; required: string[]; properties: Record<string, { required?: string[]; properties?: Record<string, { anyOf: unknown[] }> }> };
    const schema = profileJsonSchema() as { required: string[]; properties: { faults: { items: { oneOf: Variant[] } } } };
    expect(schema.required).toEqual(['duration', 'faults']);
    const latency = schema.properties.faults.items.oneOf.find((v) => v.title === 'latency')!;
    expect(latency.required).toEqual(['kind', 'ratePerMinute', 'for', 'targets', 'fields']);
    expect(latency.properties.fields.required).toEqual(['delay']);
    expect(latency.properties.fields.properties!.delay.anyOf).toHaveLength(3);
    const partition = schema.properties.faults.items.oneOf.find((v) => v.title === 'partition')!;
    expect(partition.properties).not.toHaveProperty('targets');
    expect(Object.keys(partition.properties.fields.properties!)).toEqual(Object.keys(faultKind('partition')!.fields));
  });
});
