/**
 * `nic-down`: the node's network interface fails (a dead NIC, a pulled cable, a bad
 * transceiver). Every link of the node is down; the process keeps running, unaware. The
 * management (IPMI) port is separate and stays up, so the node can still be fenced.
 */
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'nic-down',
  description: 'NIC failure: the node is cut from every link while its process keeps running',
  example: '{ at: 30s, kind: nic-down, target: primary, for: 30s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'NIC down',
    begin: () => nodes.forEach((id) => world.network.nicDown(id)),
    end: () => nodes.forEach((id) => world.network.nicUp(id)),
  }),
});
