/**
 * `disk-full`: the node's disk is full (`dd if=/dev/zero of=/tmp/fill`, a runaway log): appends
 * fail, reads and the small key-value area still work. Space is freed when the fault ends.
 */
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'disk-full',
  description: 'disk full: appends to the log fail until space is freed',
  example: '{ at: 30s, kind: disk-full, target: primary, for: 60s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'disk full',
    begin: () => eachNode(world, nodes, (node) => node.disk.fill()),
    end: () => eachNode(world, nodes, (node) => node.disk.unfill()),
  }),
});
