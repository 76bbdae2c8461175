/**
 * `disk-fail`: the node's disk dies. Its data is gone and every I/O fails; the process keeps
 * running with I/O errors unless the design notices. When the fault ends the disk is replaced
 * by a new, empty one (the data does not come back).
 */
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'disk-fail',
  description: 'disk failure: the data is lost and I/O fails until the disk is replaced (empty)',
  example: '{ at: 30s, kind: disk-fail, target: primary, for: 60s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'disk failed (data lost)',
    begin: () => eachNode(world, nodes, (node) => node.disk.fail()),
    end: () => eachNode(world, nodes, (node) => node.disk.replace()),
  }),
});
