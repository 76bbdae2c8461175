/**
 * The power controller (IPMI / a fencing device) used for STONITH. A fence request travels
 * from the requesting node to the controller over the network: over a separate management
 * network by default, or over the cluster's own switches (then a partition that cuts the
 * heartbeat path may cut the fence path too). The controller can act only if the target's BMC
 * answers, i.e. the target's power domain is up: a node that lost power cannot be fenced and
 * the fence fails, as with real IPMI. A confirmed `off` keeps the node down until someone
 * powers it on; `reboot` brings it back after the boot time. The power-off takes effect
 * `fencePowerOffTime` after the request arrives (0 by default), and is confirmed then.
 */
import type { Micros } from '../sim/time.ts';
import type { FenceAction, Msg } from './actor.ts';
import type { Endpoint } from './network.ts';
import type { SimNode } from './node.ts';
import type { World } from './world.ts';

interface Pending {
  node: SimNode;
  incarnation: number;
  done: (ok: boolean) => void;
  timeout: ReturnType<World['sim']['after']>;
  target: string;
  action: FenceAction;
}

export class PowerController implements Endpoint {
  readonly id = 'ipmi';
  private nextRequest = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly world: World,
    /** Whether fence traffic uses a separate management network (`mgmt:<node>` endpoints). */
    readonly separateNetwork: boolean,
    /** How long a rebooted node takes to come back. */
    private readonly bootTime: Micros,
    /** From receiving a power-off to the target being off (the result is sent then). */
    private readonly powerOffTime: Micros = 0,
  ) {}

  /** The endpoint a node uses to talk to the controller. */
  fenceEndpointOf(node: string): string {
    return this.separateNetwork ? `mgmt:${node}` : node;
  }

  request(node: SimNode, incarnation: number, target: string, action: FenceAction, timeout: Micros, done: (ok: boolean) => void): void {
    const requestId = this.nextRequest++;
    const sim = this.world.sim;
    const timer = sim.after(timeout, () => {
      if (!this.pending.delete(requestId)) return;
      this.world.recordFence(node.id, target, action, false);
      if (node.incarnation === incarnation) node.dispatch('fence-result', () => done(false));
    });
    this.pending.set(requestId, { node, incarnation, done, timeout: timer, target, action });
    this.world.network.send(this.fenceEndpointOf(node.id), this.id, { type: 'fence', requestId, target, action, from: node.id });
  }

  receive(from: string, msg: Msg): void {
    if (msg.type !== 'fence') return;
    const target = this.world.node(msg.target as string);
    // the BMC answers only while the target's power domain has power
    const reachable = !this.world.powerDomainDown(target.id) && this.world.network.connected(this.id, this.fenceEndpointOf(target.id));
    const answer = () => {
      if (reachable) this.act(target, msg.action as FenceAction);
      this.world.network.send(this.id, from, { type: 'fence-result', requestId: msg.requestId, ok: reachable });
    };
    // the target runs on until the power-off takes effect: it may fence its fencer meanwhile
    if (reachable && this.powerOffTime > 0) this.world.sim.after(this.powerOffTime, answer);
    else answer();
  }

  private act(target: SimNode, action: FenceAction): void {
    if (!this.world.fencedOff.has(target.id)) {
      this.world.fencedOff.add(target.id);
      target.powerOff('fenced');
    }
    if (action === 'reboot') {
      this.world.sim.after(this.bootTime, () => {
        if (this.world.fencedOff.delete(target.id)) target.powerOn('rebooted after fencing');
      });
    }
  }

  /** A fence-result reached the requesting node (through its own event dispatch). */
  onResult(node: SimNode, msg: Msg): void {
    const p = this.pending.get(msg.requestId as number);
    if (!p || p.node !== node) return;
    this.pending.delete(msg.requestId as number);
    this.world.sim.cancel(p.timeout);
    this.world.recordFence(node.id, p.target, p.action, msg.ok as boolean);
    if (node.incarnation === p.incarnation) p.done(msg.ok as boolean);
  }
}

/** The management-network side of a node: delivers fence results to it. */
export class MgmtPort implements Endpoint {
  constructor(
    readonly id: string,
    private readonly node: SimNode,
  ) {}

  receive(_from: string, msg: Msg): void {
    if (msg.type !== 'fence-result') return;
    const incarnation = this.node.incarnation;
    this.node.dispatch('fence-result', () => {
      if (incarnation === this.node.incarnation) this.node.world.power.onResult(this.node, msg);
    });
  }
}
