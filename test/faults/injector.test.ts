/** installFaults: when faults begin and end, what they record, and how targets resolve. */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../src/sim/time.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { faultEvents, worldWith } from './helpers.ts';

const at = (seconds: number) => seconds * SECOND;

describe('installFaults: timing and history', () => {
  it('begins a fault at `at`, ends it at `at + for`, and records both with the resolved targets', () => {
    const { world } = worldWith('  - { at: 1s, kind: crash, target: primary, for: 2s }');
    world.sim.runUntil(at(0.5));
    expect(world.node('a').state).toBe('up');
    world.sim.runUntil(at(1.5));
    expect(world.node('a').state).toBe('off');
    world.sim.runUntil(at(3.5));
    expect(world.node('a').state).toBe('up');
    expect(faultEvents(world)).toEqual(['1s begin 0 crash a', '3s end 0 crash']);
    const begin = world.history.events.find((e) => e.type === 'fault-begin');
    expect(begin).toMatchObject({ faultId: 0, kind: 'crash', targets: ['a'], detail: expect.any(String) });
  });

  it('records fault-begin before the effects it causes', () => {
    const { world } = worldWith('  - { at: 1s, kind: crash, target: a, for: 2s }');
    world.sim.runUntil(at(2));
    const types = world.history.events.filter((e) => e.time === at(1)).map((e) => e.type);
    expect(types).toEqual(['fault-begin', 'node-state']);
  });

  it('heals permanent faults, and faults lasting to the end of chaos, when chaos ends (a fault cannot outlast it)', () => {
    expect(() => worldWith('  - { at: 2s, kind: nic-down, target: b, for: 1h }', { duration: '5s' })).toThrow(/faults\[0\]\.for: expected a duration ending by the end of chaos: at most 3s/);
    const { world } = worldWith('  - { at: 1s, kind: nic-down, target: a }\n  - { at: 2s, kind: nic-down, target: b, for: 3s }', { duration: '5s' });
    world.sim.runUntil(at(4.9));
    expect(world.network.connected('a', 'client:1')).toBe(false);
    expect(world.network.connected('b', 'client:1')).toBe(false);
    world.sim.runUntil(at(5));
    expect(world.network.connected('a', 'client:1')).toBe(true);
    expect(world.network.connected('b', 'client:1')).toBe(true);
    expect(faultEvents(world)).toEqual(['1s begin 0 nic-down a', '2s begin 1 nic-down b', '5s end 0 nic-down', '5s end 1 nic-down']);
  });

  it('resolves primary when the fault fires, and skips a fault whose target names nobody then', () => {
    const { world } = worldWith('  - { at: 1s, kind: process-crash, target: primary, for: 5s }\n  - { at: 2s, kind: pause, target: primary, for: 1s }');
    world.sim.runUntil(at(7));
    expect(faultEvents(world)).toEqual(['1s begin 0 process-crash a', '2s skipped 1 pause', '6s end 0 process-crash']);
    const skipped = world.history.events.find((e) => e.type === 'fault-skipped');
    expect(skipped).toMatchObject({ faultId: 1, reason: expect.stringContaining('primary') });
  });

  it('resolves standby to the first standby and rack:/dc:/power:/switch: to every node there', () => {
    const { world } = worldWith(
      ['standby', 'rack:r1', 'dc:dc2', 'power:r2', 'switch:sw-r1'].map((t, i) => `  - { at: ${i + 1}s, kind: feed-down, target: "${t}", for: 100ms }`).join('\n'),
    );
    world.sim.runUntil(at(9));
    expect(faultEvents(world).filter((e) => e.includes('begin'))).toEqual([
      '1s begin 0 feed-down b',
      '2s begin 1 feed-down a',
      '3s begin 2 feed-down c',
      '4s begin 3 feed-down b',
      '5s begin 4 feed-down a',
    ]);
  });

  it('picks `any` from the fault stream: the same seed picks the same node', () => {
    const pick = (seed: number) => {
      const { world } = worldWith('  - { at: 1s, kind: disk-full, target: any, for: 1s }', { seed });
      world.sim.runUntil(at(1));
      return world.history.events.find((e) => e.type === 'fault-begin');
    };
    expect(pick(7)).toEqual(pick(7));
    const picked = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => (pick(seed) as { targets: string[] }).targets[0]));
    expect(picked.size).toBeGreaterThan(1);
  });

  it('mixes faults into the trace hash', () => {
    const quiet = worldWith('  - { at: 9s, kind: market-close, for: 1s }');
    const faulty = worldWith('  - { at: 1s, kind: market-close, for: 1s }');
    quiet.world.sim.runUntil(at(5));
    faulty.world.sim.runUntil(at(5));
    expect(faulty.world.sim.trace.hash()).not.toBe(quiet.world.sim.trace.hash());
  });

  it('rejects targets the design does not have before the run starts', () => {
    expect(() => worldWith('  - { at: 1s, kind: crash, target: zz }')).toThrow(InputError);
    expect(() => worldWith('  - { at: 1s, kind: crash, target: zz }')).toThrow(
      '<test>: faults[0].target: expected a node id (a, b, c) or primary, standby, any, rack:R, dc:D, switch:S, power:P (got "zz")',
    );
    expect(() => worldWith('  - { at: 1s, kind: crash, target: "rack:r9" }')).toThrow(/faults\[0\].target: expected a rack of the design \(rack:r1, rack:r2, rack:r3\)/);
    expect(() => worldWith('  - { at: 1s, kind: partition, groups: [[a], ["dc:dc7"]] }')).toThrow(/faults\[0\].groups\[1\]\[0\]: expected a datacenter/);
    expect(() => worldWith('  - { at: 1s, kind: config-error, target: a, set: { priorty: 5 } }')).toThrow(/faults\[0\].set.priorty: expected a parameter of tiny \(priority\)/);
    expect(() => worldWith('  - { at: 1s, kind: config-error, target: a, set: { priority: 500 } }')).toThrow(/faults\[0\].set.priority: expected an integer >= 0 and <= 255/);
  });
});
