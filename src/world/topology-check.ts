/**
 * Checks a design's topology before a world is built from it, so a mistake in a user's design
 * file is one InputError naming the design and the field (`topology.nodes[1].id`), not a crash
 * deep inside the network ("endpoint a attached twice") after the run started: at least one
 * node, unique ids that do not collide with the world's own endpoints, routing that only
 * names declared nodes, and timings that are durations a run can use.
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import type { Design, ParamValues, Topology } from './design.ts';

/** The topology a design gives for these parameters, checked; its exceptions become InputErrors. */
export function checkedTopology(design: Design, params: ParamValues, source: string): Topology {
  let topology: unknown;
  try {
    topology = design.topology(params as never);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(source, 'topology()', 'to return the topology without throwing', JSON.stringify(message.split('\n')[0].slice(0, 200)));
  }
  checkTopology(topology, source);
  return topology;
}

/** Endpoints the world attaches itself: a node may not take their names. */
const RESERVED_IDS = new Set(['exchange', 'lb', 'ipmi']);
const RESERVED_PREFIXES = ['client:', 'mgmt:'];

export function checkTopology(topology: unknown, source: string): asserts topology is Topology {
  const fail = (field: string, expected: string, found?: unknown): never => {
    throw new InputError(source, field, expected, found === undefined ? undefined : describeValue(found));
  };
  if (topology === null || typeof topology !== 'object' || Array.isArray(topology)) fail('topology()', 'to return { nodes, routing }', topology);
  const t = topology as Record<string, unknown>;
  if (!Array.isArray(t.nodes) || t.nodes.length === 0) fail('topology.nodes', 'at least one node, such as [{ id: "a" }]', t.nodes);
  const nodes = t.nodes as unknown[];
  const ids = new Set<string>();
  nodes.forEach((node, i) => {
    const field = `topology.nodes[${i}]`;
    if (node === null || typeof node !== 'object') fail(field, 'a node such as { id: "a" }', node);
    const spec = node as Record<string, unknown>;
    const id = spec.id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(id)) fail(`${field}.id`, 'a node id of letters, digits, _ . - (such as "a" or "db1")', id);
    const name = id as string;
    if (RESERVED_IDS.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) fail(`${field}.id`, `an id other than the world's own ${[...RESERVED_IDS].join(', ')}`, id);
    if (ids.has(name)) fail(`${field}.id`, 'each node id once', id);
    ids.add(name);
    for (const key of ['rack', 'power', 'switch', 'dc'] as const) {
      if (spec[key] !== undefined && (typeof spec[key] !== 'string' || spec[key] === '')) fail(`${field}.${key}`, 'a non-empty name', spec[key]);
    }
    if (spec.supervisedRestart !== undefined) checkMicros(spec.supervisedRestart, `${field}.supervisedRestart`, fail, 0);
    if (spec.serving !== undefined && typeof spec.serving !== 'boolean') fail(`${field}.serving`, 'true or false', spec.serving);
    if (spec.processes !== undefined) checkProcesses(spec.processes, `${field}.processes`, fail);
  });
  if (![...ids].length || nodes.every((n) => (n as { serving?: boolean }).serving === false)) fail('topology.nodes', 'at least one node that serves clients (serving is not false)');
  checkRouting(t.routing, ids, fail);
  if (t.rtoTarget !== undefined) checkMicros(t.rtoTarget, 'topology.rtoTarget', fail, 1);
  if (t.bootTime !== undefined) checkMicros(t.bootTime, 'topology.bootTime', fail, 0);
  if (t.minClients !== undefined && !(Number.isSafeInteger(t.minClients) && (t.minClients as number) >= 0)) fail('topology.minClients', 'an integer >= 0', t.minClients);
}

type Fail = (field: string, expected: string, found?: unknown) => never;

/** A host's processes: each a distinct name with at least one thread. */
function checkProcesses(processes: unknown, field: string, fail: Fail): void {
  if (!Array.isArray(processes)) return fail(field, 'a list of processes such as [{ name: "keepalived", threads: ["heartbeat"] }]', processes);
  const names = new Set<string>();
  processes.forEach((p, i) => {
    const at = `${field}[${i}]`;
    const spec = (p ?? {}) as Record<string, unknown>;
    if (typeof spec.name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(spec.name) || names.has(spec.name)) fail(`${at}.name`, 'a process name, each once', spec.name);
    names.add(spec.name as string);
    if (!Array.isArray(spec.threads) || spec.threads.length === 0 || !spec.threads.every((t) => typeof t === 'string')) fail(`${at}.threads`, 'a non-empty list of thread names', spec.threads);
    if (spec.supervisedRestart !== undefined) checkMicros(spec.supervisedRestart, `${at}.supervisedRestart`, fail, 0);
  });
}

