/**
 * `pause`: the process stalls: a stop-the-world GC, a VM frozen by its hypervisor, a process
 * stopped with SIGSTOP. Its timers and inbound messages wait and run, in order, when it
 * resumes; meanwhile peers may declare it dead. A pause longer than a lease is the classic way
 * a former primary wakes up still believing it leads.
 */
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'pause',
  description: 'GC or VM stall: the process freezes, then resumes where it was',
  example: '{ at: 30s, kind: pause, target: primary, for: 8s }',
  target: 'required',
  fields: {},
  plan: ({ world, nodes }) => ({
    detail: 'process paused',
    begin: () => eachNode(world, nodes, (node) => node.pause()),
    end: () => eachNode(world, nodes, (node) => node.resume()),
  }),
});
