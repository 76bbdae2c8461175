/**
 * `feed-down`: the market-data feed fails for the target nodes (default: every node, i.e. the
 * venue's feed itself). A design should stop trading blind; a node that can fail over to one
 * with a working feed may.
 */
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'feed-down',
  description: 'market-data feed failure for the target (default: every node)',
  example: '{ at: 30s, kind: feed-down, for: 20s }',
  target: 'optional',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'market data feed down',
    begin: () => eachNode(world, nodes, (node) => node.cutFeed()),
    end: () => eachNode(world, nodes, (node) => node.restoreFeed()),
  }),
});
