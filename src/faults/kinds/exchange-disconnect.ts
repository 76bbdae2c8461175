/**
 * `exchange-disconnect`: the target nodes lose their connectivity to the exchange (a cross-
 * connect down, a FIX session dropped by the venue) while the cluster itself is fine. Without
 * a target, every node loses it: nothing can trade, and no failover helps.
 */
import { defineKind, pairsFrom } from '../kind.ts';

export default defineKind({
  kind: 'exchange-disconnect',
  description: 'exchange connectivity loss: the target (default: every node) cannot reach the exchange',
  example: '{ at: 30s, kind: exchange-disconnect, target: primary, for: 30s }',
  target: 'optional',
  fields: {},
  plan: ({ world, nodes }) => {
    const exchange = [world.exchange.id];
    const pairs = [...pairsFrom(nodes, exchange), ...pairsFrom(exchange, nodes)];
    return {
      detail: 'exchange unreachable',
      begin: () => pairs.forEach(([a, b]) => world.network.cut(a, b)),
      end: () => pairs.forEach(([a, b]) => world.network.uncut(a, b)),
    };
  },
});
