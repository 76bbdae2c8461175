/**
 * `graceful-stop` (SIGTERM): the process runs its shutdown path (`Actor.onStop`) and exits when
 * it says so, or is killed at `stopTimeout`; then it is down as after a kill -9 (its peers get
 * a reset). With `component`, one process of a host that runs several.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule, scheduleToYaml, validateTargets } from '../../src/faults/schedule.ts';
import { installFaults } from '../../src/faults/injector.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import type { Actor, NodeContext } from '../../src/world/actor.ts';
import { testWorld } from '../world/helpers.ts';

function stoppingWorld(shutdownMs: number | 'never', processes = false) {
  const log: string[] = [];
  const world = testWorld({
    nodes: [
      { id: 'a', processes: processes ? [{ name: 'service', threads: ['main'] }, { name: 'agent', threads: ['agent'] }] : undefined },
      { id: 'b' },
    ],
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    actor: (ctx: NodeContext): Actor => ({
      onStart: () => ctx.id === 'b' && ctx.send('a', { type: 'hello' }),
      onMessage: () => {},
      onStop: (process, exit) => {
        log.push(`${(world.sim.now - 1 * SECOND) / MS}ms stop ${process ?? 'all'}`);
        ctx.send('b', { type: 'goodbye' }); // the shutdown path talks before it exits
        if (shutdownMs !== 'never') ctx.setTimer(shutdownMs * MS, 'shutdown-done', exit);
      },
      onTimer: (kind, data) => kind === 'shutdown-done' && (data as () => void)(),
      onConnectionReset: (peer) => log.push(`${(world.sim.now - 1 * SECOND) / MS | 0}ms reset from ${peer}`),
    }),
  });
  return { world, log };
}

const schedule = (fields: string) => parseSchedule(`name: stop\nduration: 20s\nfaults:\n  - { at: 1s, kind: graceful-stop, target: a${fields} }\n`, 'stop.yaml');

describe('graceful-stop', () => {
  it('is parsed, written back with its non-default fields, and checks its component', () => {
    const s = schedule(', component: agent, stopTimeout: 5s, restartAfter: 2s');
    expect(scheduleToYaml(s)).toContain('kind: graceful-stop, target: a, restartAfter: 2s, component: agent, stopTimeout: 5s');
    expect(scheduleToYaml(schedule(''))).not.toContain('stopTimeout');
    expect(() => validateTargets(s, stoppingWorld(0, true).world)).not.toThrow();
    expect(() => validateTargets(s, stoppingWorld(0, false).world)).toThrow(/component/);
  });

  it('runs the shutdown path, then the process exits and its peers hear a reset', () => {
    const { world, log } = stoppingWorld(200);
    installFaults(world, schedule(''));
    world.start();
    world.sim.runUntil(1 * SECOND + 150 * MS);
    expect(world.node('a').state).toBe('up'); // still shutting down
    world.sim.runUntil(3 * SECOND);
    expect(world.node('a').state).toBe('crashed');
    expect(log[0]).toBe('0ms stop all');
    expect(log.some((l) => /^20[0-9]ms reset from a$/.test(l))).toBe(true);
  });

  it('a process that never finishes its shutdown is killed at stopTimeout', () => {
    const { world } = stoppingWorld('never');
    installFaults(world, schedule(', stopTimeout: 5s'));
    world.start();
    world.sim.runUntil(5 * SECOND);
    expect(world.node('a').state).toBe('up');
    world.sim.runUntil(6 * SECOND + 1 * MS);
    expect(world.node('a').state).toBe('crashed');
  });

  it('with component, stops that process alone', () => {
    const { world, log } = stoppingWorld(0, true);
    installFaults(world, schedule(', component: agent'));
    world.start();
    world.sim.runUntil(3 * SECOND);
    const a = world.node('a');
    expect(log[0]).toBe('0ms stop agent');
    expect(a.state).toBe('up');
    expect(a.processes!.isRunning(a.processes!.indexOf('agent'))).toBe(false);
    expect(a.processes!.isRunning(a.processes!.indexOf('service'))).toBe(true);
  });
});
