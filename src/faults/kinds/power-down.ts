/**
 * `power-down`: a power domain (a PDU, a rack's circuit) loses power: its nodes go off and its
 * switches down; when power returns they boot. The target is `power:P`, `rack:R` (the domains
 * of that rack) or nodes, meaning their power domains (`primary`: the primary's rack power,
 * which is how a schedule says "rack power loss" for any design).
 */
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'power-down',
  description: "power failure: the target's power domain goes dark (nodes off, switches down)",
  example: '{ at: 30s, kind: power-down, target: primary, for: 60s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => {
    const domains = [...new Set(nodes.map((id) => world.placement.get(id)!.power))];
    return {
      targets: world.nodeIds.filter((id) => domains.includes(world.placement.get(id)!.power)),
      detail: `power domain ${domains.join(', ')} off`,
      begin: () => domains.forEach((domain) => world.powerDomainOff(domain)),
      end: () => domains.forEach((domain) => world.powerDomainOn(domain)),
    };
  },
});
