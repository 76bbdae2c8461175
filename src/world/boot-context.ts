/**
 * What one boot of a node's process sees of the world (`NodeContext`): its identity, clock,
 * disk and random stream, and every effect it can have (send, timers, roles, acks, VIPs, DNS,
 * fencing, the watchdog). Each effect first checks that its boot is still the node's current
 * one and running, so a callback left over from a previous life is inert: it can neither send
 * nor set a timer nor claim a role.
 */
import type { Role } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';
import type { FenceAction, Msg, NodeContext, OrderAcks, OrderRequest, TimerHandle } from './actor.ts';
import type { Disk } from './disk.ts';
import type { Port } from './network.ts';
import type { SimNode, Timer } from './node.ts';
import { EXCHANGE_SENT, FENCE_SENT, ORDER_ACKED, VIP_CLAIMED, type Probe } from './probes.ts';

/** The context one boot of a node sees; inert once that boot's process is gone. */
export class BootContext implements NodeContext {
  readonly id: string;
  readonly nodes: readonly string[];
  readonly bootCount: number;
  readonly rng;
  readonly disk: Disk;
  /** The node's attachment to the network: its sends skip looking it up by name. */
  private readonly port: Port;

  constructor(
    private readonly node: SimNode,
    readonly incarnation: number,
  ) {
    this.id = node.id;
    this.nodes = node.world.nodeIds;
    this.bootCount = node.bootCount;
    this.rng = node.world.sim.rng(`node:${node.id}`);
    this.disk = node.disk;
    this.port = node.world.network.port(node.id);
  }

  private get alive(): boolean {
    return this.incarnation === this.node.incarnation && this.node.state === 'up';
  }

  forProcess(name: string): NodeContext {
    const procs = this.node.processes;
    const index = procs?.indexOf(name) ?? -1;
    if (!procs) return this;
    if (index < 0) throw new Error(`node ${this.id} runs no process ${name}`);
    const incarnation = procs.incarnations[index];
    const base = this;
    const node = this.node;
    // every effect of BootContext checks `alive`: the view's also checks its process's life
    const view = Object.create(this) as BootContext;
    Object.defineProperty(view, 'alive', { get: () => base.alive && node.processAlive(index, incarnation) });
    view.setTimer = (delay, kind, data) => node.setTimer(base.incarnation, delay, kind, data, index, incarnation);
    return view;
  }

  processRunning(name: string): boolean {
    const procs = this.node.processes;
    return procs === undefined || procs.isRunning(procs.indexOf(name));
  }

  startProcess(name: string): boolean {
    return this.alive && this.node.startBySupervisor(name);
  }

  exitProcess(name: string, reason: string, restartAfter?: Micros): void {
    if (!this.alive) return;
    if (this.node.processes) this.node.crashComponent(name, reason, restartAfter ?? 'on-request');
    else this.node.crashProcess(reason, restartAfter ?? 'never');
  }

  now(): Micros {
    return this.node.clock.read(this.node.world.sim.now);
  }

  monotonic(): Micros {
    return this.node.clock.monotonic(this.node.world.sim.now);
  }

  linkUp(): boolean {
    return this.node.world.network.carrier(this.id);
  }

  send(to: string, msg: Msg): void {
    if (!this.alive) return;
    if (this.node.wrongPeer && this.node.world.isNode(to)) return; // configured with a wrong peer address
    this.node.world.network.sendFrom(this.port, to, msg);
  }

  setTimer(delay: Micros, kind: string, data?: unknown): TimerHandle {
    return this.node.setTimer(this.incarnation, delay, kind, data);
  }

  cancelTimer(timer: TimerHandle | undefined): void {
    if (timer) this.node.world.sim.cancel(timer as Timer);
  }

  declareRole(role: Role, epoch: number, scope?: string): void {
    if (this.alive) this.node.world.declareRole(this.id, role, epoch, scope);
  }

  ackOrder(order: OrderRequest, replicas?: number): void {
    if (!this.alive) return;
    this.node.world.probes.emit(ORDER_ACKED, this.id, order.orderId);
    this.node.world.recordAckSent(this.id, order.orderId);
    // built whole (adding `replicas` afterwards would allocate a property store per ack)
    const ack: Msg = replicas === undefined ? { type: 'ack', orderId: order.orderId, attempt: order.attempt } : { type: 'ack', orderId: order.orderId, attempt: order.attempt, replicas };
    this.node.world.network.sendFrom(this.port, order.client, ack);
  }

