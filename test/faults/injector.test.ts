import { describe, expect, it } from 'vitest';
import { SECOND, MS } from '../../src/sim/time.ts';
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

  it('heals permanent faults, and faults that would outlast chaos, when chaos ends', () => {
    const { world } = worldWith('  - { at: 1s, kind: nic-down, target: a }\n  - { at: 2s, kind: nic-down, target: b, for: 1h }', { duration: '5s' });
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

describe('disk and clock faults', () => {
  it('disk-full fills the disk until the fault ends, overlapping faults healing independently', () => {
    const { world } = worldWith('  - { at: 1s, kind: disk-full, target: a, for: 2s }\n  - { at: 2s, kind: disk-full, target: a, for: 2s }');
    world.sim.runUntil(at(3.5));
    expect(world.node('a').disk.full).toBe(true);
    world.sim.runUntil(at(4));
    expect(world.node('a').disk.full).toBe(false);
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
    expect(world.node('a').clock.drift).toBe(0);
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
    expect(world.node('a').feedDownCount).toBe(1);
    expect(world.node('b').feedDownCount).toBe(0);
    world.sim.runUntil(at(3));
    expect(world.node('a').feedDownCount).toBe(0);
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
