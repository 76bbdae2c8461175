/**
 * The processes of one host, when its design declares several (`NodeSpec.processes`): which
 * of the Actor's threads each owns, which are running, and each one's incarnation. The node
 * (node.ts) consults it to drop the events of a dead process and to kill or start one process
 * while the host and the others live:
 *
 *   host up ──┬── trading-service (threads main, health)   running, incarnation 3
 *             └── keepalived      (thread heartbeat)       dead since t, restart pending
 *
 * A whole-host death (crash, power loss) or a `process-crash` without `component` ends every
 * process at once; the next boot starts them all afresh. A `kernel` entry (ProcessSpec.kernel:
 * DRBD's receiving side) is the host's kernel, not a process: no kill reaches it (a
 * `process-crash` without `component` kills each process alone and leaves the host up), and it
 * runs through a deadlock of the processes; it dies only with the host. A design that declares no processes
 * has none of this: its node is one process, as it always was.
 */
import type { SimEvent } from '../sim/queue.ts';
import type { ProcessSpec } from './design.ts';

export class HostProcesses {
  private readonly ofThread = new Map<string, number>();
  /** Whether each process runs. */
  private readonly running: boolean[];
  /** Bumped at every death and start of each process: its timers carry the one they were set in. */
  readonly incarnations: number[];
  /** A pending supervised restart per process. */
  readonly restarts: (SimEvent | undefined)[];
  /** Killed by a fault that keeps it down until the fault ends: a supervisor cannot start it. */
  readonly heldDown: boolean[];
  /** How many processes are dead while the host lives (0 on the hot path). */
  down = 0;
  /** The threads of the host's kernel (`kernel` entries), which no process's death or deadlock stops. */
  readonly kernelThreads: readonly string[];
  /** How many entries are processes (not the kernel): a kill or deadlock of all of them is the whole service's. */
  readonly userProcesses: number;

  constructor(readonly specs: readonly ProcessSpec[]) {
    specs.forEach((spec, i) => {
      for (const thread of spec.threads) if (!this.ofThread.has(thread)) this.ofThread.set(thread, i);
    });
    this.running = specs.map(() => true);
    this.incarnations = specs.map(() => 0);
    this.restarts = specs.map(() => undefined);
    this.heldDown = specs.map(() => false);
    this.kernelThreads = specs.flatMap((spec) => (spec.kernel ? spec.threads : []));
    this.userProcesses = specs.filter((spec) => !spec.kernel).length;
  }

  isKernel(index: number): boolean {
    return this.specs[index].kernel === true;
  }

  /** The process that runs `thread` (the first process owns threads no process names). */
  processOfThread(thread: string): number {
    return this.ofThread.get(thread) ?? 0;
  }

  indexOf(name: string): number {
    return this.specs.findIndex((spec) => spec.name === name);
  }

  nameOf(index: number): string {
    return this.specs[index].name;
  }

  isRunning(index: number): boolean {
    return this.running[index];
  }

  /**
   * Whether a deadlock that leaves `running` threads running stalls process `index` alone: every
   * other process runs all its threads (so killing `index` ends the deadlock).
   */
  onlyStuck(index: number, running: ReadonlySet<string>): boolean {
    return this.stalled(running).every((i) => i === index);
  }

  /** The processes a deadlock that leaves `running` threads running stalls (a thread of theirs is stuck). */
  stalled(running: ReadonlySet<string>): number[] {
    const out: number[] = [];
    this.specs.forEach((spec, i) => {
      if (spec.threads.some((thread) => !running.has(thread))) out.push(i);
    });
    return out;
  }

  /** Marks process `index` dead; false if it already was, or if it is the kernel (which no kill reaches). */
  kill(index: number): boolean {
    if (!this.running[index] || this.isKernel(index)) return false;
    this.running[index] = false;
    this.incarnations[index]++;
    this.down++;
    return true;
  }

  /** Marks process `index` running again; false if it already was. */
  start(index: number): boolean {
    this.heldDown[index] = false;
    if (this.running[index]) return false;
    this.running[index] = true;
    this.incarnations[index]++;
    this.down--;
    return true;
  }

  /** The host died or booted: every process is (about to be) started afresh. */
  reset(): void {
    for (let i = 0; i < this.running.length; i++) {
      if (!this.running[i]) this.down--;
      this.running[i] = true;
      this.heldDown[i] = false;
      this.incarnations[i]++;
    }
  }
}
