/**
 * Small helpers kinds share to act on the world.
 *
 * Holds: some world controls are plain flags (a disk's `full`, a node's `wrongPeer`, pause).
 * A hold counts the faults keeping a flag on, so with overlapping faults the flag is set by
 * the first and cleared by the last, and each fault heals only its own part. Counts live in a
 * WeakMap keyed by the run's own objects, so runs never share them.
 *
 * Processes: a fault that decides when a process comes back kills it without letting the
 * design's supervisor restart it first.
 */
import type { Micros } from '../sim/time.ts';
import type { SimNode } from '../world/node.ts';

const holds = new WeakMap<object, Map<string, number>>();

/** Takes a hold on `control` of `owner`; true when it is the first (apply the effect now). */
export function acquire(owner: object, control: string): boolean {
  let counts = holds.get(owner);
  if (!counts) holds.set(owner, (counts = new Map()));
  const n = (counts.get(control) ?? 0) + 1;
  counts.set(control, n);
  return n === 1;
}

/** Releases a hold; true when it was the last (undo the effect now). */
export function release(owner: object, control: string): boolean {
  const counts = holds.get(owner);
  const n = (counts?.get(control) ?? 0) - 1;
  if (n > 0) counts!.set(control, n);
  else counts?.delete(control);
  return n === 0;
}

/** kill -9, and nobody restarts it (the fault restarts it when it ends). */
export function killProcess(node: SimNode, reason: string): void {
  node.crashProcess(reason, 'never');
}

/**
 * kill -9 with a restart: after `restartAfter`, or by the design's supervisor when it is
 * `supervisor` (a design without one leaves the process down).
 */
export function killAndRestart(node: SimNode, reason: string, restartAfter: Micros | 'supervisor'): void {
  node.crashProcess(reason, restartAfter);
}

/** Starts a crashed process again now (no-op when it runs, or when the node has no power). */
export function startProcess(node: SimNode, reason: string): void {
  if (node.state === 'crashed') node.boot(reason);
}

/** Restarts a running process at once, e.g. to load a changed configuration. */
export function restartProcess(node: SimNode, reason: string): void {
  if (node.state !== 'up' && node.state !== 'paused') return;
  killProcess(node, reason);
  node.boot(reason);
}

/** Every ordered pair (a, b) with a in `from` and b in `to`, a and b distinct: the links to cut. */
export function pairsFrom(from: readonly string[], to: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const a of from) for (const b of to) if (a !== b) pairs.push([a, b]);
  return pairs;
}