  /**
   * Replies a server produces together leave together: grpc-go's loopy writer (etcd's client
   * API) writes every frame queued on a connection and flushes once its control buffer is empty
   * (internal/transport/controlbuf.go `loopyWriter.run`, waiting for more while under
   * `minBatchSize` = 1000 bytes), so the responses to the requests one commit advance applied
   * share a write and, at a few dozen bytes each, a TCP segment. One message per client then: one
   * latency draw, one delivery, the acks in their order. Each order is still acked (probe,
   * `ack-sent`) on its own, in the given order.
   */
  ackOrders(orders: OrderRequest[]): void {
    if (!this.alive || orders.length === 0) return;
    const world = this.node.world;
    for (let i = 0; i < orders.length; i++) {
      world.probes.emit(ORDER_ACKED, this.id, orders[i].orderId);
      world.recordAckSent(this.id, orders[i].orderId);
    }
    const client = orders[0].client;
    let oneClient = true;
    for (let i = 1; i < orders.length && oneClient; i++) oneClient = orders[i].client === client;
    if (oneClient) return this.sendAcks(client, orders);
    // several clients: one message each, in the order of their first ack
    const byClient = new Map<string, OrderRequest[]>();
    for (const order of orders) {
      const group = byClient.get(order.client);
      if (group) group.push(order);
      else byClient.set(order.client, [order]);
    }
    for (const [to, group] of byClient) this.sendAcks(to, group);
  }

  private sendAcks(client: string, orders: OrderRequest[]): void {
    const msg: Msg = orders.length === 1 ? { type: 'ack', orderId: orders[0].orderId, attempt: orders[0].attempt } : ({ type: 'acks', orders } satisfies OrderAcks);
    this.node.world.network.sendFrom(this.port, client, msg);
  }

  rejectOrder(order: OrderRequest, reason: string, leaderHint?: string): void {
    if (!this.alive) return;
    this.node.world.network.sendFrom(this.port, order.client, { type: 'reject', orderId: order.orderId, attempt: order.attempt, reason, leaderHint });
  }

  sendToExchange(orderId: string, token?: number): void {
    if (!this.alive) return;
    this.node.world.probes.emit(EXCHANGE_SENT, this.id, orderId);
    this.node.world.network.sendFrom(this.port, 'exchange', { type: 'exchange-order', orderId, token: token ?? null });
  }

  takeVip(vip = 'vip'): void {
    if (!this.alive) return;
    this.node.world.probes.emit(VIP_CLAIMED, this.id, vip);
    this.node.world.routing.claimVip(this.id, vip);
  }

  releaseVip(vip = 'vip'): void {
    if (this.alive) this.node.world.routing.releaseVip(this.id, vip);
  }

  updateDns(target: string, deleteFor?: Micros): boolean {
    if (!this.alive) return false;
    // the change is an API call to the DNS provider (Route 53, nsupdate) over the node's network:
    // a node whose NIC or access switch is down cannot make it
    if (!this.node.world.network.carrier(this.id)) {
      this.note(`DNS update to ${target} failed: no network`);
      return false;
    }
    this.node.world.routing.updateDns(target, deleteFor);
    return true;
  }

  fence(target: string, action: FenceAction, timeout: Micros, done: (ok: boolean) => void): void {
    if (!this.alive) return;
    this.node.world.probes.emit(FENCE_SENT, this.id, target);
    this.node.world.power.request(this.node, this.incarnation, target, action, timeout, done);
  }

  armWatchdog(timeout: Micros | undefined): void {
    if (this.alive) this.node.armWatchdog(timeout);
  }

  marketOpen(): boolean {
    return this.node.world.exchange.open;
  }

  feedUp(): boolean {
    return this.node.feedUp;
  }

  note(text: string): void {
    if (this.alive) this.node.world.note(this.id, text);
  }

  probe(probe: Probe, subject?: string): void {
    if (this.alive) this.node.world.probes.emit(probe, this.id, subject);
  }
}
