/**
 * `crash`: a server crash. The host loses power hard (kernel panic, PSU failure, a hard reset):
 * the process and everything not fsynced are gone, the disk survives. When the fault ends the
 * host is powered on and boots again, i.e. the window is the time the server is down.
 */
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'crash',
  description: 'server crash: the host goes down hard and boots again when the fault ends',
  example: '{ at: 30s, kind: crash, target: primary, for: 60s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'host down (hard crash)',
    begin: () => eachNode(world, nodes, (node) => node.powerOff('server crash')),
    end: () => eachNode(world, nodes, (node) => node.powerOn('server rebooted after crash')),
  }),
});
