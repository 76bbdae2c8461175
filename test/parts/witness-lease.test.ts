import { describe, expect, it } from 'vitest';
import { OrderServer } from '../../src/parts/order-server.ts';
import { LeaseHolder, LeaseVoter, type LeaseRequest } from '../../src/parts/witness-lease.ts';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { harness, MS, SECOND } from './harness.ts';

const LEASE = 10 * SECOND;
const RENEW = 1 * SECOND;
const MARGIN = 1 * SECOND;

interface Log {
  acquired: { node: string; at: number; epoch: number }[];
  lost: { node: string; at: number }[];
  lastRenewalSent: Map<string, number>;
}

/**
 * Three voters a, b, w. `a` takes the lease at start; `b` tries to take it every second
 * whenever its own vote is free; `w` only votes. Every lease request a node sends is logged.
 */
function trio() {
  const log: Log = { acquired: [], lost: [], lastRenewalSent: new Map() };
  const h = harness(['a', 'b', 'w'], (ctx: NodeContext): Actor => {
    const voter = new LeaseVoter(ctx, { leaseDuration: LEASE, safetyMargin: MARGIN, recovering: ctx.bootCount > 0 });
    if (ctx.id === 'w') return { onMessage: (from: string, msg: Msg) => voter.handle(from, msg) };
    const holder = new LeaseHolder(ctx, {
      voters: ['a', 'b', 'w'].filter((v) => v !== ctx.id),
      selfVoter: voter,
      leaseDuration: LEASE,
      renewInterval: RENEW,
      safetyMargin: MARGIN,
      logPosition: () => ({ lastTerm: 0, length: 0 }),
      onAcquired: (epoch) => log.acquired.push({ node: ctx.id, at: h.sim.now, epoch }),
      onLost: () => log.lost.push({ node: ctx.id, at: h.sim.now }),
    });
    const send = ctx.send.bind(ctx);
    ctx.send = (to, msg) => {
      if (msg.type === 'lease-request') log.lastRenewalSent.set(ctx.id, h.sim.now);
      send(to, msg);
    };
    return {
      onStart: () => {
        if (ctx.id === 'a') holder.acquire();
        ctx.setTimer(RENEW, 'try');
      },
      onMessage: (from: string, msg: Msg) => voter.handle(from, msg) || holder.handle(from, msg),
      onTimer: (kind: string) => {
        if (kind !== 'try') return holder.onTimer(kind);
        ctx.setTimer(RENEW, 'try');
        if (ctx.id === 'b' && holder.state === 'idle' && voter.free()) holder.acquire();
      },
    };
  });
  return { h, log };
}

