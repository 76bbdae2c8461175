/**
 * `graceful-stop`: SIGTERM (`systemctl stop`), the most common planned failover. The process
 * runs its shutdown path (keepalived sends a priority-0 advert and removes the VIP, Patroni
 * demotes PostgreSQL and releases the leader key, Redis runs SHUTDOWN) and then exits; one
 * whose shutdown never ends is killed after `stopTimeout` (systemd's TimeoutStopSec, 90 s by
 * default: systemd.service(5) / systemd-system.conf(5) DefaultTimeoutStopSec). After it exits
 * it is down as after a `process-crash`: the kernel closed its sockets, the page cache kept its
 * writes, the host keeps its addresses unless the shutdown path removed them.
 *
 * `component` stops one process of a host that runs several (keepalived beside the trading
 * service); absent, every process of the host. `restartAfter` as for `process-crash`; when the
 * fault ends a process still down is started again.
 */
import { duration, name, optional, restartDelay, writeDuration } from '../fields.ts';
import { checkComponent, defineKind, eachNode } from '../kind.ts';

export default defineKind({
  kind: 'graceful-stop',
  description: 'graceful stop (SIGTERM, systemctl stop): the service runs its shutdown path, then exits',
  example: '{ at: 30s, kind: graceful-stop, target: primary, restartAfter: 10s }',
  target: 'required',
  fields: {
    restartAfter: optional(restartDelay, 'restart after this long, or `supervisor` for the design\'s own; absent: down until the fault ends'),
    component: optional(name, 'the one process of the host to stop (a design that runs several per host, e.g. keepalived); absent: every process'),
    stopTimeout: optional(duration, 'killed (SIGKILL) if still running this long after SIGTERM (systemd TimeoutStopSec)', '90s'),
  },
  checkDesign: (fault, view, at) => checkComponent(fault.component, view, at),
  plan: ({ world, fault, nodes }) => {
    const restartAfter = fault.restartAfter;
    const component = fault.component;
    const restart = restartAfter === undefined ? 'no restart' : `restart ${restartAfter === 'supervisor' ? 'by the supervisor' : 'after ' + writeDuration(restartAfter)}`;
    const hosts = component === undefined ? nodes : nodes.filter((id) => (world.node(id).processes?.indexOf(component) ?? -1) >= 0);
    if (hosts.length === 0) return { skip: `${nodes.join(', ')} runs no process ${component}` };
    const what = component ?? 'the service';
    return {
      targets: hosts,
      detail: `SIGTERM to ${what}, ${restart}`,
      begin: () => eachNode(world, hosts, (node) => node.stopProcess(`${what} stopped (SIGTERM)`, restartAfter ?? 'never', fault.stopTimeout, component)),
      end: () =>
        eachNode(world, hosts, (node) => (component === undefined ? node.startProcess('started after graceful stop') : node.startComponent(component, `${component} started after graceful stop`))),
    };
  },
});
