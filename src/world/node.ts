/**
 * A simulated server: its process (the design's Actor, recreated at every boot), its power and
 * process state, its disk and its local clock. The node decides whether an event reaches the
 * process:
 *
 *   crashed / off  -> dropped (the process is gone)
 *   paused         -> held, delivered in order on resume (GC or VM stall)
 *   deadlocked     -> held forever unless the event's thread still runs
 *   leaking memory -> delivered late (the service slows down)
 *
 * Each boot gets a fresh context bound to that boot's incarnation, so timers and callbacks of
 * a previous life can never act.
 */
import type { Role, NodeState } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';
import type { SimEvent } from '../sim/queue.ts';
import type { Actor, FenceAction, Msg, NodeContext, OrderRequest, TimerHandle } from './actor.ts';
import type { ParamValues } from './design.ts';
import type { Disk } from './disk.ts';
import { EXCHANGE_SENT, FENCE_SENT, ORDER_ACKED, VIP_CLAIMED, type Probe } from './probes.ts';
import { LocalClock } from './clock.ts';
import type { World } from './world.ts';
import { TRACE_TIMER } from '../sim/trace-codes.ts';

interface Timer extends TimerHandle {
  event: SimEvent;
}

export class SimNode {
  state: NodeState = 'off';
  /** Bumped at every boot and every death; events carry the incarnation they belong to. */
  incarnation = 0;
  bootCount = 0;
  actor: Actor | undefined;
  readonly clock = new LocalClock();
  /** Events held while paused, in arrival order. */
  private held: (() => void)[] = [];
  /** Threads still running under a deadlock (undefined: no deadlock). */
  private stuckThreads: ReadonlySet<string> | undefined;
  /** Extra processing delay per event (memory leak, swapping): the sum of every fault's share. */
  private slowdownUs: Micros = 0;
  /** Power cuts in force (power-domain loss, fencing, manual power-off). */
  powerCuts = 0;
  /** Pause faults in force: the first pauses the process, the last resumes it. */
  private pauses = 0;
  /** Parameter overrides of configuration errors in force, applied at boot, in order. */
  private configLayers: ParamValues[] = [];
  /** Configuration errors in force that point the node at a wrong peer address. */
  private wrongPeers = 0;
  /** Market-data feed failures in force for this node. */
  private feedCuts = 0;
  /** A supervisor restarts a crashed process after this long (undefined: nobody does). */
  supervisedRestart: Micros | undefined;
  readonly index: number;
  private pendingRestart: SimEvent | undefined;
  /** The armed watchdog's reset, if any (see `NodeContext.armWatchdog`). */
  private watchdog: SimEvent | undefined;

  constructor(
    readonly id: string,
    readonly world: World,
    readonly disk: Disk,
    index: number,
  ) {
    this.index = index;
  }

  /** Starts the process (power must be on). */
  boot(reason: string): void {
    if (this.powerCuts > 0 || this.state === 'up' || this.state === 'paused') return;
    this.incarnation++;
    this.held = [];
    this.stuckThreads = undefined;
    this.setState('up', reason);
    const first = this.bootCount === 0;
    const ctx = new BootContext(this, this.incarnation);
    this.bootCount++;
    this.actor = this.world.createActor(ctx, this.configOverrides);
    this.dispatch('boot', () => (first ? this.actor!.onStart?.() : (this.actor!.onRecover ?? this.actor!.onStart)?.call(this.actor)));
  }

  /**
   * kill -9: volatile state lost, disk kept. `restart` says who brings it back: after a given
   * delay, the design's own `supervisor` (if it has one), or `never` (someone starts it later).
   */
  crashProcess(reason: string, restart: Micros | 'supervisor' | 'never' = 'supervisor'): void {
    if (this.state === 'off') return;
    if (this.state !== 'crashed') this.die('crashed', reason);
    const after = restart === 'supervisor' ? this.supervisedRestart : restart === 'never' ? undefined : restart;
    if (after !== undefined) this.scheduleRestart(after);
  }

