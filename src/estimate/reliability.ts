/**
 * Reliability data: how often each kind of component fails and how long it takes to bring it
 * back, read from a YAML file (`scenarios/reliability/*.yaml`). `hasim estimate` draws
 * component failures and repairs from it over many simulated years.
 *
 * ```yaml
 * name: p1
 * components:                 # per component type: time to failure and time to repair
 *   server:  { mttf: 1000h, mttr: 10h }            # exponential unless a distribution is given
 *   process: { mttf: 720h, restart: 10s }
 *   agent:   { mttf: 2880h, restart: 10s }       # the HA agent beside it: keepalived, Patroni, Pacemaker
 *   disk:    { ttf: { weibull: { shape: 1.2, scale: 50000h } }, mttr: 8h }
 * repairCrews: 2              # at most this many components under repair at once (FIFO)
 * standby: hot                # hot | cold | { warm: 0.3 }: how idle standbys fail
 * domains:                    # common-cause shocks: every component placed in the domain fails at once
 *   rack:  { mttf: 50000h, mttr: 4h }
 * software:
 *   gcPause: { every: 24h, duration: { lognormal: { median: 200ms, p99: 3s } } }
 *   deadlock: { mttf: 5000h }
 * ```
 *
 * Conventions: MTTF is the mean *up* time (a single unit's availability is MTTF/(MTTF+MTTR));
 * `mttf`/`mttr` mean exponential times, `ttf`/`ttr` take any distribution of durations; a
 * year is 365 days. Per node, components age only while their node is up (a node that is down
 * for one reason does not fail for another meanwhile), an idle standby ages `standby` times
 * as fast as a serving node, and hardware repairs (server, nic, disk) wait for one of the
 * `repairCrews` in failure order; process restarts, GC pauses and deadlocks need no crew, and
 * switches and domains are repaired by their own people. Every mistake is an InputError
 * naming the field.
 *
 * `process` and `agent` split a host's software the way the design does (`NodeSpec.processes`):
 * the first process a design declares is the service, and every further one is an HA agent
 * that runs beside it (keepalived beside the trading service, Patroni beside PostgreSQL,
 * Pacemaker and corosync beside the resource). The plant (`plant.ts`) gives each node one
 * `agent` element per agent process it runs, and none to a node that runs none (a DCS member,
 * a single-process host); a design none of whose nodes runs one has no agent class at all.
 * `agent:<process>` (`agent:patroni: { mttf: 2880h, mttr: 1h }`) gives one agent process its
 * own rates over `agent`'s: the real units differ (Patroni's example unit says Restart=no,
 * pacemaker.service restarts on failure).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseYaml } from '../faults/schedule.ts';
import { meanOf, parseDurationDistribution, type DistributionSpec } from '../sim/distributions.ts';
import { InputError, describeValue } from '../sim/input-error.ts';
import { MINUTE, parseDuration } from '../sim/time.ts';

/** One kind of component: its time to failure and time to repair, in µs. */
export interface ComponentReliability {
  type: string;
  ttf: DistributionSpec;
  ttr: DistributionSpec;
  /** Its repair waits for one of the repair crews. */
  crew: boolean;
  /** For an `agent` element of a plant: the agent process it kills (`plant.ts` sets it per design). */
  process?: string;
}

export type StandbyMode = { kind: 'hot' } | { kind: 'cold' } | { kind: 'warm'; factor: number };

export interface ReliabilityData {
  name: string;
  /** One line for `hasim list`. */
  description: string;
  source: string;
  /** Component types of the nodes (server, process, agent, nic, disk, and the software incidents); the plant keeps those a node has. */
  node: ComponentReliability[];
  /** Every access switch, when the file gives `switch`. */
  switch: ComponentReliability | undefined;
  /** Common-cause shocks per placement domain. */
  domains: { rack?: ComponentReliability; power?: ComponentReliability; dc?: ComponentReliability };
  /** At most this many crew repairs at once (Infinity: unlimited). */
  repairCrews: number;
  standby: StandbyMode;
}

/** Node component types, what each does to the node, and whether its repair needs a crew. */
export const NODE_COMPONENTS = {
  server: { crew: true, doc: 'the host: down means powered off; repair powers it on and it boots' },
  process: { crew: false, doc: 'the service process alone (the host and its other processes live): down means crashed (kill -9); repair restarts it, unless only the design starts it (Patroni, Pacemaker)' },
  agent: { crew: false, doc: "an HA agent process beside the service (keepalived, Patroni, Pacemaker/corosync: every process a design declares after its first), alone: down means killed (kill -9) while the service and the host live; repair restarts it (systemd Restart=, or an operator); one element per agent process, none on nodes that run no agent (a design without one has no agent class)" },
  nic: { crew: true, doc: "the node's network interface: down cuts every link of the node" },
  disk: { crew: true, doc: 'the data disk: down means failed (data lost, I/O fails); repair installs an empty disk' },
} as const;
/** `agent:<process>`: the rates of one agent process (its name in the design's `NodeSpec.processes`), over `agent`'s for it. */
export const AGENT_PROCESS = /^agent:([A-Za-z0-9][A-Za-z0-9._-]*)$/;
export const SOFTWARE_INCIDENTS = {
  gcPause: { doc: 'stop-the-world pauses: `every` (mean time between pauses, exponential), `duration` (a distribution)' },
  deadlock: { doc: 'the service is alive but stuck (its heartbeat thread still runs): mttf, and mttr (default 10m) until a watchdog or an operator kills it' },
} as const;
export const DOMAIN_KINDS = ['rack', 'power', 'dc'] as const;
export const TOP_LEVEL = ['name', 'description', 'components', 'repairCrews', 'standby', 'domains', 'software'] as const;
const TIME_FIELDS = ['mttf', 'mttr', 'ttf', 'ttr', 'restart'] as const;
/** How long a deadlock lasts when the file does not say. */
export const DEFAULT_DEADLOCK_MTTR = 10 * MINUTE;

