/** What hardware and software faults do to a node (on the tiny world of helpers.ts). */
import { describe, expect, it } from 'vitest';
import { SECOND, MS } from '../../src/sim/time.ts';
import { faultEvents, worldWith } from './helpers.ts';

const at = (seconds: number) => seconds * SECOND;

describe('hardware faults', () => {
  it('crash powers the host off and boots it when the fault ends', () => {
    const { world } = worldWith('  - { at: 1s, kind: crash, target: a, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.node('a').state).toBe('off');
    expect(world.roleOf('a')).toBeUndefined();
    world.sim.runUntil(at(3));
    expect(world.node('a').state).toBe('up');
    expect(world.node('a').bootCount).toBe(2);
  });

  it('nic-down cuts every link of the node while its process runs on', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: nic-down, target: a, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('a', 'b')).toBe(false);
    expect(world.network.connected('client:1', 'a')).toBe(false);
    expect(world.network.connected('b', 'c')).toBe(true);
    const beats = log.beats.get('a')!;
    world.sim.runUntil(at(2.5));
    expect(log.beats.get('a')!).toBeGreaterThan(beats);
    world.sim.runUntil(at(3));
    expect(world.network.connected('a', 'b')).toBe(true);
  });

  it('switch-down takes down the switch of the target node, and names the nodes behind it', () => {
    const { world } = worldWith('  - { at: 1s, kind: switch-down, target: primary, for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.network.connected('a', 'client:1')).toBe(false);
    expect(world.network.connected('b', 'client:1')).toBe(true);
    expect(faultEvents(world)).toEqual(['1s begin 0 switch-down a']);
    world.sim.runUntil(at(3));
    expect(world.network.connected('a', 'client:1')).toBe(true);
  });

  it('power-down turns off the power domain of the target', () => {
    const { world } = worldWith('  - { at: 1s, kind: power-down, target: "rack:r2", for: 2s }');
    world.sim.runUntil(at(2));
    expect(world.node('b').state).toBe('off');
    expect(world.node('a').state).toBe('up');
    expect(world.powerDomainDown('b')).toBe(true);
    world.sim.runUntil(at(3));
    expect(world.node('b').state).toBe('up');
  });

  it('disk-fail loses the data and fails I/O until an empty disk replaces it', () => {
    const { world } = worldWith('  - { at: 1s, kind: disk-fail, target: a, for: 2s }');
    world.sim.runUntil(at(0.5));
    world.node('a').disk.append({ orderId: 'o1' });
    world.sim.runUntil(at(2));
    expect(world.node('a').disk.failed).toBe(true);
    expect(world.node('a').disk.length).toBe(0);
    expect(world.node('a').state).toBe('up');
    world.sim.runUntil(at(3));
    expect(world.node('a').disk.failed).toBe(false);
    expect(world.node('a').disk.length).toBe(0);
  });
});

