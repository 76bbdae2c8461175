/**
 * Yields to Node's event loop once: signal handlers, progress output and I/O get a turn
 * between two runs (or chunks) executed in the current thread. Orchestration only, never
 * called from simulated code: the simulation itself stays on its virtual clock.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