export function loadReliability(path: string): ReliabilityData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, '', 'a readable reliability data file');
  }
  return parseReliability(text, path);
}

export function parseReliability(text: string, source: string): ReliabilityData {
  const root = parseYaml(text, source);
  const doc = mapping(root, source, '', 'a mapping with components (and optionally repairCrews, standby, domains, software)');
  for (const key of Object.keys(doc)) {
    if (!(TOP_LEVEL as readonly string[]).includes(key)) throw new InputError(source, key, `one of the fields ${TOP_LEVEL.join(', ')}`);
  }
  const name = doc.name ?? stemOf(source);
  if (typeof name !== 'string' || name.trim() === '') throw new InputError(source, 'name', 'a non-empty name', describeValue(doc.name));
  if (doc.description !== undefined && typeof doc.description !== 'string') throw new InputError(source, 'description', 'a line of text', describeValue(doc.description));

  const node: ComponentReliability[] = [];
  let switchData: ComponentReliability | undefined;
  const components = doc.components === undefined ? {} : mapping(doc.components, source, 'components', 'a mapping from component type to { mttf, mttr } or { ttf, ttr }');
  const known = [...Object.keys(NODE_COMPONENTS), 'switch'];
  for (const [type, raw] of Object.entries(components)) {
    const field = `components.${type}`;
    const agentProcess = AGENT_PROCESS.exec(type)?.[1];
    if (agentProcess !== undefined) node.push({ ...timeToFailure(raw, source, field, 'agent', false), process: agentProcess });
    else if (!known.includes(type)) throw new InputError(source, field, `a component type (${known.join(', ')}, or agent:<process> for one agent process); GC pauses and deadlocks go under software`);
    else if (type === 'switch') switchData = timeToFailure(raw, source, field, 'switch', false);
    else node.push(timeToFailure(raw, source, field, type, NODE_COMPONENTS[type as keyof typeof NODE_COMPONENTS].crew));
  }
  node.push(...software(doc.software, source));
  if (node.length === 0 && switchData === undefined && doc.domains === undefined) {
    throw new InputError(source, 'components', 'at least one component type, domain or software incident');
  }
  return {
    name,
    description: (doc.description as string | undefined) ?? '',
    source,
    node,
    switch: switchData,
    domains: domains(doc.domains, source),
    repairCrews: repairCrews(doc.repairCrews, source),
    standby: standby(doc.standby, source),
  };
}

function software(raw: unknown, source: string): ComponentReliability[] {
  if (raw === undefined) return [];
  const doc = mapping(raw, source, 'software', `a mapping with ${Object.keys(SOFTWARE_INCIDENTS).join(' and/or ')}`);
  const out: ComponentReliability[] = [];
  for (const [kind, body] of Object.entries(doc)) {
    const field = `software.${kind}`;
    if (kind === 'gcPause') {
      const b = mapping(body, source, field, 'a mapping with every and duration');
      onlyKeys(b, ['every', 'duration'], source, field);
      if (b.every === undefined) throw new InputError(source, `${field}.every`, 'the mean time between pauses, such as 24h');
      if (b.duration === undefined) throw new InputError(source, `${field}.duration`, 'a pause length or a distribution of them');
      const every = positiveDuration(b.every, source, `${field}.every`);
      out.push({ type: 'gcPause', ttf: { exponential: { mean: every } }, ttr: distribution(b.duration, source, `${field}.duration`), crew: false });
    } else if (kind === 'deadlock') {
      const b = mapping(body, source, field, 'a mapping with mttf (and optionally mttr)');
      const withRepair = b.mttr === undefined && b.ttr === undefined ? { ...b, ttr: { exponential: { mean: `${DEFAULT_DEADLOCK_MTTR / MINUTE}m` } } } : b;
      out.push(timeToFailure(withRepair, source, field, 'deadlock', false));
    } else {
      throw new InputError(source, field, `a software incident (${Object.keys(SOFTWARE_INCIDENTS).join(', ')})`);
    }
  }
  return out;
}

