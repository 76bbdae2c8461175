/**
 * Fault targets: what a fault acts on, as written in a schedule and as resolved when the
 * fault fires.
 *
 * A target names nodes: a node id, `primary` or `standby` (resolved from declared roles at
 * fire time: the highest-epoch primary, the first standby), `any` (a seeded choice among the
 * design's nodes), or every node of a place: `rack:R`, `dc:D`, `switch:S`, `power:P`.
 * A partition group or a link end (a *member*) may also name `others` (every design node not
 * named in another group), `clients` (every client endpoint), one client `client:N` (clients
 * are numbered from 1; one that the workload does not have names nothing), `exchange`, and
 * `fence`: the fencing device (the IPMI / power controller). A partition that names `fence`
 * also splits the management network it sits on: each node's management port (its BMC) goes
 * with its node's group, so a fence request, or a power-off, across the partition fails.
 *
 * Names are checked twice: their syntax when the file is parsed, and whether they exist when
 * the schedule meets a design (`checkMember`), so `rack:zz` fails before the run starts.
 */
import { InputError, describeValue } from '../sim/input-error.ts';
import type { World } from '../world/world.ts';
import type { At, JsonSchema } from './fields.ts';

export type Place = 'rack' | 'dc' | 'switch' | 'power';
const PLACES: readonly Place[] = ['rack', 'dc', 'switch', 'power'];

export type TargetSpec =
  | { type: 'primary' }
  | { type: 'standby' }
  | { type: 'any' }
  | { type: 'node'; node: string }
  | { type: Place; name: string };

export type MemberSpec = TargetSpec | { type: 'others' } | { type: 'clients' } | { type: 'client'; client: string } | { type: 'exchange' } | { type: 'fence' };

/** What a design offers to check names against (a World is one). */
export interface DesignView {
  readonly nodeIds: readonly string[];
  valuesOf(key: Place): string[];
  /** The names of the processes the design's hosts run when they declare several (else none). */
  readonly processNames?: readonly string[];
}

const ROLES = ['primary', 'standby', 'any'] as const;
const GROUP_WORDS = ['others', 'clients', 'exchange', 'fence'] as const;
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PLACE_FORMS = 'rack:R, dc:D, switch:S, power:P';
const CLIENT = /^client:[1-9][0-9]*$/;

export const TARGET_EXPECTED = `a target: a node id or ${ROLES.join(', ')}, ${PLACE_FORMS}`;
export const MEMBER_EXPECTED = `a node id or ${ROLES.join(', ')}, ${GROUP_WORDS.join(', ')}, client:N, ${PLACE_FORMS}`;

export const TARGET_REF: JsonSchema = { $ref: '#/definitions/target' };
export const MEMBER_REF: JsonSchema = { $ref: '#/definitions/member' };
const PLACE_PATTERN = `^(${PLACES.join('|')}):[A-Za-z0-9_][A-Za-z0-9_.-]*$`;
export const TARGET_SCHEMA: JsonSchema = {
  description: TARGET_EXPECTED,
  anyOf: [{ enum: [...ROLES] }, { type: 'string', pattern: PLACE_PATTERN }, { type: 'string', pattern: ID.source }],
};
export const MEMBER_SCHEMA: JsonSchema = {
  description: MEMBER_EXPECTED,
  anyOf: [{ enum: [...ROLES, ...GROUP_WORDS] }, { type: 'string', pattern: CLIENT.source }, { type: 'string', pattern: PLACE_PATTERN }, { type: 'string', pattern: ID.source }],
};

export function parseTarget(raw: unknown, at: At): TargetSpec {
  const spec = parseName(raw);
  if (!spec || spec.type === 'client' || (GROUP_WORDS as readonly string[]).includes(spec.type)) throw new InputError(at.source, at.field, TARGET_EXPECTED, describeValue(raw));
  return spec as TargetSpec;
}

export function parseMember(raw: unknown, at: At): MemberSpec {
  const spec = parseName(raw);
  if (!spec) throw new InputError(at.source, at.field, MEMBER_EXPECTED, describeValue(raw));
  return spec;
}

