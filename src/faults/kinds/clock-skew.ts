/**
 * `clock-skew`: the node's clock is off by `offset` (a broken NTP source, a VM restored with a
 * stale clock) for the fault's window, and back in step when it ends. Lease-based designs that
 * compare timestamps across nodes are hurt; monotonic timers are not.
 */
import { required, signedDuration, writeDuration } from '../fields.ts';
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'clock-skew',
  description: "clock skew: the node's clock is ahead (or behind, if negative) by an offset until the fault ends",
  example: '{ at: 30s, kind: clock-skew, target: standby, offset: 500ms, for: 60s }',
  target: 'required',
  fields: {
    offset: required(signedDuration, 'how far ahead the clock is; negative: behind'),
  },
  plan: ({ world, fault, nodes }) => ({
    detail: `clock ${fault.offset >= 0 ? '+' : ''}${writeDuration(fault.offset)}`,
    begin: () => eachNode(world, nodes, (node) => node.clock.skew(world.sim.now, fault.offset)),
    end: () => eachNode(world, nodes, (node) => node.clock.unskew(world.sim.now, fault.offset)),
  }),
});
