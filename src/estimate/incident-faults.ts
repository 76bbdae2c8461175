/**
 * What a component change of an incident does to the world, through the same fault kinds a
 * schedule uses (`src/faults/kinds/`), begun and healed by the same injector path. Each plant
 * element is a fault (or two) parsed once with the kinds' own defaults:
 *
 *   server  crash          host off, boots when repaired
 *   process process-crash  kill -9 of the service, started again when repaired (see below)
 *   agent   process-crash  kill -9 of one HA agent process (component: keepalived, patroni,
 *                          cluster-stack), started again when repaired (see below)
 *   nic     nic-down       disk     disk-fail      gcPause  pause
 *   deadlock deadlock      only the heartbeat thread runs; the watchdog kills it at repair
 *   switch  switch-down on switch:S          power  power-down on power:P
 *   rack    switch-down + crash on rack:R    (its switch and its servers, not its power feed)
 *   dc      dc-down on dc:D                  (every power domain in it dark: its servers, their
 *                                             switches and the power controllers STONITH fences
 *                                             through, so a fence into a lost DC fails, as it does
 *                                             under the `dc-down` fault kind of a schedule)
 *
 * A `process` failure is the service's process alone. On a host whose design declares several
 * processes (`NodeSpec.processes`: keepalived beside the trading service, Patroni beside
 * PostgreSQL, Pacemaker and Corosync beside the resource) it kills the first one, the service
 * (it owns the threads no process names), while the host and its other processes live, so the
 * design's own supervision reacts as the real one does: keepalived's check script, Patroni
 * starting PostgreSQL, Pacemaker's monitor operation. Killing every process of the host would
 * turn a service crash into a lost node (Pacemaker fences it, keepalived's adverts stop). The
 * file's `restart` is systemd's (or the operator's) restart: the process stays down until
 * then, as a single-process host does. A process only the design starts
 * (`ProcessSpec.startedByDesign`: PostgreSQL under Patroni, a Pacemaker resource) is left to
 * the design instead, which starts it when and where it would (the repair does not).
 *
 * An `agent` failure is one HA agent process of the host alone (every process the design
 * declares after the service: `plant.ts`), killed with SIGKILL while the service and the host
 * live, so the model shows what the real system does when its agent vanishes without running
 * its shutdown path: keepalived leaves the VIP configured and the BACKUP takes over after
 * Master_Down_Interval (both hold the address until keepalived restarts); Patroni leaves
 * PostgreSQL running as primary, HAProxy's REST check fails, and the leader key expires after
 * ttl (with the watchdog the host is reset first); corosync and Pacemaker gone, the peer sees
 * the node leave the membership and fences it. The repair is the file's `restart` (systemd's
 * Restart=, or an operator): the agent stays down until then.
 *
 * A change that goes down begins the element's faults (in that order); the element's next
 * change, back up, heals them in the same order. Fault ids are the change's index in the
 * incident, so the history tells the incident's failures apart.
 */
import { parseFault } from '../faults/fault-spec.ts';
import { beginFault } from '../faults/injector.ts';
import type { FaultKind } from '../faults/kind.ts';
import { faultKind } from '../faults/registry.ts';
import type { FaultSpec } from '../faults/schedule.ts';
import type { Micros } from '../sim/time.ts';
import type { World } from '../world/world.ts';
import type { Plant, SharedKind } from './plant.ts';

const SOURCE = '<estimate>';
/** Parsing needs a chaos length for its `at < duration` check; incidents place faults themselves. */
const UNBOUNDED: Micros = Number.MAX_SAFE_INTEGER;

/** The fault kinds a node component type maps to. */
const NODE_COMPONENT_KINDS: Record<string, string> = {
  server: 'crash',
  process: 'process-crash',
  agent: 'process-crash',
  nic: 'nic-down',
  disk: 'disk-fail',
  gcPause: 'pause',
  deadlock: 'deadlock',
};

/** The fault kinds a shared element maps to, begun in this order. */
const SHARED_KINDS: Record<SharedKind, string[]> = {
  switch: ['switch-down'],
  power: ['power-down'],
  rack: ['switch-down', 'crash'],
  dc: ['dc-down'],
};

interface ElementFault {
  kind: FaultKind;
  spec: FaultSpec;
}

export class IncidentFaults {
  private readonly perNode: number;
  /** Per element, its faults (parsed on first use). */
  private readonly faults = new Map<number, ElementFault[]>();
  /** Per element that is down, what heals its faults. */
  private readonly active = new Map<number, (() => void)[]>();

  constructor(
    private readonly world: World,
    private readonly plant: Plant,
  ) {
    this.perNode = plant.nodeComponents.length;
  }

  /** Applies change `change` of the incident: `element` goes down (until `endsAt`) or comes back. */
  apply(change: number, element: number, down: boolean, endsAt: Micros): void {
    if (!down) {
      for (const heal of this.active.get(element) ?? []) heal();
      this.active.delete(element);
      return;
    }
    const heals: (() => void)[] = [];
    for (const { kind, spec } of this.faultsOf(element)) {
      const heal = beginFault(this.world, kind, { ...spec, id: change, at: this.world.sim.now }, endsAt, { source: SOURCE, field: `changes[${change}]` });
      if (heal) heals.push(heal);
    }
    this.active.set(element, heals);
  }

  private faultsOf(element: number): ElementFault[] {
    let faults = this.faults.get(element);
    if (!faults) this.faults.set(element, (faults = this.describe(element)));
    return faults;
  }

  private describe(element: number): ElementFault[] {
    const nodeCount = this.plant.nodes.length;
    if (element < nodeCount * this.perNode) {
      const node = this.plant.nodes[Math.floor(element / this.perNode)];
      const component = this.plant.nodeComponents[element % this.perNode];
      const type = component.type;
      const kind = NODE_COMPONENT_KINDS[type];
      if (!kind) throw new Error(`no fault kind for component type ${type}`);
      // an HA agent alone, down until the repair (systemd's or the operator's restart)
      if (type === 'agent') return [parsed(kind, node, { component: component.process! })];
      if (type === 'process') {
        // the service: the first declared process (absent: the host's one process)
        const processes = this.world.node(node).processes;
        if (processes !== undefined) {
          const service = processes.specs[0];
          return [parsed(kind, node, service.startedByDesign ? { component: service.name, restartAfter: 'supervisor' } : { component: service.name })];
        }
      }
      return [parsed(kind, node)];
    }
    const shared = this.plant.shared[element - nodeCount * this.perNode];
    return SHARED_KINDS[shared.kind].map((kind) => parsed(kind, `${shared.kind}:${shared.name}`));
  }
}

function parsed(kind: string, target: string, fields: Record<string, string> = {}): ElementFault {
  return { kind: faultKind(kind)!, spec: parseFault({ at: '0s', kind, target, ...fields }, 0, UNBOUNDED, SOURCE) };
}
