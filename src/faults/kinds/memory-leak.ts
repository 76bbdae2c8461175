/**
 * `memory-leak`: the service slowly runs out of memory. Handling each event takes longer and
 * longer (swapping, GC pressure): the extra delay grows linearly from 0 to `maxDelay` over the
 * fault's window, in steps; when the fault ends the kernel's OOM killer kills the process and
 * it is restarted after `restartAfter`. A gray failure: heartbeats may still be answered,
 * slowly, while clients time out.
 */
import type { SimEvent } from '../../sim/queue.ts';
import { duration, optional, restartDelay, writeDuration } from '../fields.ts';
import { defineKind } from '../kind.ts';

const STEPS = 20;

export default defineKind({
  kind: 'memory-leak',
  description: 'memory leak: the service slows down more and more, then is OOM-killed and restarted',
  example: '{ at: 20s, kind: memory-leak, target: primary, for: 40s, maxDelay: 200ms }',
  target: 'required',
  fields: {
    maxDelay: optional(duration, 'extra delay per event reached at the end of the window', '50ms'),
    restartAfter: optional(restartDelay, 'restart after the OOM kill, or `supervisor`', '5s'),
  },
  plan: ({ world, fault, nodes, endsAt }) => {
    const { maxDelay, restartAfter } = fault;
    const start = world.sim.now;
    const steps: SimEvent[] = [];
    // each fault adds its own share to a node's slowdown, so overlapping leaks compose
    const share = new Map<string, number>(nodes.map((id) => [id, 0]));
    const setShare = (delay: number): void => {
      for (const id of nodes) {
        const node = world.node(id);
        node.unslow(share.get(id)!);
        node.slow(delay);
        share.set(id, delay);
      }
    };
    return {
      detail: `slows to +${writeDuration(maxDelay)} per event, then OOM-killed`,
      begin: () => {
        for (let i = 1; i <= STEPS && endsAt > start; i++) {
          steps.push(world.sim.at(start + ((endsAt - start) * i) / STEPS, () => setShare(Math.round((maxDelay * i) / STEPS))));
        }
      },
      end: () => {
        steps.forEach((step) => world.sim.cancel(step));
        setShare(0);
        for (const id of nodes) world.node(id).crashProcess('out of memory (OOM killer)', restartAfter);
      },
    };
  },
});
