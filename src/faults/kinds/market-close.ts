/**
 * `market-close`: the market is closed (end of session, a trading halt): the exchange rejects
 * every order and nodes refuse them. Refusals then are not outages; a design must simply not
 * fail over or lose state because of it. The market reopens when the fault ends.
 */
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'market-close',
  description: 'market closure: the exchange rejects orders until it reopens',
  example: '{ at: 30s, kind: market-close, for: 30s }',
  target: 'none',
  fields: {},
  plan: ({ world }) => ({
    targets: [world.exchange.id],
    detail: 'market closed',
    begin: () => world.exchange.close(),
    end: () => world.exchange.reopen(),
  }),
});
