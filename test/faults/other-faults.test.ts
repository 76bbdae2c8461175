/** What disk, clock, external and site faults do. */
import { describe, expect, it } from 'vitest';
import { SECOND, MS } from '../../src/sim/time.ts';
import { faultEvents, worldWith } from './helpers.ts';

const at = (seconds: number) => seconds * SECOND;

describe('disk and clock faults', () => {
  it('disk-full fills the disk until the fault ends, overlapping faults healing independently', () => {
    const { world } = worldWith('  - { at: 1s, kind: disk-full, target: a, for: 2s }\n  - { at: 2s, kind: disk-full, target: a, for: 2s }');
    world.sim.runUntil(at(3.5));
    expect(world.node('a').disk.full).toBe(true);
    world.sim.runUntil(at(4));
    expect(world.node('a').disk.full).toBe(false);
  });

  it('overlapping feed-down, disk-fail, disk-slow and config-error faults each heal only their own part', () => {
    const { world } = worldWith(
      [
        '  - { at: 1s, kind: feed-down, target: a, for: 2s }',
        '  - { at: 2s, kind: feed-down, target: a, for: 2s }',
        '  - { at: 1s, kind: disk-fail, target: b, for: 2s }',
        '  - { at: 2s, kind: disk-fail, target: b, for: 2s }',
        '  - { at: 1s, kind: disk-slow, target: a, factor: 4, for: 2s }',
        '  - { at: 2s, kind: disk-slow, target: a, factor: 5, for: 2s }',
        '  - { at: 1s, kind: config-error, target: b, set: { priority: 7 }, for: 2s }',
        '  - { at: 2s, kind: config-error, target: b, for: 2s }',
      ].join('\n'),
    );
    world.sim.runUntil(at(2.5));
    expect(world.node('a').feedUp).toBe(false);
    expect(world.node('b').disk.failed).toBe(true);
    expect(world.node('a').disk.slowFactor).toBe(20);
    expect(world.node('b').configOverrides).toEqual({ priority: 7 });
    expect(world.node('b').wrongPeer).toBe(true);
    world.sim.runUntil(at(3.5));
    expect(world.node('a').feedUp).toBe(false);
    expect(world.node('b').disk.failed).toBe(true);
    expect(world.node('a').disk.slowFactor).toBe(5);
    expect(world.node('b').configOverrides).toBeUndefined();
    expect(world.node('b').wrongPeer).toBe(true);
    world.sim.runUntil(at(4.5));
    expect(world.node('a').feedUp).toBe(true);
    expect(world.node('b').disk.failed).toBe(false);
    expect(world.node('a').disk.slowFactor).toBe(1);
    expect(world.node('b').wrongPeer).toBe(false);
  });

  it('disk-slow multiplies fsync latency by its factor', () => {
    const { world } = worldWith('  - { at: 1s, kind: disk-slow, target: a, factor: 20, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.node('a').disk.slowFactor).toBe(20);
    world.sim.runUntil(at(3));
    expect(world.node('a').disk.slowFactor).toBe(1);
  });

  it('clock-skew offsets the clock for the window; clock-jump steps it for good', () => {
    const { world } = worldWith('  - { at: 1s, kind: clock-skew, target: a, offset: 500ms, for: 2s }\n  - { at: 1s, kind: clock-jump, target: b, by: -10s }');
    world.sim.runUntil(at(2));
    expect(world.node('a').clock.read(at(2))).toBe(at(2.5));
    expect(world.node('b').clock.read(at(2))).toBe(at(-8));
    world.sim.runUntil(at(9.9));
    expect(world.node('a').clock.read(at(9.9))).toBe(at(9.9));
    world.sim.runUntil(at(10));
    expect(world.node('b').clock.read(at(10))).toBe(at(0));
  });

  it('clock-drift makes the clock run fast, then at the normal rate again', () => {
    const { world } = worldWith('  - { at: 1s, kind: clock-drift, target: a, ppm: 1000, for: 2s }');
    world.sim.runUntil(at(3));
    expect(world.node('a').clock.driftRate).toBe(0);
    expect(world.node('a').clock.read(at(3))).toBe(at(3) + 2 * MS);
  });
});

describe('external and site faults', () => {
  it('exchange-disconnect without a target cuts every node from the exchange', () => {
    const { world } = worldWith('  - { at: 1s, kind: exchange-disconnect, for: 2s }');
    world.sim.runUntil(at(2));
    for (const id of ['a', 'b', 'c']) {
      expect(world.network.connected(id, 'exchange')).toBe(false);
      expect(world.network.connected('exchange', id)).toBe(false);
    }
    expect(world.network.connected('a', 'b')).toBe(true);
    expect(faultEvents(world)).toEqual(['1s begin 0 exchange-disconnect a,b,c']);
    world.sim.runUntil(at(3));
    expect(world.network.connected('a', 'exchange')).toBe(true);
  });

  it('feed-down fails the market-data feed of the target', () => {
    const { world } = worldWith('  - { at: 1s, kind: feed-down, target: primary, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.node('a').feedUp).toBe(false);
    expect(world.node('b').feedUp).toBe(true);
    world.sim.runUntil(at(3));
    expect(world.node('a').feedUp).toBe(true);
  });

  it('market-close closes the exchange until the fault ends', () => {
    const { world } = worldWith('  - { at: 1s, kind: market-close, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.exchange.open).toBe(false);
    expect(faultEvents(world)).toEqual(['1s begin 0 market-close exchange']);
    world.sim.runUntil(at(3));
    expect(world.exchange.open).toBe(true);
  });

  it('dc-down turns off every node of the datacenter and its management network, not the clients or the exchange', () => {
    const { world } = worldWith('  - { at: 1s, kind: dc-down, target: "dc:dc1", for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.node('a').state).toBe('off');
    expect(world.node('b').state).toBe('off');
    expect(world.node('c').state).toBe('up');
    expect(world.network.connected('ipmi', 'mgmt:c')).toBe(false); // the power controller sits in dc1
    expect(world.network.connected('client:1', 'exchange')).toBe(true);
    expect(faultEvents(world)).toEqual(['1s begin 0 dc-down a,b']);
    world.sim.runUntil(at(3));
    expect(world.node('a').state).toBe('up');
    expect(world.network.connected('ipmi', 'mgmt:a')).toBe(true);
  });
});
