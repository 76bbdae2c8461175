/**
 * One process of several dying and starting while its host lives (processes.ts holds which run):
 * a `process-crash` with `component`, a process that exits by itself, its supervisor (systemd,
 * or the design's own, as Pacemaker starts its resources) starting it again. What the kernel
 * does when one process dies: its events stop, the Actor drops that process's volatile state
 * (`onProcessExit`), its TCP peers get a reset, and the host keeps its addresses and page cache.
 * SimNode (node.ts) calls these; whole-host deaths stay in node.ts.
 */
import type { Micros } from '../sim/time.ts';
import { TRACE_PROCESS_STATE } from '../sim/trace-codes.ts';
import type { SimNode } from './node.ts';

/** Trace id of a process's state changes (`<process>:up`, `<process>:crashed`). */
const processState = (name: string, state: 'up' | 'crashed') => `${name}:${state}`;

/**
 * kill -9 of process `name` of `node`'s host. `restart`: after a delay, by systemd
 * ('supervisor', with the process's own restart delay, unless only the design starts it), only
 * at the design's request ('on-request'), or 'never' (held down until the fault ends).
 */
export function crashComponent(node: SimNode, name: string, reason: string, restart: Micros | 'supervisor' | 'never' | 'on-request'): void {
  const procs = node.processes;
  const index = procs?.indexOf(name) ?? -1;
  if (!procs || index < 0) throw new Error(`node ${node.id} runs no process ${name}`);
  if (procs.isKernel(index)) throw new Error(`node ${node.id}: ${name} is the host's kernel, which no process kill reaches`);
  if (node.state !== 'up' && node.state !== 'paused') return;
  // killed for good (no restart): it will not come up until the fault ends
  procs.heldDown[index] = restart === 'never';
  if (procs.kill(index)) {
    // a deadlock of this process alone ends with it (its supervisor killed the hung process)
    const running = node.runningThreads;
    if (running && procs.onlyStuck(index, running)) node.endDeadlock();
    recordProcessState(node, name, 'crashed', reason);
    const actor = node.actor;
    if (actor?.onProcessExit) node.world.runGuarded(node, () => actor.onProcessExit!(name));
    node.world.network.resetConnectionsOf(node.id, (type) => node.processOfKind(type) === index, name);
  }
  const spec = procs.specs[index];
  // 'on-request': it ended by itself; only the design's supervisor starts it (startBySupervisor);
  // so does 'supervisor' for a process only the design starts (Pacemaker's resources)
  const bySystemd = restart === 'supervisor' && !spec.startedByDesign;
  const after = bySystemd ? (spec.supervisedRestart ?? node.supervisedRestart) : restart === 'supervisor' || restart === 'never' || restart === 'on-request' ? undefined : restart;
  if (after === undefined) return;
  const sim = node.world.sim;
  sim.cancel(procs.restarts[index]);
  const hostIncarnation = node.incarnation;
  procs.restarts[index] = sim.after(after, () => {
    procs.restarts[index] = undefined;
    if (hostIncarnation === node.incarnation) startComponent(node, name, 'restarted');
  });
}

/** The design's supervisor starts a dead process, unless the fault that killed it holds it down. */
export function startBySupervisor(node: SimNode, name: string): boolean {
  const procs = node.processes;
  const index = procs?.indexOf(name) ?? -1;
  if (!procs || index < 0) return true;
  if (procs.isRunning(index)) return true;
  if (procs.heldDown[index]) return false;
  startComponent(node, name, 'started by its supervisor');
  return procs.isRunning(index);
}

/** Starts one dead process again (no-op when it runs, or when the host is down). */
export function startComponent(node: SimNode, name: string, reason: string): void {
  const procs = node.processes;
  const index = procs?.indexOf(name) ?? -1;
  if (!procs || index < 0 || (node.state !== 'up' && node.state !== 'paused')) return;
  if (!procs.start(index)) return;
  recordProcessState(node, name, 'up', reason);
  const actor = node.actor;
  const incarnation = node.incarnation;
  // held while the host is frozen, like any event
  node.runOrHold(() => {
    if (incarnation === node.incarnation && procs.isRunning(index)) actor?.onProcessStart?.(name);
  });
}

/** The host died: no supervised restart of one of its processes is pending any more. */
export function cancelComponentRestarts(node: SimNode): void {
  const procs = node.processes;
  if (!procs) return;
  for (let i = 0; i < procs.restarts.length; i++) {
    node.world.sim.cancel(procs.restarts[i]);
    procs.restarts[i] = undefined;
  }
}

function recordProcessState(node: SimNode, name: string, state: 'up' | 'crashed', reason: string): void {
  const sim = node.world.sim;
  sim.trace.add(sim.now, TRACE_PROCESS_STATE, node.index, sim.trace.id(processState(name, state)));
  node.world.note(node.id, `${name} ${state === 'up' ? 'started' : 'died'}: ${reason}`);
}
