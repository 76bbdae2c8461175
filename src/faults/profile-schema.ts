/**
 * The JSON Schema of random profiles (`scenarios/random-*.yaml`), generated from the fault
 * registry like the schedule schema, so editors complete a kind's own fields and check their
 * values. The published copy is `schemas/profile.schema.json`; a test fails when it is stale.
 * Regenerate it with:
 *
 *   npx tsx src/faults/profile-schema.ts > schemas/profile.schema.json
 */
import { pathToFileURL } from 'node:url';
import { DISTRIBUTION_KINDS } from '../sim/distributions.ts';
import { duration, durationDistribution, type JsonSchema } from './fields.ts';
import type { FaultKind } from './kind.ts';
import { ALL_NODES, TARGET_PATTERNS } from './profile-values.ts';
import { FAULT_KINDS } from './registry.ts';
import { WORKLOAD_SCHEMA } from './schedule-workload.ts';
import { MEMBER_SCHEMA, TARGET_SCHEMA } from './targets.ts';

const RANGE: JsonSchema = {
  type: 'object',
  description: 'uniform between min and max (two durations, or two numbers)',
  additionalProperties: false,
  required: ['min', 'max'],
  properties: { min: { type: ['string', 'number'] }, max: { type: ['string', 'number'] } },
};

/** A field given as a value, a choice of values, or a range. */
function choiceOf(value: JsonSchema, description: string, optional = false): JsonSchema {
  const item = optional ? { anyOf: [value, { type: 'null', description: 'leave the field out' }] } : value;
  return {
    description,
    anyOf: [
      value,
      { type: 'object', description: 'one of these, equally likely', additionalProperties: false, required: ['values'], properties: { values: { type: 'array', minItems: 1, items: item } } },
      RANGE,
    ],
  };
}

export function profileJsonSchema(): JsonSchema {
  const scalar: JsonSchema = { type: ['string', 'number', 'boolean'] };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hasim random fault profile',
    description: 'Which fault kinds may occur, how often, for how long and to what; every run of a campaign draws its own schedule from it.',
    type: 'object',
    additionalProperties: false,
    required: ['duration', 'faults'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'the profile name (default: the file name without extension)' },
      description: { type: 'string', description: 'one line: what the profile exercises' },
      duration: { ...duration.schema, description: 'length of chaos of every drawn schedule' },
      settle: { ...duration.schema, description: 'time to recover after chaos before liveness is judged', default: '60s' },
      maxConcurrentFaults: { type: 'integer', minimum: 1, description: 'never more faults active at once', default: 2 },
      minHealthyTime: { ...duration.schema, description: 'once every fault has ended (and from the start), no fault begins for this long', default: '5s' },
      intensity: {
        description: 'each run scales every rate by one draw from this range (log-uniform): swarm testing',
        default: { min: 0.5, max: 2 },
        anyOf: [
          { type: 'number', exclusiveMinimum: 0 },
          { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number', exclusiveMinimum: 0 }, max: { type: 'number', exclusiveMinimum: 0 } } },
        ],
      },
      faults: { type: 'array', minItems: 1, items: { oneOf: FAULT_KINDS.map(kindSchema) } },
      params: {
        type: 'object',
        description: 'design parameters drawn per run, applied only when the design declares them',
        additionalProperties: choiceOf(scalar, 'a duration range such as { min: 500ms, max: 3s }, { values: [...] } or a value'),
      },
      workload: {
        type: 'object',
        description: 'the clients, drawn per run like params: a schedule\'s workload: settings, each a value, { values: [...] } or { min, max }',
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(WORKLOAD_SCHEMA.properties as Record<string, JsonSchema>).map(([name, schema]) => [name, choiceOf(schema, String(schema.description ?? name))])),
      },
    },
    definitions: { target: TARGET_SCHEMA, member: MEMBER_SCHEMA },
  };
}

function kindSchema(kind: FaultKind): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    kind: { const: kind.kind },
    ratePerMinute: { type: 'number', exclusiveMinimum: 0, description: 'mean arrivals per minute of chaos at intensity 1' },
    for: { ...durationDistribution.schema, description: `how long each fault lasts: a duration or { ${DISTRIBUTION_KINDS.join(' | ')}: ... }` },
  };
  if (kind.target !== 'none') {
    const patterns = { type: 'string', pattern: `^(${TARGET_PATTERNS.join('|')}):\\*$` };
    const words = kind.target === 'optional' ? [{ const: ALL_NODES }] : [];
    properties.targets = {
      type: 'array',
      minItems: 1,
      description: `allowed targets, each equally likely; ${TARGET_PATTERNS.map((p) => `${p}:*`).join(', ')}: one of the design's${kind.target === 'optional' ? `; ${ALL_NODES}: every node (the default)` : ''}`,
      items: { anyOf: [{ $ref: '#/definitions/target' }, patterns, ...words] },
    };
  }
  const fieldProps: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(kind.fields)) {
    fieldProps[name] = choiceOf(spec.type.schema, spec.doc, !spec.required);
    if (spec.required) required.push(name);
  }
  if (Object.keys(fieldProps).length) {
    properties.fields = { type: 'object', additionalProperties: false, ...(required.length ? { required } : {}), properties: fieldProps, description: `${kind.kind}'s own fields` };
  }
  properties.when = {
    type: 'object',
    additionalProperties: false,
    required: ['probes'],
    description: 'draw some of these faults as triggered: armed at the drawn time, fired at the next emission of one of the probes, on its node',
    properties: {
      probes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$' }, description: 'probe names (hasim list --probes), equally likely' },
      probability: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'share of the drawn faults that are triggered' },
      after: choiceOf(duration.schema, 'delay from the emission to the fault', false),
    },
  };
  const top = ['kind', 'ratePerMinute', 'for', ...(kind.target === 'required' ? ['targets'] : []), ...(required.length ? ['fields'] : [])];
  return { title: kind.kind, description: kind.description, type: 'object', additionalProperties: false, required: top, properties };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(profileJsonSchema(), null, 2) + '\n');
}
