/**
 * `process-crash`: kill -9 of the service. Volatile state is lost, the disk keeps what was
 * fsynced. `restartAfter` says who brings it back:
 *
 * - a duration: a supervisor restarts it after that long (systemd `RestartSec`);
 * - `supervisor`: the design's own supervisor, if it has one (a design without stays down);
 * - absent: nobody; it stays down until the fault ends (the classic "kill the primary").
 *
 * When the fault ends a process that is still down is started again (the operator steps in).
 */
import { optional, restartDelay, writeDuration } from '../fields.ts';
import { defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'process-crash',
  description: 'process crash (kill -9): the service dies, optionally restarted by a supervisor',
  example: '{ at: 30s, kind: process-crash, target: primary, restartAfter: 5s }',
  target: 'required',
  fields: {
    restartAfter: optional(restartDelay, 'restart after this long, or `supervisor` for the design\'s own; absent: down until the fault ends'),
  },
  plan: ({ world, fault, nodes }) => {
    const restartAfter = fault.restartAfter;
    return {
      detail: restartAfter === undefined ? 'kill -9, no restart' : `kill -9, restart ${restartAfter === 'supervisor' ? 'by the supervisor' : 'after ' + writeDuration(restartAfter)}`,
      begin: () =>
        eachNode(world, nodes, (node) =>
          node.crashProcess('process killed', restartAfter ?? 'never'),
        ),
      end: () => eachNode(world, nodes, (node) => node.startProcess('restarted after process crash')),
    };
  },
});
