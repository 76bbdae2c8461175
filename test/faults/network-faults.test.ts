/** What network faults do to links and messages. */
import { describe, expect, it } from 'vitest';
import { SECOND, MS } from '../../src/sim/time.ts';
import { faultEvents, worldWith } from './helpers.ts';

const at = (seconds: number) => seconds * SECOND;

describe('network faults', () => {
  it('link-down cuts both directions between two endpoints and nothing else', () => {
    const { world } = worldWith('  - { at: 1s, kind: link-down, between: [primary, standby], for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('a', 'b')).toBe(false);
    expect(world.network.connected('b', 'a')).toBe(false);
    expect(world.network.connected('a', 'c')).toBe(true);
    expect(world.network.connected('a', 'exchange')).toBe(true);
    world.sim.runUntil(at(3));
    expect(world.network.connected('a', 'b')).toBe(true);
  });

  it('partition [[primary], [others]] isolates the primary from its peers but not from clients', () => {
    const { world } = worldWith('  - { at: 1s, kind: partition, groups: [[primary], [others]], for: 2s }');
    world.sim.runUntil(at(2));
    for (const [x, y] of [['a', 'b'], ['b', 'a'], ['a', 'c'], ['c', 'a']]) expect(world.network.connected(x, y)).toBe(false);
    expect(world.network.connected('b', 'c')).toBe(true);
    expect(world.network.connected('client:1', 'a')).toBe(true);
    expect(world.network.connected('client:1', 'b')).toBe(true);
    expect(faultEvents(world)).toEqual(['1s begin 0 partition a']);
    world.sim.runUntil(at(3));
    expect(world.network.connected('a', 'b')).toBe(true);
  });

  it('partition with oneWay cuts only messages from the first group', () => {
    const { world } = worldWith('  - { at: 1s, kind: partition, groups: [[primary], [others]], oneWay: true, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('a', 'b')).toBe(false);
    expect(world.network.connected('b', 'a')).toBe(true);
  });

  it('partition across datacenters, with clients on one side', () => {
    const { world } = worldWith('  - { at: 1s, kind: partition, groups: [["dc:dc1", clients], ["dc:dc2"]], for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('a', 'c')).toBe(false);
    expect(world.network.connected('client:1', 'c')).toBe(false);
    expect(world.network.connected('a', 'b')).toBe(true);
    expect(world.network.connected('client:1', 'a')).toBe(true);
  });

  it('partition groups may name a single client, which then reaches only its own side', () => {
    const { world } = worldWith('  - { at: 1s, kind: partition, groups: [[a, "client:1"], [others]], for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('client:1', 'a')).toBe(true);
    expect(world.network.connected('client:1', 'b')).toBe(false);
    expect(world.network.connected('b', 'client:1')).toBe(false);
    expect(world.network.connected('a', 'b')).toBe(false);
  });

  it('a client the workload does not have names nothing, so the partition is skipped', () => {
    const { world } = worldWith('  - { at: 1s, kind: partition, groups: [["client:9"], [others]], for: 2s }');
    world.sim.runUntil(at(2));
    expect(faultEvents(world)).toContain('1s skipped 0 partition');
  });

  it('partition is skipped when a group names no endpoint at that moment', () => {
    const { world } = worldWith('  - { at: 1s, kind: crash, target: b, for: 5s }\n  - { at: 2s, kind: partition, groups: [[primary], [standby]], for: 1s }');
    world.sim.runUntil(at(3));
    expect(faultEvents(world)).toContain('2s skipped 1 partition');
  });

  it('latency delays every message to or from the target', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: latency, target: a, delay: 100ms, for: 2s }');
    world.sim.runUntil(at(1.5));
    world.network.send('client:1', 'a', { type: 'ping' });
    world.network.send('client:1', 'b', { type: 'ping' });
    world.sim.runUntil(at(2));
    const arrival = (node: string) => log.received.find((r) => r.node === node && r.type === 'ping')!.time - at(1.5);
    expect(arrival('a')).toBeGreaterThanOrEqual(100 * MS);
    expect(arrival('b')).toBeLessThan(10 * MS);
    world.sim.runUntil(at(3.5));
    world.network.send('client:1', 'a', { type: 'pong' });
    world.sim.runUntil(at(3.6));
    expect(log.received.find((r) => r.type === 'pong')!.time - at(3.5)).toBeLessThan(10 * MS);
  });

  it('loss drops messages to or from the target with its probability', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: loss, target: a, probability: 1, for: 2s }');
    world.sim.runUntil(at(1.5));
    world.network.send('client:1', 'a', { type: 'ping' });
    world.network.send('client:1', 'b', { type: 'ping' });
    world.sim.runUntil(at(2));
    expect(log.received.map((r) => r.node)).toEqual(['b']);
  });

  it('duplicate delivers messages twice with its probability', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: duplicate, target: a, probability: 1, for: 2s }');
    world.sim.runUntil(at(1.5));
    world.network.send('client:1', 'a', { type: 'ping' });
    world.sim.runUntil(at(2));
    expect(log.received.filter((r) => r.node === 'a')).toHaveLength(2);
  });
});
