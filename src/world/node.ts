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
 *
 * A host whose design declares several processes (processes.ts) can lose one of them while it
 * and the others live (`crashComponent`): that process's events are dropped, connections to it
 * are refused, its TCP peers get a reset, and its timers of a previous life never fire.
 */
import type { NodeState } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';
import type { SimEvent } from '../sim/queue.ts';
import { TRACE_TIMER } from '../sim/trace-codes.ts';
import type { Actor, Msg, TimerHandle } from './actor.ts';
import { BootContext } from './boot-context.ts';
import { LocalClock } from './clock.ts';
import type { ProcessSpec } from './design.ts';
import type { Disk } from './disk.ts';
import type { Endpoint } from './network.ts';
import { NodeConditions } from './node-conditions.ts';
import { cancelComponentRestarts, crashComponent, startBySupervisor, startComponent } from './node-components.ts';
import { HostProcesses } from './processes.ts';
import type { World } from './world.ts';

/** A timer is its own heap event (`run` fires it, `arg` is the timer): one object per timer. */
export interface Timer extends TimerHandle, SimEvent {
  /** The boot the timer belongs to: it never fires in a later one. */
  incarnation: number;
  data: unknown;
  /** Its process on a host with several (0 otherwise), and that process's life when set. */
  proc: number;
  procIncarnation: number;
}

export class SimNode extends NodeConditions implements Endpoint {
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
  /** Power cuts in force (power-domain loss, fencing, manual power-off). */
  powerCuts = 0;
  /** Pause faults in force: the first pauses the process, the last resumes it. */
  private pauses = 0;
  /** A supervisor restarts a crashed process after this long (undefined: nobody does). */
  supervisedRestart: Micros | undefined;
  readonly index: number;
  private pendingRestart: SimEvent | undefined;
  /** The armed watchdog's reset, if any (see `NodeContext.armWatchdog`). */
  private watchdog: SimEvent | undefined;

  /** The host's processes, when its design declares several (undefined: one process). */
  readonly processes: HostProcesses | undefined;
  /** Whether the network must tell its processes' connections apart (Endpoint). */
  readonly severalProcesses: boolean;

  constructor(
    readonly id: string,
    readonly world: World,
    readonly disk: Disk,
    index: number,
    processes?: readonly ProcessSpec[],
  ) {
    super();
    this.index = index;
    this.processes = processes && processes.length > 0 ? new HostProcesses(processes) : undefined;
    this.severalProcesses = this.processes !== undefined;
  }

