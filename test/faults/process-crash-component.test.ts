/**
 * `process-crash` with `component`: one process of a host killed (world/processes.ts). The
 * field is parsed, written back, checked against the design's declared processes before any
 * run, and acts on that process alone.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule, scheduleToYaml, validateTargets } from '../../src/faults/schedule.ts';
import { installFaults } from '../../src/faults/injector.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND } from '../../src/sim/time.ts';
import { testWorld } from '../world/helpers.ts';

const YAML_TEXT = `name: kill-keepalived
duration: 20s
faults:
  - { at: 5s, kind: process-crash, target: a, component: keepalived, for: 5s }
`;

function hostsWithKeepalived(processes = true) {
  const exits: string[] = [];
  const world = testWorld({
    nodes: ['a', 'b'].map((id) => ({
      id,
      processes: processes ? [{ name: 'trading-service', threads: ['main'] }, { name: 'keepalived', threads: ['heartbeat'] }] : undefined,
    })),
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    actor: () => ({ onMessage: () => {}, onProcessExit: (p) => exits.push(p) }),
  });
  return { world, exits };
}

describe('process-crash component', () => {
  it('is parsed and written back', () => {
    const schedule = parseSchedule(YAML_TEXT, 'kill.yaml');
    expect(schedule.faults[0].component).toBe('keepalived');
    expect(scheduleToYaml(schedule)).toContain('component: keepalived');
  });

  it('must name a process the design declares, checked before the run', () => {
    const schedule = parseSchedule(YAML_TEXT, 'kill.yaml');
    expect(() => validateTargets(schedule, hostsWithKeepalived().world)).not.toThrow();
    const bad = parseSchedule(YAML_TEXT.replace('component: keepalived', 'component: sshd'), 'bad.yaml');
    expect(() => validateTargets(bad, hostsWithKeepalived().world)).toThrow(InputError);
    expect(() => validateTargets(bad, hostsWithKeepalived().world)).toThrow(/faults\[0\]\.component.*keepalived/);
    expect(() => validateTargets(schedule, hostsWithKeepalived(false).world)).toThrow(/one process per host/);
  });

  it('kills that process alone and starts it again when the fault ends', () => {
    const { world, exits } = hostsWithKeepalived();
    installFaults(world, parseSchedule(YAML_TEXT, 'kill.yaml'));
    world.start();
    world.sim.runUntil(7 * SECOND);
    const a = world.node('a');
    expect(exits).toEqual(['keepalived']);
    expect(a.state).toBe('up');
    expect(a.processes!.isRunning(a.processes!.indexOf('keepalived'))).toBe(false);
    expect(a.processes!.isRunning(a.processes!.indexOf('trading-service'))).toBe(true);
    world.sim.runUntil(12 * SECOND);
    expect(a.processes!.down).toBe(0);
  });
});