describe('witness lease (majority of a, b, w)', () => {
  it('a holder renewing with its peers keeps the lease; nobody else gets one', () => {
    const { h, log } = trio();
    h.runUntil(60 * SECOND);
    expect(log.acquired.map((a) => a.node)).toEqual(['a']);
    expect(log.lost).toEqual([]);
  });

  it('a holder cut off from every voter steps down before its lease ends on its own clock; the next holder starts only after the expiry plus the margin', () => {
    const { h, log } = trio();
    const cutAt = 20 * SECOND + 500 * MS;
    h.sim.at(cutAt, () => {
      for (const other of ['b', 'w']) {
        h.world.network.cut('a', other);
        h.world.network.cut(other, 'a');
      }
    });
    h.runUntil(60 * SECOND);
    const lastSent = log.lastRenewalSent.get('a')!;
    expect(log.lost).toHaveLength(1);
    const lostAt = log.lost[0].at;
    // the last renewal that got answered left a at most one renewal interval before the cut
    expect(lostAt).toBeLessThanOrEqual(cutAt + LEASE - MARGIN);
    expect(lostAt).toBeGreaterThanOrEqual(cutAt - RENEW + LEASE - MARGIN);
    expect(lastSent).toBeGreaterThan(cutAt); // it kept trying until the end
    const next = log.acquired.find((a) => a.node === 'b')!;
    expect(next.epoch).toBe(2);
    // the voters received a's last granted request before the cut: they wait lease + margin
    expect(next.at).toBeGreaterThanOrEqual(lostAt + 2 * MARGIN);
    expect(next.at).toBeLessThanOrEqual(cutAt + LEASE + MARGIN + 2 * RENEW);
  });

  it('a holder cut off only from its peer keeps the lease through the witness, and the peer cannot take it', () => {
    const { h, log } = trio();
    h.sim.at(20 * SECOND, () => {
      h.world.network.cut('a', 'b');
      h.world.network.cut('b', 'a');
    });
    h.runUntil(60 * SECOND);
    expect(log.acquired.map((a) => a.node)).toEqual(['a']);
    expect(log.lost).toEqual([]);
  });

  it('a voter that restarts grants nothing for one lease plus the margin', () => {
    const grants: { at: number; granted: boolean }[] = [];
    const h = harness(['v', 'c'], (ctx: NodeContext): Actor => {
      const voter = new LeaseVoter(ctx, { leaseDuration: LEASE, safetyMargin: MARGIN, recovering: ctx.bootCount > 0 });
      return {
        onStart: () => {
          if (ctx.id === 'c') ctx.setTimer(SECOND, 'ask');
        },
        onMessage: (from: string, msg: Msg) => {
          if (ctx.id === 'v') voter.handle(from, msg);
          else if (msg.type === 'lease-reply') grants.push({ at: h.sim.now, granted: msg.granted as boolean });
        },
        onTimer: () => {
          const request: LeaseRequest = { type: 'lease-request', requestId: 1, epoch: Math.floor(h.sim.now / SECOND) + 100, lastTerm: 0, length: 0 };
          ctx.send('v', request);
          ctx.setTimer(SECOND, 'ask');
        },
      };
    });
    h.sim.at(5 * SECOND + 500 * MS, () => h.world.node('v').crashProcess('test', 0));
    h.runUntil(25 * SECOND);
    const afterRestart = grants.filter((g) => g.at > 5.5 * SECOND);
    const firstGrant = afterRestart.find((g) => g.granted)!;
    expect(afterRestart[0].granted).toBe(false);
    expect(firstGrant.at).toBeGreaterThanOrEqual(5.5 * SECOND + LEASE + MARGIN);
  });
});

describe('the lease is checked at the moment of each ack', () => {
  it('an order whose replication finishes after the lease ran out is refused, not acked', () => {
    let leaseValid = true;
    const h = harness(
      ['a'],
      (ctx: NodeContext): Actor => {
        // replication that takes 50 ms: the lease lapses while orders wait for it
        const server = new OrderServer(ctx, {
          mayAct: () => leaseValid,
          replicate: (_entry, done) => {
            ctx.setTimer(50 * MS, 'replicated', done);
          },
        });
        return {
          onStart: () => server.becomePrimary(1),
          onMessage: (_from: string, msg: Msg) => server.handle(msg),
          onTimer: (_kind: string, done: unknown) => (done as (ok: boolean) => void)(true),
        };
      },
      { ordersPerSecond: 200 },
    );
    const lapseAt = 1 * SECOND;
    h.sim.at(lapseAt, () => (leaseValid = false));
    h.runUntil(2 * SECOND);
    const acks = h.world.history.events.filter((e) => e.type === 'ack-sent');
    const exchange = h.world.history.events.filter((e) => e.type === 'exchange');
    expect(acks.length).toBeGreaterThan(100);
    expect(acks.every((e) => e.time < lapseAt)).toBe(true);
    expect(exchange.every((e) => e.time < lapseAt + 1 * MS)).toBe(true);
    // orders that arrived before the lapse but would have finished after it were refused
    const invokedBefore = h.world.history.events.filter((e) => e.type === 'invoke' && e.time < lapseAt && e.time > lapseAt - 40 * MS);
    expect(invokedBefore.length).toBeGreaterThan(0);
  });
});
