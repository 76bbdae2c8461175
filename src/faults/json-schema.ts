/**
 * The JSON Schema of schedule files, generated from the fault registry so editors complete
 * and check schedules (VS Code's YAML extension: `# yaml-language-server: $schema=...`).
 * The published copy is `schemas/schedule.schema.json`; a test fails when it is stale.
 * Regenerate it with:
 *
 *   npx tsx src/faults/json-schema.ts > schemas/schedule.schema.json
 */
import { pathToFileURL } from 'node:url';
import { DURATION_EXPECTED } from '../sim/time.ts';
import { TIME_RANGE_PATTERN } from './fault-times.ts';
import { duration, type JsonSchema } from './fields.ts';
import type { FaultKind } from './kind.ts';
import { FAULT_KINDS } from './registry.ts';
import { MEMBER_SCHEMA, TARGET_REF, TARGET_SCHEMA } from './targets.ts';
import { TRIGGER_SCHEMA } from './trigger.ts';
import { WORKLOAD_SCHEMA } from './schedule-workload.ts';

export function scheduleJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hasim failure schedule',
    description: 'Which faults happen when, for how long and to what; after duration every fault heals and the system gets settle to recover.',
    type: 'object',
    additionalProperties: false,
    required: ['duration'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'the schedule name (default: the file name without extension)' },
      description: { type: 'string', description: 'one line: what fails' },
      duration: { ...duration.schema, description: `length of chaos: every fault heals then (${DURATION_EXPECTED})` },
      settle: { ...duration.schema, description: 'time to recover after chaos before liveness is judged', default: '60s' },
      workload: WORKLOAD_SCHEMA,
      faults: { type: 'array', items: { oneOf: FAULT_KINDS.map(kindSchema) } },
    },
    definitions: { target: TARGET_SCHEMA, member: MEMBER_SCHEMA, trigger: TRIGGER_SCHEMA },
  };
}

function kindSchema(kind: FaultKind): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    at: { type: 'string', pattern: TIME_RANGE_PATTERN, description: 'when the fault begins, from the start of the run, or a range such as 20s..30s drawn per seed (with when: when the trigger is armed, default 0s)' },
    when: { $ref: '#/definitions/trigger' },
    kind: { const: kind.kind },
  };
  const required = ['kind'];
  // a fixed time needs `at` (and a required target); a trigger may act on the probe's node
  const timed = ['at'];
  if (kind.target !== 'none') {
    properties.target = { ...TARGET_REF, description: kind.target === 'optional' ? 'what fails (default: every node; with when: the probe\'s node)' : 'what fails (with when: default the probe\'s node)' };
    if (kind.target === 'required') timed.push('target');
  }
  for (const [name, spec] of Object.entries(kind.fields)) {
    properties[name] = { ...spec.type.schema, description: spec.doc, ...(spec.default === undefined ? {} : { default: spec.default }) };
    if (spec.required) required.push(name);
  }
  properties.for = { type: 'string', pattern: TIME_RANGE_PATTERN, description: 'how long it lasts, or a range such as 5s..15s drawn per seed (default: until the end of chaos)' };
  return { title: kind.kind, description: kind.description, type: 'object', additionalProperties: false, required, anyOf: [{ required: timed }, { required: ['when'] }], properties };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(scheduleJsonSchema(), null, 2) + '\n');
}
