/**
 * Fuzzing the schedule parser: whatever text it is given, it returns a Schedule or throws an
 * InputError (never a TypeError, a RangeError or a hang), and what it accepts round-trips.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import YAML from 'yaml';
import { InputError } from '../../src/sim/input-error.ts';
import { FAULT_KINDS, faultKindNames } from '../../src/faults/registry.ts';
import { parseSchedule, scheduleToYaml } from '../../src/faults/schedule.ts';

/** Parses; returns true when accepted, false on an InputError, and rethrows anything else. */
function accepts(text: string): boolean {
  try {
    const s = parseSchedule(text, 'fuzz.yaml');
    expect(parseSchedule(scheduleToYaml(s), 'fuzz.yaml')).toEqual(s);
    return true;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

const TOKENS = [
  'duration', 'settle', 'name', 'description', 'faults', 'kind', 'at', 'for', 'target', 'groups', 'between',
  'delay', 'probability', 'by', 'offset', 'threads', 'set', 'restartAfter', 'oneWay', 'ppm', 'factor', 'maxDelay',
  ...faultKindNames(), 'primary', 'standby', 'others', 'clients', 'exchange', 'any', 'rack:r1', 'dc:dc1',
  ': ', ':', ' ', '  ', '\n', '\n  - ', '- ', '{ ', ' }', '[', ']', ', ', '"', "'", '#', '&x ', '*x', '!!str ', '!!map',
  '|', '>', '? ', '%YAML 1.2\n', '---\n', '...', '\t', '~', 'null', 'true', '0', '-1', '1.5', '1e999', '.nan', '.inf',
  '30s', '-10s', '100ms', '2m', '1m30s', '0s', '9999999999999y', 'supervisor', '{ uniform: { min: 1ms, max: 2ms } }',
];

const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((parts) => parts.join(''));

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('30s', '-5s', '1m', 'primary', 'others', 'rack:r1', 0.5, -1, 2, Infinity, NaN, null, true, [], {}),
);
/** Each kind's example as a raw mapping: valid values to start mutating from. */
const examples = FAULT_KINDS.map((k) => YAML.parse(k.example) as Record<string, unknown>);
const FIELD_NAMES = [...new Set(FAULT_KINDS.flatMap((k) => ['at', 'for', 'target', ...Object.keys(k.fields)])), 'bogus'];
const VALID_VALUES = [[['primary'], ['others']], ['a', 'b'], '100ms', 0.1, ['heartbeat'], { priority: 1 }, 'supervisor', '-10s', 200];

/** A kind's example with a few fields dropped, replaced by other valid or invalid values, or added. */
const faultish = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.oneof(fc.constant(undefined), fc.constantFrom(...VALID_VALUES), anyValue)), { maxLength: 2 }),
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.string(), weight: 1 }),
  )
  .map(([example, changes, kind]) => {
    const fault: Record<string, unknown> = { ...example };
    for (const [name, value] of changes) {
      if (value === undefined) delete fault[name];
      else fault[name] = value;
    }
    if (kind !== undefined) fault.kind = kind;
    return fault;
  });
/** Mostly valid: each top-level value is usually a good one, sometimes anything. */
const usually = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: anyValue, weight: 1 });
const schedulish = fc
  .record(
    {
      name: usually(fc.constantFrom('x', 'a b', 'partition-primary')),
      description: usually(fc.string()),
      duration: usually(fc.constantFrom('100s', '2h', '0s', '5', '-3s', '1y')),
      settle: usually(fc.constantFrom('60s', '1ms', '0s')),
      faults: usually(fc.array(faultish, { maxLength: 4 })),
    },
    { requiredKeys: ['duration', 'faults'] },
  )
  .chain((doc) => fc.oneof({ arbitrary: fc.constant(doc), weight: 9 }, { arbitrary: anyValue.map((extra) => ({ ...doc, extra })), weight: 1 }));

describe('parseSchedule under fuzzing', () => {
  it('returns a Schedule or throws InputError for YAML-ish text', () => {
    fc.assert(fc.property(yamlish, (text) => void accepts(text)), { numRuns: 2500 });
  });

  it('returns a Schedule or throws InputError for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => void accepts(text)), { numRuns: 1500 });
  });

  it('returns a Schedule or throws InputError for random structured schedules, and accepts some', () => {
    let accepted = 0;
    fc.assert(
      fc.property(schedulish, (doc) => {
        if (accepts(YAML.stringify(doc))) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
