/**
 * A LAN of network namespaces for the calibration harnesses that run real systems as separate
 * "hosts" (keepalived, Redis partitions, Pacemaker): the namespaces are made, one holds a
 * bridge, and every host namespace gets an `eth0` veth into it with its /24 address and `lo` up.
 * The namespaces are deleted at the harness's exit (`onCleanup`: cleanups run last registered
 * first, so one the harness registers after this runs before the deletion), so a failed set-up
 * leaves none behind.
 */
import { execFileSync } from 'node:child_process';
import { onCleanup } from './procs.ts';

export const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

export interface LanHost {
  ns: string;
  addr: string;
}

/** Makes `lanNs` and each host's namespace, and bridges the hosts (veth peers `p0`, `p1`, ...). */
export function makeLan(lanNs: string, hosts: readonly LanHost[]): void {
  const all = [lanNs, ...hosts.map((h) => h.ns)];
  for (const ns of all) ip('netns', 'add', ns);
  onCleanup(() => {
    for (const ns of all) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not there
      }
    }
  });
  ip('-n', lanNs, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', lanNs, 'link', 'set', 'br0', 'up');
  hosts.forEach(({ ns, addr }, i) => {
    ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', lanNs);
    ip('-n', lanNs, 'link', 'set', `p${i}`, 'master', 'br0');
    ip('-n', lanNs, 'link', 'set', `p${i}`, 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  });
}