  scheduleRestart(after: Micros): void {
    this.world.sim.cancel(this.pendingRestart);
    this.pendingRestart = this.world.sim.after(after, () => {
      this.pendingRestart = undefined;
      if (this.state === 'crashed') this.boot('restarted');
    });
  }

  powerOff(reason: string): void {
    this.powerCuts++;
    if (this.state !== 'off') this.die('off', reason);
  }

  /** Lifts one power cut; boots when none is left. */
  powerOn(reason: string): void {
    if (this.powerCuts > 0) this.powerCuts--;
    if (this.powerCuts === 0 && this.state === 'off') {
      this.state = 'crashed'; // powered but not yet booted
      this.boot(reason);
    }
  }

  /** Starts the process again now (no-op when it runs, or when the node has no power). */
  startProcess(reason: string): void {
    if (this.state === 'crashed') this.boot(reason);
  }

  /** Restarts a running process at once, e.g. to load a changed configuration. */
  restartProcess(reason: string): void {
    if (this.state !== 'up' && this.state !== 'paused') return;
    this.crashProcess(reason, 'never');
    this.boot(reason);
  }

  /**
   * Freezes the process (GC, VM stall, SIGSTOP). Counted: the first pause freezes it, and only
   * the last `resume` lets it run again, so overlapping stalls each heal their own part.
   */
  pause(): void {
    if (++this.pauses === 1 && this.state === 'up') this.setState('paused', 'paused');
  }

  /** Lifts one pause; the process runs again when none is left. */
  resume(): void {
    if (this.pauses > 0) this.pauses--;
    if (this.pauses > 0 || this.state !== 'paused') return;
    this.setState('up', 'resumed');
    const held = this.held;
    this.held = [];
    for (const run of held) this.dispatchNow(run);
  }

  /**
   * Deadlocks the running process: from now only `threads` run, events of every other thread
   * wait forever. Returns the process's incarnation (undefined if none runs), which
   * `killHung` takes, so a process that died and came back meanwhile is left alone.
   */
  hang(threads: readonly string[]): number | undefined {
    if (this.state !== 'up' && this.state !== 'paused') return undefined;
    this.stuckThreads = new Set(threads);
    return this.incarnation;
  }

  /** A watchdog (or the operator) kills the process hung as `incarnation` and restarts it. */
  killHung(incarnation: number, reason: string, restartAfter: Micros | 'supervisor'): void {
    if (this.incarnation === incarnation) this.crashProcess(reason, restartAfter);
  }

  /** The threads still running under a deadlock (undefined: not deadlocked). */
  get runningThreads(): ReadonlySet<string> | undefined {
    return this.stuckThreads;
  }

  /** Adds `delay` to the handling of every event (a memory leak's share); `unslow` takes it back. */
  slow(delay: Micros): void {
    this.slowdownUs = Math.max(0, this.slowdownUs + delay);
  }

  unslow(delay: Micros): void {
    this.slowdownUs = Math.max(0, this.slowdownUs - delay);
  }

  /** Extra processing delay per event now. */
  get slowdown(): Micros {
    return this.slowdownUs;
  }

  /**
   * Configures the node with wrong parameter values from its next boot on; returns the layer
   * to pass to `restoreConfig`. Overlapping errors stack, later ones win.
   */
  overrideConfig(values: ParamValues): ParamValues {
    const layer = { ...values };
    this.configLayers.push(layer);
    return layer;
  }

  restoreConfig(layer: ParamValues): void {
    this.configLayers = this.configLayers.filter((l) => l !== layer);
  }

  /** The parameter overrides a boot applies now (undefined: none). */
  get configOverrides(): ParamValues | undefined {
    return this.configLayers.length === 0 ? undefined : Object.assign({}, ...this.configLayers);
  }

  /** Points the node at a wrong peer address (counted; `fixPeer` undoes one). */
  misconfigurePeer(): void {
    this.wrongPeers++;
  }

