/**
 * `disk-slow`: fsyncs take `factor` times longer (a degraded RAID, a noisy neighbour, a dying
 * SSD). Synchronous designs feel it in every ack.
 */
import { number, optional } from '../fields.ts';
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'disk-slow',
  description: 'slow disk: every fsync takes factor times longer',
  example: '{ at: 30s, kind: disk-slow, target: primary, factor: 20, for: 30s }',
  target: 'required',
  fields: {
    factor: optional(number({ exclusiveMin: 0 }), 'how many times slower each fsync is', 10),
  },
  plan: ({ world, fault, nodes }) => {
    const { factor } = fault;
    return {
      detail: `fsync ${factor}x slower`,
      begin: () => eachNode(world, nodes, (node) => node.disk.slow(factor)),
      end: () => eachNode(world, nodes, (node) => node.disk.unslow(factor)),
    };
  },
});
