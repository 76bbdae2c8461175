/**
 * `duplicate`: each message to or from the target is delivered twice with `probability`
 * (`tc qdisc ... netem duplicate`): retransmissions, a flapping route. Designs must be
 * idempotent where it matters.
 */
import type { Impairment } from '../../world/network.ts';
import { probability, required } from '../fields.ts';
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'duplicate',
  description: 'duplicated packets: each message to or from the target arrives twice with a probability',
  example: '{ at: 30s, kind: duplicate, target: primary, probability: 0.05, for: 30s }',
  target: 'required',
  fields: {
    probability: required(probability, 'the chance that a message is delivered twice, 0 to 1'),
  },
  plan: ({ world, fault, nodes }) => {
    let impairments: Impairment[] = [];
    return {
      detail: `${fault.probability * 100}% of messages duplicated`,
      begin: () => (impairments = nodes.map((endpoint) => world.network.impair({ endpoint, duplicateProbability: fault.probability }))),
      end: () => impairments.forEach((i) => world.network.unimpair(i)),
    };
  },
});
