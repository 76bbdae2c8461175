/**
 * `deadlock`: the process is alive but makes no progress. Only the threads named in `threads`
 * keep running (default: the heartbeat thread, so peers still see it beating while the order
 * thread is stuck: the classic gray failure); events for any other thread wait forever. When
 * the fault ends a watchdog or the operator kills the stuck process and it restarts after
 * `restartAfter` (default at once). A process that died meanwhile is left alone.
 */
import { killAndRestart } from '../controls.ts';
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
    const threads = fault.threads ?? ['heartbeat'];
    const restartAfter = fault.restartAfter ?? 0;
    const stuck = new Map<string, number>();
    return {
      detail: threads.length ? `deadlocked; still running: ${threads.join(', ')}` : 'deadlocked; every thread stuck',
      begin: () => {
        for (const id of nodes) {
          const node = world.node(id);
          if (node.state !== 'up' && node.state !== 'paused') continue;
          node.runningThreads = new Set(threads);
          stuck.set(id, node.incarnation);
        }
      },
      end: () => {
        for (const [id, incarnation] of stuck) {
          const node = world.node(id);
          if (node.incarnation === incarnation) killAndRestart(node, 'deadlocked process killed by watchdog', restartAfter);
        }
      },
    };
  },
});
