/** The world's building blocks: disks, clocks, node states, clients and routing. */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/history/history.ts';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import { LocalClock } from '../../src/world/clock.ts';
import { Disk } from '../../src/world/disk.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import { acker, testWorld } from './helpers.ts';

describe('disk', () => {
  const disk = () => {
    const sim = new Simulator({ seed: 1 });
    return { sim, disk: new Disk(sim, () => 100, Rng.stream(1, 'disk')) };
  };

  it('makes appends durable after the fsync latency, in order, and a crash loses the rest', () => {
    const { sim, disk: d } = disk();
    const durable: string[] = [];
    d.append({ orderId: 'x' }, () => durable.push('x'));
    sim.runUntil(150);
    d.append({ orderId: 'y' }, () => durable.push('y'));
    expect(d.entries.map((e) => e.orderId)).toEqual(['x', 'y']);
    d.crash();
    sim.runUntil(1000);
    expect(durable).toEqual(['x']);
    expect(d.durableEntries().map((e) => e.orderId)).toEqual(['x']);
  });

  it('write() reaches only the page cache: a host crash loses it until a flush makes it durable; a process death keeps it', () => {
    const { sim, disk: d } = disk();
    expect(d.write({ orderId: 'x' })).toBe(true);
    sim.runUntil(1000);
    expect(d.durableLength).toBe(0); // no fsync was asked for
    const flushed: boolean[] = [];
    d.flush((ok) => flushed.push(ok));
    d.write({ orderId: 'y' }); // written after the flush began: not covered by it
    sim.runUntil(2000);
    expect(flushed).toEqual([true]);
    d.processDied();
    expect(d.entries.map((e) => e.orderId)).toEqual(['x', 'y']);
    d.crash();
    expect(d.entries.map((e) => e.orderId)).toEqual(['x']);
  });

  it('a failed disk loses everything and refuses writes until replaced; a full disk refuses appends', () => {
    const { sim, disk: d } = disk();
    d.append({ orderId: 'x' });
    sim.runUntil(200);
    d.fail();
    const results: boolean[] = [];
    d.append({ orderId: 'y' }, (ok) => results.push(ok));
    sim.runUntil(400);
    expect(d.durableEntries()).toEqual([]);
    d.replace();
    d.fill();
    d.append({ orderId: 'z' }, (ok) => results.push(ok));
    d.unfill();
    d.append({ orderId: 'w' }, (ok) => results.push(ok));
    sim.runUntil(1000);
    expect(results).toEqual([false, false, true]);
  });
});

describe('local clock', () => {
  it('drifts and jumps, and timers measure elapsed local time', () => {
    const clock = new LocalClock();
    clock.setDrift(0, 1000); // 1000 ppm fast
    expect(clock.read(SECOND)).toBe(SECOND + MS);
    clock.jump(SECOND, -5 * SECOND);
    expect(clock.read(2 * SECOND)).toBe(2 * SECOND + 2 * MS - 5 * SECOND);
    expect(clock.realDelay(1_001_000)).toBeCloseTo(SECOND, -1);
  });
});

describe('nodes', () => {
  const pingWorld = () => {
    const got: { time: number; type: string }[] = [];
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'direct', targets: ['a'] },
      workload: { ordersPerSecond: 0 },
      actor: (ctx) => ({
        onMessage: (_from, msg) => got.push({ time: world.sim.now, type: msg.type }),
        threadOf: (kind) => (kind === 'hb' ? 'heartbeat' : 'main'),
      }),
    });
    world.start();
    return { world, got };
  };

  it('a paused node holds its messages and handles them in order when it resumes', () => {
    const { world, got } = pingWorld();
    world.node('b').pause();
    world.network.send('a', 'b', { type: 'one' });
    world.network.send('a', 'b', { type: 'two' });
    world.sim.runUntil(SECOND);
    expect(got).toEqual([]);
    world.node('b').resume();
    expect(got.map((g) => g.type)).toEqual(['one', 'two']);
  });

  it('a deadlocked node still runs the threads left running, and nothing else', () => {
    const { world, got } = pingWorld();
    world.node('b').hang(['heartbeat']);
    world.network.send('a', 'b', { type: 'order-ish' });
    world.network.send('a', 'b', { type: 'hb' });
    world.sim.runUntil(SECOND);
    expect(got.map((g) => g.type)).toEqual(['hb']);
  });

  it('a crashed process loses its timers and restarts with a fresh actor, its disk kept', () => {
    let boots = 0;
    const fired: number[] = [];
    const world = testWorld({
      nodes: [{ id: 'a' }],
      routing: { kind: 'direct', targets: ['a'] },
      workload: { ordersPerSecond: 0 },
      actor: (ctx: NodeContext) => ({
        onStart: () => {
          boots++;
          ctx.disk.append({ orderId: `boot-${ctx.bootCount}` });
          ctx.setTimer(SECOND, 'tick');
        },
        onMessage: () => {},
        onTimer: () => fired.push(world.sim.now),
      }),
    });
    world.start();
    world.sim.runUntil(500 * MS);
    world.node('a').crashProcess('test', 2 * SECOND);
    world.sim.runUntil(5 * SECOND);
    expect(boots).toBe(2);
    expect(fired).toEqual([3.5 * SECOND]); // the first boot's timer never fired
    expect(world.node('a').disk.durableEntries().map((e) => e.orderId)).toEqual(['boot-0', 'boot-1']);
  });
});

