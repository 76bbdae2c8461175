/**
 * The JSON Schema of reliability data files, generated from the same tables the parser uses
 * (`reliability.ts`), so editors complete and check them. The published copy is
 * `schemas/reliability.schema.json`; a test fails when it is stale. Regenerate it with:
 *
 *   npx tsx src/estimate/reliability-schema.ts > schemas/reliability.schema.json
 */
import { pathToFileURL } from 'node:url';
import { DISTRIBUTION_KINDS } from '../sim/distributions.ts';
import { DURATION_EXPECTED } from '../sim/time.ts';
import { AGENT_PROCESS, DEFAULT_DEADLOCK_MTTR, DOMAIN_KINDS, NODE_COMPONENTS, SOFTWARE_INCIDENTS } from './reliability.ts';

type JsonSchema = Record<string, unknown>;

const DURATION: JsonSchema = { type: 'string', pattern: '^(\\d+(\\.\\d+)?(us|ms|s|m|h|d|y))+$', description: DURATION_EXPECTED };

function distribution(): JsonSchema {
  const kinds = [...DISTRIBUTION_KINDS, 'deterministic'];
  return {
    description: `a duration (constant) or one of: ${kinds.join(', ')}`,
    oneOf: [
      { $ref: '#/definitions/duration' },
      ...kinds.map((kind) => ({ type: 'object', additionalProperties: false, required: [kind], properties: { [kind]: body(kind) } })),
    ],
  };
}

function body(kind: string): JsonSchema {
  const d = { $ref: '#/definitions/duration' };
  const positive = { type: 'number', exclusiveMinimum: 0 };
  switch (kind) {
    case 'constant':
    case 'deterministic':
      return d;
    case 'uniform':
      return { type: 'object', required: ['min', 'max'], properties: { min: d, max: d } };
    case 'exponential':
      return { type: 'object', required: ['mean'], properties: { mean: d } };
    case 'normal':
      return { type: 'object', required: ['mean', 'stddev'], properties: { mean: d, stddev: d } };
    case 'lognormal':
      return { type: 'object', required: ['median'], properties: { median: d, sigma: { type: 'number', minimum: 0 }, p99: d } };
    case 'weibull':
      return { type: 'object', required: ['shape', 'scale'], properties: { shape: positive, scale: d } };
    case 'pareto':
      return { type: 'object', required: ['scale', 'shape'], properties: { scale: d, shape: positive } };
    default:
      return { type: 'array', minItems: 1, items: d };
  }
}

const TIMES: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mttf: { $ref: '#/definitions/duration', description: 'mean time to failure (mean up time), exponential' },
    ttf: { $ref: '#/definitions/distribution', description: 'time to failure, any distribution' },
    mttr: { $ref: '#/definitions/duration', description: 'mean time to repair, exponential' },
    ttr: { $ref: '#/definitions/distribution', description: 'time to repair, any distribution' },
    restart: { $ref: '#/definitions/distribution', description: 'time until a restart brings it back (same as ttr)' },
  },
};

export function reliabilityJsonSchema(): JsonSchema {
  const component = (doc: string) => ({ $ref: '#/definitions/times', description: doc });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hasim reliability data',
    description: 'Time to failure and time to repair per component type, repair crews, standby behaviour, common-cause domains and software incidents, for hasim estimate. MTTF is the mean up time; a year is 365 days.',
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, description: 'the data set name (default: the file name without extension)' },
      description: { type: 'string', description: 'one line: what the data stands for' },
      components: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...Object.fromEntries(Object.entries(NODE_COMPONENTS).map(([type, c]) => [type, component(c.doc)])),
          switch: component('every access switch: down cuts the links of every node behind it'),
        },
        patternProperties: {
          [AGENT_PROCESS.source]: component("one agent process's own rates (agent:patroni), over agent's for it: the real units differ (Patroni's example unit says Restart=no, pacemaker.service restarts on failure)"),
        },
      },
      repairCrews: { description: 'at most this many hardware repairs at once, first failed first repaired (default unlimited)', oneOf: [{ type: 'integer', minimum: 1 }, { const: 'unlimited' }] },
      standby: {
        description: 'how idle standbys age: hot (like serving nodes), cold (not at all), { warm: f } (f times as fast)',
        oneOf: [{ enum: ['hot', 'cold'] }, { type: 'object', additionalProperties: false, required: ['warm'], properties: { warm: { type: 'number', minimum: 0, maximum: 1 } } }],
      },
      domains: {
        type: 'object',
        additionalProperties: false,
        description: 'common-cause shocks: every node placed in the domain fails at once',
        properties: Object.fromEntries(DOMAIN_KINDS.map((kind) => [kind, component(`a ${kind} outage`)])),
      },
      software: {
        type: 'object',
        additionalProperties: false,
        properties: {
          gcPause: {
            type: 'object',
            additionalProperties: false,
            required: ['every', 'duration'],
            description: SOFTWARE_INCIDENTS.gcPause.doc,
            properties: { every: { $ref: '#/definitions/duration' }, duration: { $ref: '#/definitions/distribution' } },
          },
          deadlock: { $ref: '#/definitions/times', description: `${SOFTWARE_INCIDENTS.deadlock.doc} (default mttr ${DEFAULT_DEADLOCK_MTTR / 60_000_000}m)` },
        },
      },
    },
    definitions: { duration: DURATION, distribution: distribution(), times: TIMES },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(reliabilityJsonSchema(), null, 2) + '\n');
}