function domains(raw: unknown, source: string): ReliabilityData['domains'] {
  if (raw === undefined) return {};
  const doc = mapping(raw, source, 'domains', `a mapping with ${DOMAIN_KINDS.join(', ')}`);
  const out: ReliabilityData['domains'] = {};
  for (const [kind, body] of Object.entries(doc)) {
    if (!(DOMAIN_KINDS as readonly string[]).includes(kind)) throw new InputError(source, `domains.${kind}`, `a domain (${DOMAIN_KINDS.join(', ')})`);
    out[kind as (typeof DOMAIN_KINDS)[number]] = timeToFailure(body, source, `domains.${kind}`, kind, false);
  }
  return out;
}

/** `{ mttf, mttr }`, `{ ttf, ttr }` or a mix; `restart` is a synonym of `ttr`. */
function timeToFailure(raw: unknown, source: string, field: string, type: string, crew: boolean): ComponentReliability {
  const b = mapping(raw, source, field, 'a mapping with mttf or ttf, and mttr, ttr or restart');
  onlyKeys(b, TIME_FIELDS, source, field);
  const both = (x: string, y: string) => {
    if (b[x] !== undefined && b[y] !== undefined) throw new InputError(source, `${field}.${y}`, `either ${x} or ${y}, not both`);
  };
  both('mttf', 'ttf');
  both('mttr', 'ttr');
  both('mttr', 'restart');
  both('ttr', 'restart');
  let ttf: DistributionSpec;
  if (b.mttf !== undefined) ttf = { exponential: { mean: positiveDuration(b.mttf, source, `${field}.mttf`) } };
  else if (b.ttf !== undefined) ttf = distribution(b.ttf, source, `${field}.ttf`);
  else throw new InputError(source, `${field}.mttf`, 'a mean time to failure (mttf: 1000h) or a distribution (ttf: ...)');
  if (!(meanOf(ttf) > 0) || !Number.isFinite(meanOf(ttf))) throw new InputError(source, `${field}.ttf`, 'a distribution with a positive, finite mean');
  let ttr: DistributionSpec;
  if (b.mttr !== undefined) ttr = { exponential: { mean: positiveDuration(b.mttr, source, `${field}.mttr`) } };
  else if (b.ttr !== undefined) ttr = distribution(b.ttr, source, `${field}.ttr`);
  else if (b.restart !== undefined) ttr = distribution(b.restart, source, `${field}.restart`);
  else throw new InputError(source, `${field}.mttr`, 'a mean time to repair (mttr: 10h), a distribution (ttr: ...) or a restart delay (restart: 10s)');
  if (!Number.isFinite(meanOf(ttr))) throw new InputError(source, `${field}.ttr`, 'a distribution with a finite mean');
  return { type, ttf, ttr, crew };
}

/** A distribution of durations; `deterministic: 5s` is accepted for a constant. */
function distribution(raw: unknown, source: string, field: string): DistributionSpec {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 1 && 'deterministic' in raw) {
    return { constant: parseDuration((raw as { deterministic: unknown }).deterministic, source, `${field}.deterministic`) };
  }
  return parseDurationDistribution(raw, source, field);
}

function positiveDuration(raw: unknown, source: string, field: string): number {
  const us = parseDuration(raw, source, field);
  if (us <= 0) throw new InputError(source, field, 'a positive duration, such as 1000h', describeValue(raw));
  return us;
}

function repairCrews(raw: unknown, source: string): number {
  if (raw === undefined || raw === 'unlimited') return Infinity;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw new InputError(source, 'repairCrews', 'a positive integer or unlimited', describeValue(raw));
  return raw;
}

function standby(raw: unknown, source: string): StandbyMode {
  if (raw === undefined || raw === 'hot') return { kind: 'hot' };
  if (raw === 'cold') return { kind: 'cold' };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 1 && 'warm' in raw) {
    const factor = (raw as { warm: unknown }).warm;
    if (typeof factor === 'number' && factor >= 0 && factor <= 1) return { kind: 'warm', factor };
    throw new InputError(source, 'standby.warm', 'a number between 0 and 1: how fast an idle standby ages relative to a serving node', describeValue(factor));
  }
  throw new InputError(source, 'standby', 'hot, cold or { warm: 0.3 }', describeValue(raw));
}

/** How fast an idle standby ages relative to a serving node. */
export function standbyAgingFactor(mode: StandbyMode): number {
  return mode.kind === 'hot' ? 1 : mode.kind === 'cold' ? 0 : mode.factor;
}

/** Whether a distribution is exponential (the CTMC is exact only for those). */
export function isExponential(spec: DistributionSpec): boolean {
  return 'exponential' in spec;
}

function mapping(raw: unknown, source: string, field: string, expected: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(source, field, expected, describeValue(raw));
  return raw as Record<string, unknown>;
}

function onlyKeys(b: Record<string, unknown>, allowed: readonly string[], source: string, field: string): void {
  for (const key of Object.keys(b)) if (!allowed.includes(key)) throw new InputError(source, `${field}.${key}`, `one of ${allowed.join(', ')}`);
}

function stemOf(source: string): string {
  if (source.startsWith('<')) return source.replace(/[<>]/g, '') || 'reliability';
  return basename(source, extname(source)) || 'reliability';
}