describe('clients', () => {
  it('retry a timed-out order with the same id on the next target, and record ok with its full latency', () => {
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'direct', targets: ['a', 'b'] },
      workload: { ordersPerSecond: 20, clients: 1 },
      actor: (ctx) => acker(ctx, (c) => c.id === 'b'),
    });
    world.start();
    world.node('a').pause(); // a swallows the first attempt
    world.sim.runUntil(3 * SECOND);
    const ok = eventsOf(world.history, 'ok');
    expect(ok.length).toBeGreaterThan(10);
    const first = ok[0];
    expect(first.node).toBe('b');
    expect(first.attempt).toBe(2);
    expect(first.latency).toBeGreaterThanOrEqual(SECOND);
    // later orders go straight to b, the target that answered
    expect(ok[ok.length - 1].attempt).toBe(1);
    expect(new Set(eventsOf(world.history, 'invoke').map((e) => e.orderId)).size).toBe(eventsOf(world.history, 'invoke').length);
  });
});

describe('routing', () => {
  it('VIP: clients follow gratuitous ARPs, and a client that missed them keeps its stale entry until it expires', () => {
    let holder = 'a';
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'vip', garpCount: 1, garpInterval: SECOND, arpCacheTtl: 10 * SECOND },
      workload: { ordersPerSecond: 0, clients: 2 },
      actor: (ctx) => ({ onStart: () => ctx.id === holder && ctx.takeVip(), onMessage: () => {} }),
    });
    world.start();
    world.sim.runUntil(SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
    expect(world.routing.resolve('client:2')).toBe('a');
    world.network.cut('b', 'client:2'); // client 2 misses b's GARP
    holder = 'b';
    world.node('b').crashProcess('move the VIP', 0);
    world.sim.runUntil(2 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
    expect(world.routing.resolve('client:2')).toBe('a'); // stale
    world.network.uncut('b', 'client:2');
    world.sim.runUntil(12 * SECOND);
    expect(world.routing.resolve('client:2')).toBe('b'); // re-ARPed: the newest claimant answers
  });

  it('DNS: clients use a cached answer for max(ttl, clientMinCache)', () => {
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'dns', initial: 'a', ttl: 5 * SECOND, clientMinCache: 30 * SECOND },
      workload: { ordersPerSecond: 0, clients: 1 },
      actor: () => ({ onMessage: () => {} }),
    });
    world.start();
    expect(world.routing.resolve('client:1')).toBe('a');
    world.routing.updateDns('b');
    world.sim.runUntil(29 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
    world.sim.runUntil(31 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
  });

  it('load balancer: an unproven backend goes down on its first failed check (init-state up), a proven one after `fall` failures', () => {
    const healthy = new Map([['a', true], ['b', false]]);
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'lb', targets: ['a', 'b'], healthCheckInterval: 2 * SECOND, healthCheckTimeout: SECOND, unhealthyThreshold: 3, healthyThreshold: 2 },
      workload: { ordersPerSecond: 0 },
      actor: (ctx) => ({ onMessage: () => {}, healthy: () => healthy.get(ctx.id)! }),
    });
    world.start();
    world.sim.runUntil(2.5 * SECOND);
    expect(world.loadBalancer!.healthyBackends()).toEqual(['a']);
    healthy.set('a', false);
    world.sim.runUntil(6.5 * SECOND); // two more failed checks of a
    expect(world.loadBalancer!.healthyBackends()).toEqual(['a']);
    world.sim.runUntil(8.5 * SECOND); // the third
    expect(world.loadBalancer!.healthyBackends()).toEqual([]);
    expect(eventsOf(world.history, 'lb').map((e) => `${e.node}:${e.healthy}`)).toEqual(['b:false', 'a:false']);
  });
});