describe('software faults', () => {
  it('process-crash without restartAfter keeps the process down until the fault ends, even under a supervisor', () => {
    const { world } = worldWith('  - { at: 1s, kind: process-crash, target: a, for: 3s }', { supervisedRestart: 100 * MS });
    world.sim.runUntil(at(3.9));
    expect(world.node('a').state).toBe('crashed');
    world.sim.runUntil(at(4));
    expect(world.node('a').state).toBe('up');
  });

  it('process-crash with restartAfter restarts after that delay', () => {
    const { world } = worldWith('  - { at: 1s, kind: process-crash, target: a, restartAfter: 500ms }');
    world.sim.runUntil(at(1.4));
    expect(world.node('a').state).toBe('crashed');
    world.sim.runUntil(at(1.5));
    expect(world.node('a').state).toBe('up');
  });

  it('process-crash with restartAfter: supervisor leaves the restart to the design', () => {
    const supervised = worldWith('  - { at: 1s, kind: process-crash, target: a, restartAfter: supervisor, for: 5s }', { supervisedRestart: 200 * MS });
    supervised.world.sim.runUntil(at(1.2));
    expect(supervised.world.node('a').state).toBe('up');
    const unsupervised = worldWith('  - { at: 1s, kind: process-crash, target: a, restartAfter: supervisor, for: 5s }');
    unsupervised.world.sim.runUntil(at(5.9));
    expect(unsupervised.world.node('a').state).toBe('crashed');
    unsupervised.world.sim.runUntil(at(6));
    expect(unsupervised.world.node('a').state).toBe('up');
  });

  it('pause freezes the process (its timers wait) and resumes it', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: pause, target: a, for: 2s }');
    world.sim.runUntil(at(1.05));
    const beats = log.beats.get('a')!;
    world.sim.runUntil(at(2.9));
    expect(world.node('a').state).toBe('paused');
    expect(log.beats.get('a')).toBe(beats);
    world.sim.runUntil(at(3.5));
    expect(world.node('a').state).toBe('up');
    expect(log.beats.get('a')!).toBeGreaterThan(beats);
  });

  it('overlapping pauses hold the process until the last one ends', () => {
    const { world } = worldWith('  - { at: 1s, kind: pause, target: a, for: 2s }\n  - { at: 2s, kind: pause, target: a, for: 3s }');
    world.sim.runUntil(at(4));
    expect(world.node('a').state).toBe('paused');
    world.sim.runUntil(at(5));
    expect(world.node('a').state).toBe('up');
  });

  it('memory-leak slows the node more and more, then OOM-kills and restarts it', () => {
    const { world } = worldWith('  - { at: 1s, kind: memory-leak, target: a, maxDelay: 200ms, restartAfter: 1s, for: 4s }');
    world.sim.runUntil(at(2));
    const early = world.node('a').slowdown;
    world.sim.runUntil(at(4));
    const late = world.node('a').slowdown;
    expect(early).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(early);
    expect(late).toBeLessThanOrEqual(200 * MS);
    world.sim.runUntil(at(5));
    expect(world.node('a').slowdown).toBe(0);
    expect(world.node('a').state).toBe('crashed');
    world.sim.runUntil(at(6));
    expect(world.node('a').state).toBe('up');
  });

  it('deadlock stops every thread but the named ones, then a watchdog kills and restarts the process', () => {
    const { world, log } = worldWith('  - { at: 1s, kind: deadlock, target: a, for: 2s }');
    world.sim.runUntil(at(1.5));
    expect(world.node('a').runningThreads).toEqual(new Set(['heartbeat']));
    const beats = log.beats.get('a')!;
    world.network.send('client:1', 'a', { type: 'order' });
    world.sim.runUntil(at(2.5));
    expect(log.beats.get('a')!).toBeGreaterThan(beats); // the heartbeat thread still beats
    expect(log.received.filter((r) => r.node === 'a')).toEqual([]); // the main thread is stuck
    const incarnation = world.node('a').incarnation;
    world.sim.runUntil(at(3));
    expect(world.node('a').state).toBe('up');
    expect(world.node('a').incarnation).toBeGreaterThan(incarnation);
    expect(world.node('a').runningThreads).toBeUndefined();
  });

  it('config-error restarts the node with a wrong peer address, then with the fix', () => {
    const { world } = worldWith('  - { at: 1s, kind: config-error, target: b, for: 2s }');
    world.sim.runUntil(at(1.5));
    expect(world.node('b').wrongPeer).toBe(true);
    expect(world.node('b').bootCount).toBe(2);
    world.sim.runUntil(at(3));
    expect(world.node('b').wrongPeer).toBe(false);
    expect(world.node('b').bootCount).toBe(3);
  });

  it('config-error with set restarts the node with the overridden parameters', () => {
    const { world } = worldWith('  - { at: 1s, kind: config-error, target: b, set: { priority: 7 }, for: 2s }');
    world.sim.runUntil(at(1.5));
    expect(world.node('b').configOverrides).toEqual({ priority: 7 });
    world.sim.runUntil(at(3));
    expect(world.node('b').configOverrides).toBeUndefined();
  });
});
