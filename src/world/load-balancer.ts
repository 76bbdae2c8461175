/**
 * A load balancer in front of several active nodes (HAProxy / an L4 balancer). It health-checks
 * every backend on an interval; a check unanswered within the timeout, or answered unhealthy,
 * counts as a failure; `unhealthyThreshold` failures in a row take a backend out of rotation
 * and `healthyThreshold` successes put it back (HAProxy's `fall` 3 / `rise` 2 by default).
 * Orders are forwarded round robin to healthy backends, keeping the client's address, so the
 * node answers the client directly. With no healthy backend the order is refused.
 *
 * At start every backend is up but unproven, as with HAProxy's default `init-state up`: the
 * first failed check takes it out at once, before the usual `fall` count applies.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg } from './actor.ts';
import type { Endpoint } from './network.ts';
import { RiseFall } from './rise-fall.ts';
import type { World } from './world.ts';

interface Backend {
  node: string;
  checks: RiseFall;
  /** The check awaiting an answer, if any. */
  pendingCheck: number | undefined;
}

export interface LoadBalancerSpec {
  targets: string[];
  healthCheckInterval: Micros;
  healthCheckTimeout: Micros;
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export class LoadBalancer implements Endpoint {
  readonly id = 'lb';
  private readonly backends: Backend[];
  private next = 0;
  private nextCheck = 1;

  constructor(
    private readonly world: World,
    private readonly spec: LoadBalancerSpec,
  ) {
    // one failure short of `fall`: an unproven backend goes down on its first failed check
    const failures = Math.max(0, spec.unhealthyThreshold - 1);
    this.backends = spec.targets.map((node) => ({ node, checks: new RiseFall(spec.healthyThreshold, spec.unhealthyThreshold, failures), pendingCheck: undefined }));
  }

  start(): void {
    this.world.sim.after(this.spec.healthCheckInterval, this.checkAll);
  }

  private readonly checkAll = (): void => {
    const sim = this.world.sim;
    for (const backend of this.backends) {
      const checkId = this.nextCheck++;
      backend.pendingCheck = checkId;
      this.world.network.send(this.id, backend.node, { type: 'health-check', checkId });
      sim.after(this.spec.healthCheckTimeout, () => {
        if (backend.pendingCheck === checkId) this.result(backend, false);
      });
    }
    sim.after(this.spec.healthCheckInterval, this.checkAll);
  };

  private result(backend: Backend, healthy: boolean): void {
    backend.pendingCheck = undefined;
    const changed = backend.checks.record(healthy);
    if (changed !== undefined) this.world.history.record({ type: 'lb', time: this.world.sim.now, node: backend.node, healthy: changed });
  }


  receive(from: string, msg: Msg): void {
    if (msg.type === 'health-result') {
      const backend = this.backends.find((b) => b.node === from);
      if (backend && backend.pendingCheck === msg.checkId) this.result(backend, msg.healthy === true);
      return;
    }
    if (msg.type !== 'order' && msg.type !== 'read' && msg.type !== 'cancel') return;
    const target = this.pick();
    if (target) this.world.network.send(this.id, target, msg);
    else if (msg.type === 'order') this.world.network.send(this.id, from, { type: 'reject', orderId: msg.orderId, attempt: msg.attempt, reason: 'no-healthy-backend' });
  }

  /** A backend's kernel refused a check or a forwarded order: nothing listens there. */
  reset(from: string, about: Msg | undefined): void {
    const backend = this.backends.find((b) => b.node === from);
    if (about?.type === 'health-check') {
      if (backend && backend.pendingCheck === about.checkId) this.result(backend, false);
    } else if (about?.type === 'order') {
      // HAProxy answers the client with an error when the server refuses (no redispatch here)
      this.world.network.send(this.id, about.client as string, { type: 'reject', orderId: about.orderId, attempt: about.attempt, reason: 'connection-refused' });
    }
  }

  private pick(): string | undefined {
    for (let i = 0; i < this.backends.length; i++) {
      const backend = this.backends[(this.next + i) % this.backends.length];
      if (backend.checks.up) {
        this.next = (this.next + i + 1) % this.backends.length;
        return backend.node;
      }
    }
    return undefined;
  }

  /** Backends currently in rotation (for tests and reports). */
  healthyBackends(): string[] {
    return this.backends.filter((b) => b.checks.up).map((b) => b.node);
  }
}
