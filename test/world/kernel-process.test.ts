/**
 * A design's kernel entry (ProcessSpec.kernel: DRBD's receiving side): not a process, so no
 * kill of one process reaches it, a deadlock of the processes leaves its threads running, a
 * fault's `component` cannot name it, and the estimate never makes it an `agent`.
 */
import { describe, expect, it } from 'vitest';
import { agentProcesses } from '../../src/estimate/plant.ts';
import { processNamesOf } from '../../src/faults/design-view.ts';
import type { ProcessSpec } from '../../src/world/design.ts';
import { HostProcesses } from '../../src/world/processes.ts';

const SPECS: ProcessSpec[] = [
  { name: 'service', threads: ['main'] },
  { name: 'stack', threads: ['heartbeat'] },
  { name: 'drbd', threads: ['drbd'], kernel: true },
];

describe('a kernel entry of a host\'s processes', () => {
  it('is never killed, and only the processes count as the host\'s user processes', () => {
    const procs = new HostProcesses(SPECS);
    const drbd = procs.indexOf('drbd');
    expect(procs.processOfThread('drbd')).toBe(drbd);
    expect(procs.kill(drbd)).toBe(false);
    expect(procs.isRunning(drbd)).toBe(true);
    expect(procs.incarnations[drbd]).toBe(0);
    expect(procs.down).toBe(0);
    expect(procs.kill(procs.indexOf('stack'))).toBe(true);
    expect(procs.down).toBe(1);
    expect(procs.userProcesses).toBe(2);
    expect(procs.kernelThreads).toEqual(['drbd']);
  });

  it('is not stalled by a deadlock that leaves the kernel\'s threads running', () => {
    const procs = new HostProcesses(SPECS);
    const running = new Set(['heartbeat', ...procs.kernelThreads]);
    expect(procs.stalled(running)).toEqual([procs.indexOf('service')]);
  });

  it('is no name a fault\'s component may take, and no agent', () => {
    expect(processNamesOf([{ id: 'a', processes: SPECS }])).toEqual(['service', 'stack']);
    expect(agentProcesses({ id: 'a', processes: SPECS }).map((p) => p.name)).toEqual(['stack']);
  });
});
