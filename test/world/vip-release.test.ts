/**
 * A host that gave up a virtual IP (keepalived leaving MASTER, IPaddr2 stopping) no longer has
 * the address: requests a client still sends it through a stale ARP entry are dropped by its
 * kernel (no reset, no answer: the client times out), until a gratuitous ARP moves the client.
 */
import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../src/sim/time.ts';
import { testWorld } from './helpers.ts';

describe('a released VIP', () => {
  it('drops the orders that still reach the old holder through a stale ARP entry', () => {
    const received: { node: string; at: number }[] = [];
    let releaseAt = 0;
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'vip', garpCount: 1, garpInterval: 0, arpCacheTtl: 30 * SECOND },
      workload: { ordersPerSecond: 100 },
      actor: (ctx) => ({
        onStart: () => {
          if (ctx.id !== 'a') return;
          ctx.declareRole('primary', 1);
          ctx.takeVip();
          ctx.setTimer(1 * SECOND, 'release');
        },
        onTimer: () => {
          releaseAt = world.sim.now;
          ctx.releaseVip();
        },
        onMessage: (_from, msg) => {
          if (msg.type !== 'order') return;
          received.push({ node: ctx.id, at: world.sim.now });
          ctx.ackOrder(msg as never);
        },
      }),
    });
    world.start();
    world.sim.runUntil(3 * SECOND);
    expect(received.some((r) => r.at < releaseAt)).toBe(true);
    expect(received.filter((r) => r.at > releaseAt + 1 * MS)).toEqual([]);
    // nothing answers: no ack, and no reset refusing them either (the client just times out)
    expect(world.history.events.filter((e) => e.type === 'ok' && e.time > releaseAt + 1 * MS)).toEqual([]);
    expect(world.history.events.filter((e) => e.type === 'fail' && e.time > releaseAt)).toEqual([]);
  });
});
