/**
 * Process death vs host death (design.md §3): a process killed on a living host has its
 * sockets closed by the kernel (peers see a reset at once, a connection to it is refused), its
 * writes survive in the page cache, and its host keeps its addresses; a host that dies is
 * silent, and loses what was not fsynced.
 */
import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../src/sim/time.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import { acker, testWorld } from './helpers.ts';

/** Two nodes that talk over TCP every 100 ms; each logs the resets it hears, with their time. */
function chattyPair(datagramMessages: string[] = []) {
  const resets: { node: string; peer: string; at: number }[] = [];
  const world = testWorld({
    nodes: [{ id: 'a' }, { id: 'b' }],
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    topology: { datagramMessages },
    actor: (ctx: NodeContext) => ({
      onStart: () => ctx.setTimer(100 * MS, 'chat'),
      onTimer: () => {
        ctx.send(ctx.id === 'a' ? 'b' : 'a', { type: 'chat' });
        ctx.setTimer(100 * MS, 'chat');
      },
      onMessage: () => {},
      onConnectionReset: (peer) => resets.push({ node: ctx.id, peer, at: world.sim.now }),
    }),
  });
  world.start();
  return { world, resets };
}

describe('process death and host death', () => {
  it('kill -9 on a living host: the peer hears a reset within a link latency of the kill', () => {
    const { world, resets } = chattyPair();
    world.sim.at(1 * SECOND, () => world.node('b').crashProcess('kill -9', 'never'));
    world.sim.runUntil(1 * SECOND + 50 * MS);
    expect(resets.length).toBeGreaterThan(0);
    expect(resets.every((r) => r.node === 'a' && r.peer === 'b')).toBe(true);
    expect(resets[0].at - 1 * SECOND).toBeLessThan(5 * MS);
    // and each later segment a sends is refused with a reset too, at once
    world.sim.runUntil(1.5 * SECOND);
    expect(resets.length).toBeGreaterThan(3);
  });

  it('a host crash is silent: the peer hears nothing and must time out', () => {
    const { world, resets } = chattyPair();
    world.sim.at(1 * SECOND, () => world.node('b').powerOff('host crash'));
    world.sim.runUntil(3 * SECOND);
    expect(resets).toEqual([]);
  });

  it('datagram traffic (VRRP, corosync) has no connection: a dead process is never reset', () => {
    const { world, resets } = chattyPair(['chat']);
    world.sim.at(1 * SECOND, () => world.node('b').crashProcess('kill -9', 'never'));
    world.sim.runUntil(3 * SECOND);
    expect(resets).toEqual([]);
  });

  it('written-but-unsynced data survives a process crash and is lost on a host crash', () => {
    for (const death of ['process', 'host'] as const) {
      const world = testWorld({
        nodes: [{ id: 'a' }],
        routing: { kind: 'direct', targets: ['a'] },
        workload: { ordersPerSecond: 0 },
        topology: { fsyncLatency: { constant: 50 * MS } },
        actor: (ctx) => ({ onStart: () => ctx.bootCount === 0 && ctx.disk.append({ orderId: 'o1' }), onMessage: () => {} }),
      });
      world.start();
      world.sim.at(10 * MS, () => (death === 'process' ? world.node('a').crashProcess('kill -9', 'never') : world.node('a').powerOff('power loss')));
      world.sim.runUntil(SECOND);
      const durable = world.node('a').disk.durableEntries().map((e) => e.orderId);
      expect(durable, death).toEqual(death === 'process' ? ['o1'] : []);
    }
  });

  it('clients of a killed process are refused at once; of a dead host they wait for their timeout', () => {
    for (const death of ['process', 'host'] as const) {
      const world = testWorld({
        nodes: [{ id: 'a' }, { id: 'b' }],
        routing: { kind: 'direct', targets: ['a', 'b'] },
        workload: { ordersPerSecond: 100, clients: 1, timeout: SECOND, maxAttempts: 3, retryBackoff: 20 * MS },
        actor: (ctx) => acker(ctx, () => true),
      });
      world.start();
      world.sim.at(SECOND, () => (death === 'process' ? world.node('a').crashProcess('kill -9', 'never') : world.node('a').powerOff('power loss')));
      world.sim.runUntil(4 * SECOND);
      // the first order ack from b after the death
      const firstFromB = world.history.events.find((e) => e.type === 'ok' && e.node === 'b')!;
      if (death === 'process') expect(firstFromB.time - SECOND).toBeLessThan(100 * MS);
      else expect(firstFromB.time - SECOND).toBeGreaterThan(900 * MS);
    }
  });

  it('a killed process leaves its host holding the VIP (ARP still answered); a dead host does not', () => {
    for (const death of ['process', 'host'] as const) {
      const world = testWorld({
        nodes: [{ id: 'a' }, { id: 'b' }],
        routing: { kind: 'vip', garpCount: 1, garpInterval: SECOND, arpCacheTtl: 100 * MS },
        workload: { ordersPerSecond: 100, clients: 1 },
        actor: (ctx) => ({ onStart: () => ctx.id === 'a' && ctx.takeVip(), onMessage: () => {} }),
      });
      world.start();
      world.sim.at(SECOND, () => (death === 'process' ? world.node('a').crashProcess('kill -9', 'never') : world.node('a').powerOff('power loss')));
      world.sim.runUntil(2 * SECOND);
      const refused = world.history.events.filter((e) => e.type === 'fail' && e.time > SECOND);
      if (death === 'process') expect(refused.length).toBeGreaterThan(0);
      else expect(refused).toEqual([]);
    }
  });
});
