/**
 * `partition`: the network splits into groups that cannot reach each other. Every ordered
 * pair of endpoints in different groups is cut; with `oneWay: true` only messages *from* the
 * first group to the others are lost (an asymmetric partition: the first group still hears
 * everyone but nobody hears it). Endpoints no group names keep all their links, so clients
 * still reach both sides unless a group names `clients`.
 *
 * ```yaml
 * - { at: 30s, kind: partition, groups: [[primary], [others]], for: 20s }   # primary isolated from peers
 * - { at: 30s, kind: partition, groups: [[dc:dc1], [dc:dc2]], for: 60s }   # cross-DC link lost
 * ```
 *
 * The history names the first group as the fault's targets: the side that is cut off.
 */
import { InputError } from '../../sim/input-error.ts';
import { boolean, groups, optional, required } from '../fields.ts';
import { defineKind, pairsFrom } from '../kind.ts';
import { formatTarget, resolveGroups } from '../targets.ts';

export default defineKind({
  kind: 'partition',
  description: 'network partition: groups of endpoints cannot reach each other (oneWay: asymmetric)',
  example: '{ at: 30s, kind: partition, groups: [[primary], [others]], for: 20s }',
  target: 'none',
  fields: {
    groups: required(groups, 'groups of endpoints: node ids, primary, standby, others, clients, exchange, fence (the fencing device and its management network), rack:R, dc:D, switch:S, power:P'),
    oneWay: optional(boolean, 'cut only messages from the first group to the others', false),
  },
  check: (fault, at) => {
    const withOthers = fault.groups.filter((g) => g.some((m) => m.type === 'others')).length;
    if (withOthers > 1) throw new InputError(at.source, `${at.field}.groups`, 'others in at most one group');
    const seen = new Map<string, number>();
    fault.groups.forEach((group, g) =>
      group.forEach((member, i) => {
        const name = formatTarget(member);
        const first = seen.get(name);
        if (first !== undefined) throw new InputError(at.source, `${at.field}.groups[${g}][${i}]`, `groups that do not overlap (${name} is already in group ${first + 1})`);
        seen.set(name, g);
      }),
    );
  },
  plan: ({ world, fault }) => {
    const resolved = resolveGroups(world, fault.groups);
    const empty = resolved.findIndex((g) => g.length === 0);
    if (empty >= 0) return { skip: `group ${empty + 1} (${fault.groups[empty].map(formatTarget).join(', ')}) names no endpoint now` };
    const shared = resolved.flatMap((g, i) => g.filter((id) => resolved.some((h, j) => j > i && h.includes(id))));
    if (shared.length) return { skip: `the groups overlap now (${[...new Set(shared)].join(', ')} in two groups)` };
    const pairs: [string, string][] = [];
    resolved.forEach((from, g) =>
      resolved.forEach((to, h) => {
        if (g !== h && (!fault.oneWay || g === 0)) pairs.push(...pairsFrom(from, to));
      }),
    );
    return {
      targets: resolved[0],
      detail: fault.oneWay
        ? `${resolved[0].join(', ')} -x-> ${resolved.slice(1).map((g) => g.join(', ')).join(' | ')}`
        : resolved.map((g) => g.join(', ')).join(' | '),
      begin: () => pairs.forEach(([a, b]) => world.network.cut(a, b)),
      end: () => pairs.forEach(([a, b]) => world.network.uncut(a, b)),
    };
  },
});
