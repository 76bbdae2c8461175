/**
 * `clock-jump`: the node's clock steps by `by` once (an NTP step, a leap-second mishap, an
 * operator's `date -s`) and stays there: the jump is not undone when the fault ends.
 */
import { required, signedDuration, writeDuration } from '../fields.ts';
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'clock-jump',
  description: "clock jump: the node's clock steps forward (or back, if negative) once and stays",
  example: '{ at: 30s, kind: clock-jump, target: primary, by: -10s }',
  target: 'required',
  fields: {
    by: required(signedDuration, 'the step: 10s forward, -10s back'),
  },
  plan: ({ world, fault, nodes }) => ({
    detail: `clock steps ${fault.by >= 0 ? '+' : ''}${writeDuration(fault.by)}`,
    begin: () => eachNode(world, nodes, (node) => node.clock.jump(world.sim.now, fault.by)),
  }),
});
