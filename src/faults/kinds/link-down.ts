/**
 * `link-down`: the link between two endpoints fails in both directions (a cable, a port, a
 * firewall rule), while each keeps its other links: e.g. the dedicated heartbeat link between
 * primary and standby, or the primary's line to the exchange. Each end may be any partition
 * member (`primary`, `standby`, a node id, `exchange`, `rack:R`...); every pair across the two
 * ends is cut. The history names the first end as the fault's targets.
 */
import { endpointPair, required } from '../fields.ts';
import { defineKind, pairsFrom } from '../kind.ts';
import { formatTarget, resolveGroups } from '../targets.ts';

export default defineKind({
  kind: 'link-down',
  description: 'link down: two endpoints cannot talk to each other (both directions); other links stay up',
  example: '{ at: 30s, kind: link-down, between: [primary, standby], for: 30s }',
  target: 'none',
  fields: {
    between: required(endpointPair, 'the two ends of the link: [primary, standby], [a, exchange], ...'),
  },
  plan: ({ world, fault }) => {
    const [one, other] = resolveGroups(world, [[fault.between[0]], [fault.between[1]]]);
    if (one.length === 0 || other.length === 0) return { skip: `link end ${fault.between.map(formatTarget).join(' or ')} names no endpoint now` };
    const pairs = [...pairsFrom(one, other), ...pairsFrom(other, one)];
    return {
      targets: one,
      detail: `link ${one.join(', ')} <-> ${other.join(', ')} down`,
      begin: () => pairs.forEach(([a, b]) => world.network.cut(a, b)),
      end: () => pairs.forEach(([a, b]) => world.network.uncut(a, b)),
    };
  },
});
