/**
 * The `workload:` section of a schedule file: how the clients behave during this scenario,
 * when it matters to the failure it shows (a published case whose clients read, or cancel a
 * commit that waits too long). Absent fields keep the run's workload (the defaults, or what
 * the caller passed); a caller's explicit workload still wins over the file.
 *
 * ```yaml
 * workload: { readsPerSecond: 20, cancelOnTimeout: true, timeout: 1s }
 * ```
 */
import { InputError } from '../sim/input-error.ts';
import type { Workload } from '../world/client.ts';
import { ARRIVALS_EXPECTED, arrivalsText, parseArrivals, type ArrivalProcess } from '../world/arrivals.ts';
import { parseRetryPolicy, RETRY_EXPECTED, retryPolicyText, type RetryPolicy } from '../world/retry-policy.ts';
import { boolean, duration, fail, number, type At, type FieldType, type JsonSchema } from './fields.ts';

const retryPolicy: FieldType<RetryPolicy> = {
  expected: RETRY_EXPECTED,
  parse: (raw, at) => parseRetryPolicy(raw, at.source, at.field),
  write: retryPolicyText,
  schema: { type: 'string', pattern: '^(fixed|exponential(:[^,]+,.+)?|breaker(:\\d+,.+)?)$' },
};

const arrivalProcess: FieldType<ArrivalProcess> = {
  expected: ARRIVALS_EXPECTED,
  parse: (raw, at) => parseArrivals(raw, at.source, at.field),
  write: arrivalsText,
  schema: { type: 'string', pattern: '^(poisson|constant|burst:\\d+(\\.\\d+)?x:.+\\.\\..+)$' },
};

const FIELDS: Record<string, { type: FieldType<unknown>; doc: string }> = {
  ordersPerSecond: { type: number({ min: 0 }), doc: 'orders per second, all clients together (default 200)' },
  clients: { type: number({ min: 1 }), doc: 'how many clients share that rate (default 2)' },
  timeout: { type: duration, doc: 'per-attempt timeout (default 1s)' },
  maxAttempts: { type: number({ min: 1 }), doc: 'attempts per order, the first included (default 3)' },
  retryBackoff: { type: duration, doc: 'pause before retrying a refused attempt under the fixed retry policy (default 20ms)' },
  retry: { type: retryPolicy as FieldType<unknown>, doc: `retry policy: ${RETRY_EXPECTED} (default fixed)` },
  arrivals: { type: arrivalProcess as FieldType<unknown>, doc: `arrival process: ${ARRIVALS_EXPECTED} (default poisson)` },
  readsPerSecond: { type: number({ min: 0 }), doc: 'reads per second, all clients together: each asks whether one of the client\'s orders with an outcome is there (default 0)' },
  cancelOnTimeout: { type: boolean as FieldType<unknown>, doc: 'cancel a timed-out attempt at the node and give the order up, instead of retrying (default false)' },
};
/** Settings that take whole numbers (a profile draws them as integers). */
export const WHOLE = new Set(['clients', 'maxAttempts']);

/**
 * The short names of the workload settings, as command-line flags (`--rate`) and sweeps
 * (`--param rate=100,1000`) spell them, and the field each sets.
 */
export const WORKLOAD_NAMES: Readonly<Record<string, keyof Workload>> = {
  rate: 'ordersPerSecond',
  clients: 'clients',
  timeout: 'timeout',
  attempts: 'maxAttempts',
  retry: 'retry',
  arrivals: 'arrivals',
  reads: 'readsPerSecond',
};

/** The settings a profile's `workload:` section may draw, and the file's field names. */
export const WORKLOAD_FIELDS: readonly string[] = Object.keys(FIELDS);

export function parseWorkload(raw: unknown, at: At): Partial<Workload> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(at, `a mapping of workload settings (${Object.keys(FIELDS).join(', ')})`, raw);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = { source: at.source, field: `${at.field}.${name}` };
    if (!FIELDS[name]) throw new InputError(at.source, field.field, `a workload setting (${Object.keys(FIELDS).join(', ')})`);
    out[name] = parseWorkloadSetting(name, value, field);
  }
  return out as Partial<Workload>;
}

/**
 * One workload setting, as a file or a command-line flag gives it (`--rate 500` is the file's
 * `ordersPerSecond: 500`): both go through here, so they accept and refuse the same values.
 */
export function parseWorkloadSetting(name: string, value: unknown, at: At): unknown {
  const spec = FIELDS[name];
  const parsed = spec.type.parse(value, at);
  if (WHOLE.has(name) && !Number.isInteger(parsed)) fail(at, 'a whole number', value);
  return parsed;
}

/**
 * A setting given as text (a flag's or a sweep value's): numbers are read as numbers for the
 * numeric fields, then parsed as a file's value, so `--rate 500` and `rate=500` mean `ordersPerSecond: 500`.
 */
export function parseWorkloadText(name: string, text: string, at: At): unknown {
  const numeric = FIELDS[name].type.schema.type === 'number';
  const value = numeric && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : text.trim();
  return parseWorkloadSetting(name, value, at);
}

export function writeWorkload(w: Partial<Workload>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // a field that is not a file's (the client session, a flag's) is written as it is
  for (const [name, value] of Object.entries(w)) if (value !== undefined) out[name] = FIELDS[name] ? FIELDS[name].type.write(value) : value;
  return out;
}

export const WORKLOAD_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'how the clients behave in this scenario (absent fields: the defaults)',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(FIELDS).map(([name, spec]) => [name, { ...spec.type.schema, ...(WHOLE.has(name) ? { type: 'integer' } : {}), description: spec.doc }])),
};
