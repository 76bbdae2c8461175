/**
 * The fencing device named in a partition (`fence`): the power controller and the management
 * network it reaches the nodes' BMCs over are split with the rest, so a fence across the
 * partition fails, while one within the device's side succeeds.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../src/faults/schedule.ts';
import { installFaults } from '../../src/faults/injector.ts';
import { SECOND } from '../../src/sim/time.ts';
import { testWorld } from '../world/helpers.ts';

/** a and b fence c at 2 s (b from the device's side, a from the other); results by fencer. */
function fenceRun(groups: string | undefined, separateFenceNetwork = true) {
  const results = new Map<string, boolean>();
  const world = testWorld({
    nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    topology: { separateFenceNetwork },
    actor: (ctx) => ({
      onStart: () => {
        if (ctx.bootCount > 0) return;
        if (ctx.id === 'a') ctx.setTimer(2 * SECOND, 'fence', 'c');
        if (ctx.id === 'b') ctx.setTimer(2 * SECOND, 'fence', 'd');
      },
      onTimer: (_kind, target) => ctx.fence(target as string, 'off', 5 * SECOND, (ok) => results.set(ctx.id, ok)),
      onMessage: () => {},
    }),
  });
  if (groups) installFaults(world, parseSchedule(`name: p\nduration: 30s\nfaults:\n  - { at: 1s, kind: partition, groups: ${groups}, for: 20s }\n`, 'p.yaml'));
  world.start();
  world.sim.runUntil(10 * SECOND);
  return { world, results };
}

describe('partition naming the fence device', () => {
  it('without it, a production-network partition leaves the separate fence network alone', () => {
    const { results } = fenceRun('[[a, c], [b, d]]');
    expect(results.get('a')).toBe(true);
  });

  for (const separate of [true, false]) {
    it(`a fence across the partition fails, one on the device's side succeeds (${separate ? 'separate management network' : 'shared network'})`, () => {
      const { world, results } = fenceRun('[[a, c], [b, d, fence]]', separate);
      expect(results.get('a')).toBe(false); // a cannot reach the device
      expect(results.get('b')).toBe(true); // b and d are on its side
      expect(world.node('c').state).not.toBe('off');
      expect(world.node('d').state).toBe('off');
    });
  }

  it('the device cannot power off a node across the partition, even when asked from its side', () => {
    const { world, results } = fenceRun('[[c], [a, b, d, fence]]');
    expect(results.get('a')).toBe(false);
    expect(world.node('c').state).not.toBe('off');
  });
});
