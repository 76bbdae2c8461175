/**
 * `latency`: added delay on every message to or from the target (`tc qdisc ... netem delay`),
 * a constant or drawn per message from a distribution; links stay FIFO, so jitter delays but
 * never reorders messages on one link.
 */
import { sampler, type DistributionSpec } from '../../sim/distributions.ts';
import type { Impairment } from '../../world/network.ts';
import { durationDistribution, required, writeDuration } from '../fields.ts';
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'latency',
  description: 'high latency: extra delay on every message to or from the target',
  example: '{ at: 30s, kind: latency, target: primary, delay: 100ms, for: 30s }',
  target: 'required',
  fields: {
    delay: required(durationDistribution, 'the added one-way delay: 100ms, or a distribution such as { uniform: { min: 50ms, max: 150ms } }'),
  },
  plan: ({ world, fault, nodes }) => {
    const extraLatency = sampler(fault.delay);
    let impairments: Impairment[] = [];
    return {
      detail: `+${describeDelay(fault.delay)} on every message`,
      begin: () => (impairments = nodes.map((endpoint) => world.network.impair({ endpoint, extraLatency }))),
      end: () => impairments.forEach((i) => world.network.unimpair(i)),
    };
  },
});

function describeDelay(spec: DistributionSpec): string {
  return 'constant' in spec ? writeDuration(spec.constant) : `a ${Object.keys(spec)[0]} delay`;
}
