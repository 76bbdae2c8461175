/**
 * `dc-down`: a whole datacenter is lost (utility power and generators, a fire, a fibre cut to
 * the building): every power domain in it goes dark, so its nodes go off and their switches
 * down, and its management network (IPMI) goes too. Clients and the exchange gateway are
 * outside it. The target is `dc:D` or nodes, meaning their datacenters. A design with a single
 * datacenter loses everything: that is the point of a DR site.
 */
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'dc-down',
  description: "datacenter loss: every node of the target's datacenter off, its switches down",
  example: '{ at: 30s, kind: dc-down, target: dc:dc1, for: 60s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => {
    const dcs = [...new Set(nodes.map((id) => world.placement.get(id)!.dc))];
    const lost = world.nodeIds.filter((id) => dcs.includes(world.placement.get(id)!.dc));
    const domains = [...new Set(lost.map((id) => world.placement.get(id)!.power))];
    const external = new Set([world.exchange.id, ...world.clientIds].map((id) => world.network.switchOf(id)));
    const switches = [
      ...new Set(world.network.endpointIds().filter((id) => dcs.includes(world.network.dcOf(id))).map((id) => world.network.switchOf(id))),
    ].filter((sw) => !external.has(sw));
    return {
      targets: lost,
      detail: `datacenter ${dcs.join(', ')} lost (switches ${switches.join(', ')} down)`,
      begin: () => {
        domains.forEach((domain) => world.powerDomainOff(domain));
        switches.forEach((sw) => world.network.switchDown(sw));
      },
      end: () => {
        switches.forEach((sw) => world.network.switchUp(sw));
        domains.forEach((domain) => world.powerDomainOn(domain));
      },
    };
  },
});