function checkRouting(routing: unknown, ids: Set<string>, fail: Fail): void {
  if (routing === null || typeof routing !== 'object') fail('topology.routing', "a routing such as { kind: 'direct', targets: ['a'] }", routing);
  const r = routing as Record<string, unknown>;
  const knownNode = (field: string, id: unknown) => {
    if (typeof id !== 'string' || !ids.has(id)) fail(field, `a node of the topology (${[...ids].join(', ')})`, id);
  };
  const targets = (field: string) => {
    if (!Array.isArray(r.targets) || r.targets.length === 0) fail(field, 'a non-empty list of node ids', r.targets);
    (r.targets as unknown[]).forEach((id, i) => knownNode(`${field}[${i}]`, id));
  };
  switch (r.kind) {
    case 'direct':
      return targets('topology.routing.targets');
    case 'vip':
      checkMicros(r.garpInterval, 'topology.routing.garpInterval', fail, 0);
      checkMicros(r.arpCacheTtl, 'topology.routing.arpCacheTtl', fail, 0);
      if (r.arpAccept !== undefined && r.arpAccept !== 0 && r.arpAccept !== 1) fail('topology.routing.arpAccept', '0 or 1', r.arpAccept);
      if (r.arpLocktime !== undefined) checkMicros(r.arpLocktime, 'topology.routing.arpLocktime', fail, 0);
      if (r.garpOverridesLocktime !== undefined && typeof r.garpOverridesLocktime !== 'boolean') fail('topology.routing.garpOverridesLocktime', 'true or false', r.garpOverridesLocktime);
      if (!(Number.isSafeInteger(r.garpCount) && (r.garpCount as number) >= 0)) fail('topology.routing.garpCount', 'an integer >= 0', r.garpCount);
      if (r.vips !== undefined) {
        if (!Array.isArray(r.vips) || r.vips.length === 0 || r.vips.some((v) => typeof v !== 'string' || v === '')) fail('topology.routing.vips', 'a non-empty list of VIP names', r.vips);
        if (new Set(r.vips as string[]).size !== (r.vips as string[]).length) fail('topology.routing.vips', 'each VIP name once', r.vips);
      }
      return;
    case 'dns':
      knownNode('topology.routing.initial', r.initial);
      checkMicros(r.ttl, 'topology.routing.ttl', fail, 0);
      checkMicros(r.clientMinCache, 'topology.routing.clientMinCache', fail, 0);
      if (r.resolver !== undefined) knownNode('topology.routing.resolver', r.resolver);
      for (const key of ['lookupTimeout', 'negativeTtl', 'clientNegativeTtl']) {
        if (r[key] !== undefined) checkMicros(r[key], `topology.routing.${key}`, fail, 0);
      }
      return;
    case 'lb':
      targets('topology.routing.targets');
      checkMicros(r.healthCheckInterval, 'topology.routing.healthCheckInterval', fail, 1);
      checkMicros(r.healthCheckTimeout, 'topology.routing.healthCheckTimeout', fail, 1);
      for (const key of ['unhealthyThreshold', 'healthyThreshold']) {
        if (!(Number.isSafeInteger(r[key]) && (r[key] as number) >= 1)) fail(`topology.routing.${key}`, 'an integer >= 1', r[key]);
      }
      return;
    case 'discovery':
      if (!Array.isArray(r.services) || r.services.length === 0) fail('topology.routing.services', 'a non-empty list of node ids', r.services);
      (r.services as unknown[]).forEach((id, i) => knownNode(`topology.routing.services[${i}]`, id));
      checkMicros(r.queryTimeout, 'topology.routing.queryTimeout', fail, 1);
      if (r.style !== 'redis-py' && r.style !== 'jedis') fail('topology.routing.style', 'redis-py or jedis', r.style);
      return;
    default:
      fail('topology.routing.kind', 'one of direct, vip, dns, lb, discovery', r.kind);
  }
}

function checkMicros(value: unknown, field: string, fail: Fail, min: number): void {
  if (!(Number.isSafeInteger(value) && (value as number) >= min)) fail(field, `a whole number of microseconds >= ${min} (a duration param, or e.g. 5 * SECOND)`, value);
}
