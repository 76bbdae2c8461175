/**
 * `loss`: each message to or from the target is lost with `probability`
 * (`tc qdisc ... netem loss 10%`), drawn from the run's network stream.
 */
import type { Impairment } from '../../world/network.ts';
import { probability, required } from '../fields.ts';
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'loss',
  description: 'packet loss: each message to or from the target is lost with a probability',
  example: '{ at: 30s, kind: loss, target: primary, probability: 0.1, for: 30s }',
  target: 'required',
  fields: {
    probability: required(probability, 'the chance that a message is lost, 0 to 1'),
  },
  plan: ({ world, fault, nodes }) => {
    let impairments: Impairment[] = [];
    return {
      detail: `${fault.probability * 100}% of messages lost`,
      begin: () => (impairments = nodes.map((endpoint) => world.network.impair({ endpoint, lossProbability: fault.probability }))),
      end: () => impairments.forEach((i) => world.network.unimpair(i)),
    };
  },
});
