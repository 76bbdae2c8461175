/**
 * `deadlock`: the process is alive but makes no progress. Only the threads named in `threads`
 * keep running (default: the heartbeat thread, so peers still see it beating while the order
 * thread is stuck: the classic gray failure); events for any other thread wait forever. When
 * the fault ends a watchdog or the operator kills the stuck process and it restarts after
 * `restartAfter` (default at once); on a host that runs several processes, only the ones with
 * a stuck thread when another runs on (the trading service, not keepalived beside it). A
 * process that died meanwhile is left alone.
 */
import { nameList, optional, restartDelay } from '../fields.ts';
import { defineKind } from '../kind.ts';

export default defineKind({
  kind: 'deadlock',
  description: 'deadlock: the process is alive but stuck; only the named threads (default heartbeat) still run',
  example: '{ at: 30s, kind: deadlock, target: primary, threads: [heartbeat], for: 30s }',
  target: 'required',
  fields: {
    threads: optional(nameList, 'threads that keep running (an empty list: every thread is stuck)', ['heartbeat']),
    restartAfter: optional(restartDelay, 'restart delay after the kill at the end of the fault', '0s'),
  },
  plan: ({ world, fault, nodes }) => {
    const { threads, restartAfter } = fault;
    const hung = new Map<string, number>();
    return {
      detail: threads.length ? `deadlocked; still running: ${threads.join(', ')}` : 'deadlocked; every thread stuck',
      begin: () => {
        for (const id of nodes) {
          const incarnation = world.node(id).hang(threads);
          if (incarnation !== undefined) hung.set(id, incarnation);
        }
      },
      end: () => {
        for (const [id, incarnation] of hung) world.node(id).killHung(incarnation, 'deadlocked process killed by watchdog', restartAfter);
      },
    };
  },
});
