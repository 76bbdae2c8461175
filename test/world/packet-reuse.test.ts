/**
 * The network reuses delivered packets (network.ts `freePackets`): every message must still
 * reach its receiver once (twice for a duplicate), from its sender, even when the receiver
 * sends at once from inside the delivery (the packet just freed is reused), and under loss with
 * TCP retransmissions, whose packets wait in their link's in-flight queue.
 */
import { describe, expect, it } from 'vitest';
import type { Msg } from '../../src/world/actor.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import { testWorld } from './helpers.ts';

/** Each of 4 nodes starts a relay: every message received is passed on (hop + 1) until hop 40. */
function relay(impaired: boolean) {
  const ids = ['a', 'b', 'c', 'd'];
  const sent = new Map<Msg, { from: string; to: string }>();
  const got: { by: string; from: string; msg: Msg; copy: boolean }[] = [];
  const world = testWorld({
    nodes: ids.map((id) => ({ id })),
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    topology: { datagramMessages: ['dgram'] },
    actor: (ctx) => {
      const send = (to: string, hop: number) => {
        // every third hop a datagram (lost outright, never queued), the rest TCP
        const msg: Msg = { type: hop % 3 === 0 ? 'dgram' : 'seg', hop };
        sent.set(msg, { from: ctx.id, to });
        ctx.send(to, msg);
      };
      return {
        onStart: () => {
          for (let k = 1; k <= 3; k++) send(ids[(ids.indexOf(ctx.id) + k) % ids.length], 0);
        },
        onMessage: (from, msg) => {
          got.push({ by: ctx.id, from, msg, copy: false });
          const hop = msg.hop as number;
          if (hop < 40) send(ids[(ids.indexOf(ctx.id) + 1 + (hop % 3)) % ids.length], hop + 1);
        },
      };
    },
  });
  if (impaired) world.network.impair({ endpoint: 'b', lossProbability: 0.2, duplicateProbability: 0.2 });
  world.start();
  world.sim.runUntil(30 * SECOND);
  return { sent, got };
}

describe('reused packets', () => {
  for (const impaired of [false, true]) {
    it(`deliver every message to its receiver from its sender, once per copy${impaired ? ', under loss, retransmission and duplicates' : ''}`, () => {
      const { sent, got } = relay(impaired);
      expect(got.length).toBeGreaterThan(100);
      const times = new Map<Msg, number>();
      for (const g of got) {
        const s = sent.get(g.msg);
        expect(s).toBeDefined();
        expect([g.from, g.by]).toEqual([s!.from, s!.to]);
        times.set(g.msg, (times.get(g.msg) ?? 0) + 1);
      }
      const counts = [...times.values()];
      if (!impaired) {
        // nothing lost or duplicated: every message sent arrived exactly once
        expect(times.size).toBe(sent.size);
        expect(counts.every((n) => n === 1)).toBe(true);
      } else {
        expect(counts.every((n) => n === 1 || n === 2)).toBe(true);
        expect(counts.some((n) => n === 2)).toBe(true);
      }
    });
  }

  it('a receiver that sends from inside the delivery gets the message it was sent, not its own reply', () => {
    const got: Msg[] = [];
    const world = testWorld({
      nodes: [{ id: 'a' }, { id: 'b' }],
      routing: { kind: 'direct', targets: ['a'] },
      workload: { ordersPerSecond: 0 },
      actor: (ctx) => ({
        onStart: () => ctx.id === 'a' && ctx.send('b', { type: 'ping', n: 1 }),
        onMessage: (_from, msg) => {
          // the reply reuses the packet that carried `msg`: msg must be unchanged after it
          if ((msg.n as number) < 5) ctx.send(ctx.id === 'a' ? 'b' : 'a', { type: 'ping', n: (msg.n as number) + 1 });
          got.push(msg);
        },
      }),
    });
    world.start();
    world.sim.runUntil(100 * MS);
    expect(got.map((m) => m.n)).toEqual([1, 2, 3, 4, 5]);
  });
});
