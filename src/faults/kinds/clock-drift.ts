/**
 * `clock-drift`: the node's clock runs fast (or slow, if negative) by `ppm` parts per million
 * (a bad oscillator, NTP unreachable); timers stretch or shrink with it. The rate returns to
 * normal when the fault ends; the offset gained stays.
 */
import { number, required } from '../fields.ts';
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'clock-drift',
  description: "clock drift: the node's clock runs fast (or slow, if negative) by some parts per million",
  example: '{ at: 30s, kind: clock-drift, target: primary, ppm: 200, for: 60s }',
  target: 'required',
  fields: {
    ppm: required(number({ exclusiveMin: -1_000_000, max: 1_000_000 }), 'drift rate in parts per million; negative: slow'),
  },
  plan: ({ world, fault, nodes }) => ({
    detail: `clock drifts ${fault.ppm} ppm`,
    begin: () => eachNode(world, nodes, (node) => node.clock.drift(world.sim.now, fault.ppm)),
    end: () => eachNode(world, nodes, (node) => node.clock.undrift(world.sim.now, fault.ppm)),
  }),
});
