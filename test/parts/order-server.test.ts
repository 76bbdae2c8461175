import { describe, expect, it } from 'vitest';
import { OrderServer } from '../../src/parts/order-server.ts';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import type { NodeContext, OrderRequest } from '../../src/world/actor.ts';
import { Disk } from '../../src/world/disk.ts';

const FSYNC_US = 200;

/** An OrderServer on a real disk and simulator, its context recording what it sends. */
function server(options: ConstructorParameters<typeof OrderServer>[1] = {}) {
  const sim = new Simulator({ seed: 1 });
  const disk = new Disk(sim, () => FSYNC_US, Rng.stream(1, 'disk'));
  const out: string[] = [];
  const at = () => `@${sim.now}`;
  const ctx = {
    id: 'a',
    disk,
    declareRole: () => {},
    marketOpen: () => true,
    feedUp: () => true,
    ackOrder: (o: OrderRequest) => out.push(`ack ${o.orderId}#${o.attempt} ${at()}`),
    rejectOrder: (o: OrderRequest, reason: string) => out.push(`reject ${o.orderId}#${o.attempt} ${reason}`),
    sendToExchange: (orderId: string) => out.push(`exchange ${orderId} ${at()}`),
  } as unknown as NodeContext;
  const s = new OrderServer(ctx, options);
  s.becomePrimary(1);
  const order = (orderId: string, attempt = 1): void => {
    s.handle({ type: 'order', orderId, client: `client:${orderId.split('-')[0]}`, attempt });
  };
  return { sim, disk, out, s, order };
}

describe('OrderServer', () => {
  it('a retry of an order in flight waits for it: one write, one exchange send, both requests acked', () => {
    const { sim, disk, out, s, order } = server();
    order('1-1');
    order('1-1', 2);
    expect(s.inFlight).toBe(1);
    sim.runUntil(1_000);
    expect(disk.length).toBe(1);
    expect(out).toEqual([`exchange 1-1 @${FSYNC_US}`, `ack 1-1#1 @${FSYNC_US}`, `ack 1-1#2 @${FSYNC_US}`]);
    // once durable, a retry is acked at once, without a second write
    order('1-1', 3);
    expect(out.at(-1)).toBe('ack 1-1#3 @1000');
    expect(disk.length).toBe(1);
    expect(s.inFlight).toBe(0);
  });

  it('a demotion refuses the orders in flight in the order they arrived, retries after their first request', () => {
    const { sim, out, s, order } = server();
    // two clients interleaved and an id of another shape: arrival order is none of their natural orders
    order('2-7');
    order('1-1');
    order('x');
    order('2-8');
    order('1-1', 2);
    order('1-2');
    s.becomeStandby(2);
    expect(out).toEqual(['reject 2-7#1 not-primary', 'reject 1-1#1 not-primary', 'reject 1-1#2 not-primary', 'reject x#1 not-primary', 'reject 2-8#1 not-primary', 'reject 1-2#1 not-primary']);
    expect(s.inFlight).toBe(0);
    // their fsyncs complete later: nothing more is acked or sent
    sim.runUntil(1_000);
    expect(out).toHaveLength(6);
  });

  it('a failed write refuses its requests as not durable, and the order is written again when retried', () => {
    const { sim, disk, out, s, order } = server();
    disk.fill();
    order('1-1');
    order('1-1', 2);
    sim.runUntil(1_000);
    expect(out).toEqual(['reject 1-1#1 not-durable', 'reject 1-1#2 not-durable']);
    disk.unfill();
    order('1-1', 3);
    expect(s.inFlight).toBe(1);
    sim.runUntil(2_000);
    expect(out.slice(2)).toEqual([`exchange 1-1 @${1_000 + FSYNC_US}`, `ack 1-1#3 @${1_000 + FSYNC_US}`]);
  });

  it('a cancelled order in flight refuses its requests but stays known (its entry is in the log)', () => {
    const { sim, out, s, order } = server();
    order('1-1');
    order('1-2');
    s.cancel('1-1', 'cancelled');
    expect(out).toEqual(['reject 1-1#1 cancelled']);
    sim.runUntil(1_000);
    expect(out.slice(1)).toEqual([`exchange 1-2 @${FSYNC_US}`, `ack 1-2#1 @${FSYNC_US}`]);
    order('1-1', 2);
    expect(out.at(-1)).toBe('ack 1-1#2 @1000');
  });

  it('many orders of two clients, acked in log order once durable, leave nothing in flight', () => {
    const { sim, disk, out, s, order } = server();
    for (let n = 1; n <= 3000; n++) {
      order(`1-${n}`);
      order(`2-${n}`);
      if (n % 500 === 0) sim.runUntil(sim.now + 1_000);
    }
    sim.runUntil(sim.now + 1_000);
    expect(disk.length).toBe(6000);
    expect(s.inFlight).toBe(0);
    const acked = out.filter((line) => line.startsWith('ack')).map((line) => line.split(' ')[1]);
    expect(acked).toEqual(disk.entries.map((e) => `${e.orderId}#1`));
  });
});