function parseName(raw: unknown): MemberSpec | undefined {
  if (typeof raw !== 'string') return undefined;
  if ((ROLES as readonly string[]).includes(raw) || (GROUP_WORDS as readonly string[]).includes(raw)) return { type: raw } as MemberSpec;
  if (CLIENT.test(raw)) return { type: 'client', client: raw };
  const colon = raw.indexOf(':');
  if (colon < 0) return ID.test(raw) ? { type: 'node', node: raw } : undefined;
  const place = raw.slice(0, colon) as Place;
  const name = raw.slice(colon + 1);
  return PLACES.includes(place) && ID.test(name) ? { type: place, name } : undefined;
}

/** The name as a file spells it: `primary`, `a`, `rack:r1`. */
export function formatTarget(spec: MemberSpec): string {
  if (spec.type === 'node') return spec.node;
  if (spec.type === 'client') return spec.client;
  if ('name' in spec) return `${spec.type}:${spec.name}`;
  return spec.type;
}

/**
 * Checks that a name exists in a design; `member` allows the group words. Throws e.g.
 * `faults[1].target: expected a node id (a, b) or primary, standby, any, rack:R, ... (got "zz")`.
 */
export function checkMember(spec: MemberSpec, design: DesignView, at: At, member: boolean): void {
  const found = JSON.stringify(formatTarget(spec));
  if (spec.type === 'node' && !design.nodeIds.includes(spec.node)) {
    const words = member ? [...ROLES, ...GROUP_WORDS] : ROLES;
    throw new InputError(at.source, at.field, `a node id (${design.nodeIds.join(', ')}) or ${words.join(', ')}, ${PLACE_FORMS}`, found);
  }
  if ('name' in spec && !design.valuesOf(spec.type).includes(spec.name)) {
    const known = design.valuesOf(spec.type).map((v) => `${spec.type}:${v}`);
    throw new InputError(at.source, at.field, `a ${PLACE_WORDS[spec.type]} of the design (${known.join(', ')})`, found);
  }
}

const PLACE_WORDS: Record<Place, string> = { rack: 'rack', dc: 'datacenter', switch: 'switch', power: 'power domain' };

// --- resolution when a fault fires ----------------------------------------------------------

/** The node ids a target names right now (empty when e.g. there is no primary). */
export function resolveTarget(world: World, spec: TargetSpec): string[] {
  switch (spec.type) {
    case 'primary':
      return world.primaries().slice(0, 1);
    case 'standby':
      return world.standbys().slice(0, 1);
    case 'any':
      return world.nodeIds.length ? [world.sim.rng('fault').pick(world.nodeIds)] : [];
    case 'node':
      return [spec.node];
    default:
      return world.nodesWhere(spec.type, spec.name);
  }
}

/**
 * Resolves groups of members to endpoint ids, in declared order. `others` is every design node
 * that no other group names (it may appear in one group only).
 */
export function resolveGroups(world: World, groupSpecs: readonly (readonly MemberSpec[])[]): string[][] {
  const named = new Set<string>();
  const resolved = groupSpecs.map((group) =>
    group.flatMap((m) => {
      const ids = resolveMember(world, m);
      for (const id of ids) named.add(id);
      return ids;
    }),
  );
  const others = world.nodeIds.filter((id) => !named.has(id));
  const groups = resolved.map((ids, g) => unique(groupSpecs[g].some((m) => m.type === 'others') ? [...ids, ...others] : ids));
  if (!groupSpecs.some((g) => g.some((m) => m.type === 'fence'))) return groups;
  // the fence device's network is split too: each node's management port goes with its node
  return groups.map((ids) => [...ids, ...ids.map((id) => `mgmt:${id}`).filter((port) => world.network.has(port))]);
}

function resolveMember(world: World, spec: MemberSpec): string[] {
  switch (spec.type) {
    case 'others':
      return []; // filled in once every other group is known
    case 'clients':
      return [...world.clientIds];
    case 'client':
      return world.clientIds.includes(spec.client) ? [spec.client] : [];
    case 'exchange':
      return [world.exchange.id];
    case 'fence':
      return [world.power.id];
    default:
      return resolveTarget(world, spec);
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