  fixPeer(): void {
    if (this.wrongPeers > 0) this.wrongPeers--;
  }

  /** Whether the node is configured with a wrong peer address. */
  get wrongPeer(): boolean {
    return this.wrongPeers > 0;
  }

  /** The node's market-data feed fails (counted; `restoreFeed` undoes one). */
  cutFeed(): void {
    this.feedCuts++;
  }

  restoreFeed(): void {
    if (this.feedCuts > 0) this.feedCuts--;
  }

  get feedUp(): boolean {
    return this.feedCuts === 0;
  }

  /** Arms the host watchdog for `timeout` (undefined: disarms it). */
  armWatchdog(timeout: Micros | undefined): void {
    const sim = this.world.sim;
    sim.cancel(this.watchdog);
    this.watchdog = timeout === undefined ? undefined : sim.after(timeout, this.watchdogReset);
  }

  private readonly watchdogReset = (): void => {
    this.watchdog = undefined;
    if (this.powerCuts > 0) return;
    this.powerOff('watchdog reset');
    this.world.sim.after(this.world.topology.bootTime ?? 30_000_000, () => this.powerOn('booted after watchdog reset'));
  };

  private die(state: 'crashed' | 'off', reason: string): void {
    if (state === 'off') this.armWatchdog(undefined);
    this.incarnation++;
    this.held = [];
    this.actor = undefined;
    this.stuckThreads = undefined;
    // a dead process leaves its writes in the page cache; a dead host loses them
    if (state === 'crashed') this.disk.processDied();
    else this.disk.crash();
    this.setState(state, reason);
    this.world.roleLost(this.id);
    // the living kernel closes the dead process's sockets: its peers see a reset at once;
    // a dead host says nothing, and its peers find out by their own timeouts
    if (state === 'crashed') this.world.network.resetConnectionsOf(this.id);
  }

  private setState(state: NodeState, reason: string): void {
    this.state = state;
    this.world.recordNodeState(this.id, state, reason);
  }

  /** Delivers a message from the network to the process, subject to the node's state. */
  receive(from: string, msg: Msg): void {
    if (this.state === 'crashed' || this.state === 'off') {
      // no process listens: a living kernel refuses a TCP connection with a reset (a
      // datagram is dropped); a host without power answers nothing
      if (this.state === 'crashed' && this.powerCuts === 0) this.world.network.refuse(this.id, from, msg);
      return;
    }
    if (this.state === 'up' && this.stuckThreads === undefined && this.slowdownUs === 0 && msg.type !== 'fence-result' && msg.type !== 'health-check') {
      // the common case, without allocating a closure
      this.world.runMessage(this, from, msg);
      return;
    }
    const incarnation = this.incarnation;
    this.dispatch(msg.type, () => {
      if (incarnation !== this.incarnation) return;
      if (msg.type === 'fence-result') this.world.power.onResult(this, msg);
      else if (msg.type === 'health-check') this.answerHealthCheck(from, msg);
      else this.actor?.onMessage(from, msg);
    });
  }

  /** The kernel reset this node's connection to `peer` (its process died, or refused us). */
  connectionReset(peer: string): void {
    const incarnation = this.incarnation;
    this.dispatch('connection-reset', () => {
      if (incarnation === this.incarnation) this.actor?.onConnectionReset?.(peer);
    });
  }

  private answerHealthCheck(from: string, msg: Msg): void {
    const healthy = this.actor?.healthy?.() ?? true;
    this.world.network.send(this.id, from, { type: 'health-result', checkId: msg.checkId, healthy });
  }

  /** Runs `run` as the handling of an event of `kind`, or holds it. */
  dispatch(kind: string, run: () => void): void {
    if (this.state !== 'up' && this.state !== 'paused') return;
    if (this.stuckThreads) {
      const thread = this.actor?.threadOf?.(kind) ?? 'main';
      if (!this.stuckThreads.has(thread)) return; // stuck forever (until restart)
    }
    if (this.slowdownUs > 0) {
      const incarnation = this.incarnation;
      this.world.sim.after(this.slowdownUs, () => {
        if (incarnation === this.incarnation) this.dispatchNow(run);
      });
      return;
    }
    this.dispatchNow(run);
  }