  /** Starts the process (power must be on). */
  boot(reason: string): void {
    if (this.powerCuts > 0 || this.state === 'up' || this.state === 'paused') return;
    this.incarnation++;
    this.held = [];
    this.stuckThreads = undefined;
    this.processes?.reset();
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
   * On a host with a kernel entry (ProcessSpec.kernel: DRBD) every process dies alone
   * (`crashComponent`, each restarted as its own kill would be) and the host, its kernel and the
   * Actor's kernel state live on; elsewhere the whole Actor dies and the next boot makes a new one.
   */
  crashProcess(reason: string, restart: Micros | 'supervisor' | 'never' = 'supervisor'): void {
    if (this.state === 'off') return;
    const procs = this.processes;
    if (procs && procs.userProcesses < procs.specs.length && (this.state === 'up' || this.state === 'paused')) {
      // the host's kernel (DRBD) lives on: every process dies alone, each restarted as its own
      // kill would be, and the Actor keeps the kernel's state
      for (let i = 0; i < procs.specs.length; i++) if (!procs.isKernel(i)) this.crashComponent(procs.nameOf(i), reason, restart);
      return;
    }
    this.crashWhole(reason, restart);
  }

  /** Every process of the host ends together, the Actor with them (the kernel's state too). */
  private crashWhole(reason: string, restart: Micros | 'supervisor' | 'never'): void {
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
    if (this.state === 'crashed') return this.boot(reason);
    const procs = this.processes;
    if (!procs || procs.userProcesses === procs.specs.length) return;
    // a host with a kernel entry lost its processes alone (crashProcess): start each dead one
    for (let i = 0; i < procs.specs.length; i++) if (!procs.isKernel(i) && !procs.isRunning(i)) this.startComponent(procs.nameOf(i), reason);
  }

  /** Restarts a running process at once, e.g. to load a changed configuration. */
  restartProcess(reason: string): void {
    if (this.state !== 'up' && this.state !== 'paused') return;
    // every process at once, even beside a kernel entry (crashProcess would leave the cluster
    // stack silent): the Actor is booted afresh, so the kernel's volatile state restarts too
    this.crashWhole(reason, 'never');
    this.boot(reason);
  }

  /**
   * SIGTERM: the process runs its shutdown path (`Actor.onStop`) and exits when it says so,
   * or is killed after `stopTimeout` (systemd TimeoutStopSec); it then ends as a killed process
   * does. `component`: only that process of the host. `restart` as for `crashProcess`.
   */
  stopProcess(reason: string, restart: Micros | 'supervisor' | 'never', stopTimeout: Micros, component?: string): void {
    if (this.state !== 'up' && this.state !== 'paused') return;
    const procs = this.processes;
    if (component !== undefined && !procs?.isRunning(procs.indexOf(component))) return;
    const incarnation = this.incarnation;
    const life = component === undefined ? 0 : procs!.incarnations[procs!.indexOf(component)];
    let exited = false;
    const exit = () => {
      if (exited || incarnation !== this.incarnation) return;
      if (component !== undefined && procs!.incarnations[procs!.indexOf(component)] !== life) return;
      exited = true;
      // a stop of every process is an orderly shutdown: the design's stop path took its kernel
      // side down too (Pacemaker stops DRBD with the resources), so the whole Actor ends
      if (component === undefined) this.crashWhole(reason, restart);
      else this.crashComponent(component, reason, restart);
    };
    const sim = this.world.sim;
    sim.after(stopTimeout, exit);
    const actor = this.actor;
    const term = () => {
      if (incarnation !== this.incarnation) return;
      if (actor?.onStop) actor.onStop(component, () => sim.after(0, exit));
      else exit();
    };
    // the signal handler runs like any event: held while the process is frozen; a deadlocked
    // main thread never runs it (killed at the timeout)
    if (component === undefined) this.dispatch('sigterm', term);
    else if (this.state === 'paused') this.held.push(term);
    else this.world.runGuarded(this, term);
  }

  // --- one process of several (processes.ts) ----------------------------------------------

  /** The index of the process that handles events of `kind` (its thread's process). */
  processOfKind(kind: string): number {
    return this.processes!.processOfThread(this.actor?.threadOf?.(kind) ?? 'main');
  }

  private processRunsKind(kind: string): boolean {
    return this.processes!.isRunning(this.processOfKind(kind));
  }

  /** Whether process `index` still runs in incarnation `incarnation` (a process context's check). */
  processAlive(index: number, incarnation: number): boolean {
    const procs = this.processes;
    return procs !== undefined && procs.incarnations[index] === incarnation && procs.isRunning(index);
  }

  /**
   * kill -9 of one process while the host and its other processes live (node-components.ts).
   * `restart` as for `crashProcess`, with the process's own supervised restart delay.
   */
  crashComponent(name: string, reason: string, restart: Micros | 'supervisor' | 'never' | 'on-request' = 'supervisor'): void {
    crashComponent(this, name, reason, restart);
  }

  /** The design's supervisor starts a dead process, unless the fault that killed it holds it down. */
  startBySupervisor(name: string): boolean {
    return startBySupervisor(this, name);
  }

  /** Starts one dead process again (no-op when it runs, or when the host is down). */
  startComponent(name: string, reason: string): void {
    startComponent(this, name, reason);
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
    for (const run of held) this.runOrHold(run);
  }

  /**
   * Deadlocks the running process: from now only `threads` run, events of every other thread
   * wait forever. Returns the process's incarnation (undefined if none runs), which
   * `killHung` takes, so a process that died and came back meanwhile is left alone.
   */
  hang(threads: readonly string[]): number | undefined {
    if (this.state !== 'up' && this.state !== 'paused') return undefined;
    // the kernel's threads (DRBD) are no process's: a deadlock of the processes leaves them running
    this.stuckThreads = new Set(this.processes ? [...threads, ...this.processes.kernelThreads] : threads);
    return this.incarnation;
  }

  /** A watchdog (or the operator) kills the process hung as `incarnation` and restarts it. */
  killHung(incarnation: number, reason: string, restartAfter: Micros | 'supervisor'): void {
    // still hung: a supervisor may have killed the hung process of a host that runs several
    if (this.incarnation !== incarnation || this.stuckThreads === undefined) return;
    const procs = this.processes;
    const stalled = procs?.stalled(this.stuckThreads);
    if (!procs || !stalled || stalled.length === procs.userProcesses) return this.crashProcess(reason, restartAfter);
    // another process runs on (keepalived, the cluster stack): only the hung ones are killed
    this.stuckThreads = undefined;
    for (const index of stalled) this.crashComponent(procs.nameOf(index), reason, restartAfter);
  }

  /** The threads still running under a deadlock (undefined: not deadlocked). */
  get runningThreads(): ReadonlySet<string> | undefined {
    return this.stuckThreads;
  }

  /** The deadlock is over: the only stalled process was killed (node-components.ts). */
  endDeadlock(): void {
    this.stuckThreads = undefined;
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
    cancelComponentRestarts(this);
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
    // a packet to a virtual IP this host no longer has (reached through a client's stale ARP
    // entry) is not for it: the kernel drops it, no reset (Linux without ip_forward)
    if (msg.vip !== undefined && !this.world.routing.holds(this.id, msg.vip as string)) return;
    if (this.state === 'crashed' || this.state === 'off') {
      // no process listens: a living kernel refuses a TCP connection with a reset (a
      // datagram is dropped); a host without power answers nothing
      if (this.state === 'crashed' && this.powerCuts === 0) this.world.network.refuse(this.id, from, msg);
      return;
    }
    if (this.processes?.down && !this.processRunsKind(msg.type)) {
      // the host lives but the process behind this port is dead: the kernel refuses
      this.world.network.refuse(this.id, from, msg, this.processes.nameOf(this.processOfKind(msg.type)));
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

  /** The network's reset of a connection (Endpoint): see `connectionReset`. */
  reset(from: string, _about: Msg | undefined, process?: string): void {
    this.connectionReset(from, process);
  }

  /**
   * The kernel reset this node's connection to `peer` (its process died, or refused us);
   * `process` names which of the peer's processes, when its host runs several.
   */
  connectionReset(peer: string, process?: string): void {
    const incarnation = this.incarnation;
    this.dispatch('connection-reset', () => {
      if (incarnation === this.incarnation) this.actor?.onConnectionReset?.(peer, process);
    });
  }

  private answerHealthCheck(from: string, msg: Msg): void {
    const healthy = this.actor?.healthy?.() ?? true;
    this.world.network.send(this.id, from, { type: 'health-result', checkId: msg.checkId, healthy });
  }

  /** Runs `run` as the handling of an event of `kind`, or holds it. */
  dispatch(kind: string, run: () => void): void {
    if (this.state !== 'up' && this.state !== 'paused') return;
    if (this.processes?.down && !this.processRunsKind(kind)) return; // its process is dead
    if (this.stuckThreads) {
      const thread = this.actor?.threadOf?.(kind) ?? 'main';
      if (!this.stuckThreads.has(thread)) return; // stuck forever (until restart)
    }
    if (this.slowdownUs > 0) {
      const incarnation = this.incarnation;
      this.world.sim.after(this.slowdownUs, () => {
        if (incarnation === this.incarnation) this.runOrHold(run);
      });
      return;
    }
    this.runOrHold(run);
  }

  /** Runs `run` now, or holds it until the process resumes (frozen). */
  runOrHold(run: () => void): void {
    if (this.state === 'paused') this.held.push(run);
    else if (this.state === 'up') this.world.runGuarded(this, run);
  }

  /**
   * A timer of this boot (`incarnation`). On a host with several processes it belongs to the
   * process of its kind's thread, or to `process` (a process context's), and dies with that
   * process's life (`processIncarnation`, default its current one).
   */
  setTimer(incarnation: number, delay: Micros, kind: string, data: unknown, process?: number, processIncarnation?: number): Timer {
    const real = this.clock.realDelay(Math.max(0, delay));
    // a timer belongs to the process of its thread: it dies with that process's incarnation
    const procs = this.processes;
    const proc = procs ? (process ?? this.processOfKind(kind)) : 0;
    const procIncarnation = procs ? (processIncarnation ?? procs.incarnations[proc]) : 0;
    const sim = this.world.sim;
    const timer: Timer = { time: sim.now + (real > 0 ? Math.round(real) : 0), seq: 0, cancelled: false, run: this.fireTimer, arg: undefined, kind, incarnation, data, proc, procIncarnation };
    timer.arg = timer;
    return sim.schedule(timer);
  }

  /**
   * Every timer's event: the timer rides as the event's argument, so setting a timer allocates
   * no closure (timers are a large share of a run's events).
   */
  private readonly fireTimer = (timer: Timer): void => {
    if (timer.incarnation !== this.incarnation) return;
    if (this.processes && this.processes.incarnations[timer.proc] !== timer.procIncarnation) return;
    const sim = this.world.sim;
    sim.trace.add(sim.now, TRACE_TIMER, this.index, 0, sim.trace.id(timer.kind));
    if (this.state === 'up' && this.stuckThreads === undefined && this.slowdownUs === 0) {
      this.world.runTimer(this, timer.kind, timer.data);
      return;
    }
    this.dispatch(timer.kind, () => {
      if (timer.incarnation === this.incarnation) this.actor?.onTimer?.(timer.kind, timer.data);
    });
  };
}
