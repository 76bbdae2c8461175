/**
 * `switch-down`: an access switch fails, and with it every link through it. The target is a
 * switch (`switch:S`) or nodes, meaning the switches those nodes hang off (`primary`: the
 * primary's top-of-rack switch, which may serve other nodes of its rack too).
 */
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'switch-down',
  description: "switch failure: every link through the target's switch is down",
  example: '{ at: 30s, kind: switch-down, target: primary, for: 30s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => {
    const switches = [...new Set(nodes.map((id) => world.placement.get(id)!.switch))];
    return {
      targets: world.nodeIds.filter((id) => switches.includes(world.placement.get(id)!.switch)),
      detail: `switch ${switches.join(', ')} down`,
      begin: () => switches.forEach((sw) => world.network.switchDown(sw)),
      end: () => switches.forEach((sw) => world.network.switchUp(sw)),
    };
  },
});