  private dispatchNow(run: () => void): void {
    if (this.state === 'paused') this.held.push(run);
    else if (this.state === 'up') this.world.runGuarded(this, run);
  }

  setTimer(incarnation: number, delay: Micros, kind: string, data: unknown): Timer {
    const sim = this.world.sim;
    const real = this.clock.realDelay(Math.max(0, delay));
    const timer = { kind } as Timer;
    timer.event = sim.after(real, () => {
      if (incarnation !== this.incarnation) return;
      sim.trace.add(sim.now, TRACE_TIMER, this.index, 0, sim.trace.id(kind));
      const fire = () => {
        if (incarnation === this.incarnation) this.actor?.onTimer?.(kind, data);
      };
      if (this.state === 'up' && this.stuckThreads === undefined && this.slowdownUs === 0) this.world.runGuarded(this, fire);
      else this.dispatch(kind, fire);
    });
    return timer;
  }
}

/** The context one boot of a node sees; inert once that boot's process is gone. */
class BootContext implements NodeContext {
  readonly id: string;
  readonly nodes: readonly string[];
  readonly bootCount: number;
  readonly rng;
  readonly disk: Disk;

  constructor(
    private readonly node: SimNode,
    private readonly incarnation: number,
  ) {
    this.id = node.id;
    this.nodes = node.world.nodeIds;
    this.bootCount = node.bootCount;
    this.rng = node.world.sim.rng(`node:${node.id}`);
    this.disk = node.disk;
  }

  private get alive(): boolean {
    return this.incarnation === this.node.incarnation && this.node.state === 'up';
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
    this.node.world.network.send(this.id, to, msg);
  }

  setTimer(delay: Micros, kind: string, data?: unknown): TimerHandle {
    return this.node.setTimer(this.incarnation, delay, kind, data);
  }

  cancelTimer(timer: TimerHandle | undefined): void {
    if (timer) this.node.world.sim.cancel((timer as Timer).event);
  }

  declareRole(role: Role, epoch: number, scope?: string): void {
    if (this.alive) this.node.world.declareRole(this.id, role, epoch, scope);
  }

  ackOrder(order: OrderRequest, replicas?: number): void {
    if (!this.alive) return;
    this.node.world.probes.emit(ORDER_ACKED, this.id, order.orderId);
    this.node.world.recordAckSent(this.id, order.orderId);
    const ack: Msg = { type: 'ack', orderId: order.orderId, attempt: order.attempt };
    if (replicas !== undefined) ack.replicas = replicas;
    this.node.world.network.send(this.id, order.client, ack);
  }

  rejectOrder(order: OrderRequest, reason: string, leaderHint?: string): void {
    if (!this.alive) return;
    this.node.world.network.send(this.id, order.client, { type: 'reject', orderId: order.orderId, attempt: order.attempt, reason, leaderHint });
  }

  sendToExchange(orderId: string, token?: number): void {
    if (!this.alive) return;
    this.node.world.probes.emit(EXCHANGE_SENT, this.id, orderId);
    this.node.world.network.send(this.id, 'exchange', { type: 'exchange-order', orderId, token: token ?? null });
  }

  takeVip(vip = 'vip'): void {
    if (!this.alive) return;
    this.node.world.probes.emit(VIP_CLAIMED, this.id, vip);
    this.node.world.routing.claimVip(this.id, vip);
  }

  releaseVip(vip = 'vip'): void {
    if (this.alive) this.node.world.routing.releaseVip(this.id, vip);
  }

  updateDns(target: string, deleteFor?: Micros): void {
    if (this.alive) this.node.world.routing.updateDns(target, deleteFor);
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
