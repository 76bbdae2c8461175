/**
 * `process-crash`: kill -9 of the service. Volatile state is lost, the disk keeps what was
 * fsynced and the page cache keeps what was written; the host's kernel resets the process's
 * TCP connections and keeps its addresses. `restartAfter` says who brings it back:
 *
 * - a duration: a supervisor restarts it after that long (systemd `RestartSec`);
 * - `supervisor`: the design's own supervisor, if it has one (a design without stays down);
 * - absent: nobody; it stays down until the fault ends (the classic "kill the primary").
 *
 * `component` kills one process of a host that runs several (`NodeSpec.processes`: keepalived
 * beside the trading service, PostgreSQL beside Patroni) while the host and the others live;
 * absent, every process of the host dies. A target without that process is left alone.
 *
 * When the fault ends a process that is still down is started again (the operator steps in),
 * except one the design alone starts (`ProcessSpec.startedByDesign`: Pacemaker's resources)
 * killed with `restartAfter: supervisor`: whether and where it runs again is the design's call.
 */
import { name, optional, restartDelay, writeDuration } from '../fields.ts';
import { checkComponent, defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'process-crash',
  description: 'process crash (kill -9): the service (or one `component` of the host) dies, optionally restarted by a supervisor',
  example: '{ at: 30s, kind: process-crash, target: primary, restartAfter: 5s }',
  target: 'required',
  fields: {
    restartAfter: optional(restartDelay, 'restart after this long, or `supervisor` for the design\'s own; absent: down until the fault ends'),
    component: optional(name, 'the one process of the host to kill (a design that runs several per host, e.g. keepalived); absent: every process'),
  },
  checkDesign: (fault, view, at) => checkComponent(fault.component, view, at),
  plan: ({ world, fault, nodes }) => {
    const restartAfter = fault.restartAfter;
    const component = fault.component;
    const restart = restartAfter === undefined ? 'no restart' : `restart ${restartAfter === 'supervisor' ? 'by the supervisor' : 'after ' + writeDuration(restartAfter)}`;
    if (component === undefined) {
      return {
        detail: `kill -9, ${restart}`,
        begin: () => eachNode(world, nodes, (node) => node.crashProcess('process killed', restartAfter ?? 'never')),
        end: () => eachNode(world, nodes, (node) => node.startProcess('restarted after process crash')),
      };
    }
    const hosts = nodes.filter((id) => (world.node(id).processes?.indexOf(component) ?? -1) >= 0);
    if (hosts.length === 0) return { skip: `${nodes.join(', ')} runs no process ${component}` };
    return {
      targets: hosts,
      detail: `kill -9 of ${component}, ${restart}`,
      begin: () => eachNode(world, hosts, (node) => node.crashComponent(component, `${component} killed`, restartAfter ?? 'never')),
      end: () =>
        eachNode(world, hosts, (node) => {
          const leftToDesign = restartAfter === 'supervisor' && node.processes!.specs[node.processes!.indexOf(component)].startedByDesign;
          if (!leftToDesign) node.startComponent(component, `${component} restarted after process crash`);
        }),
    };
  },
});
