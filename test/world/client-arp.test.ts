/**
 * The clients' ARP cache as Linux keeps it (src/world/routing.ts `garp`), per ip-sysctl
 * (arp_accept: "0 - don't create new entries in the ARP table ... If the ARP table already
 * contains the IP address of the gratuitous arp frame, the arp table will be updated regardless
 * if this setting is on or off"; neigh locktime default 1 s) and net/ipv4/arp.c arp_process
 * (`override = time_after(jiffies, n->updated + LOCKTIME) || is_garp`).
 */
import { describe, expect, it } from 'vitest';
import { testWorld } from './helpers.ts';
import type { RoutingSpec } from '../../src/world/design.ts';

const SECOND = 1_000_000;

function vipWorld(arp: Partial<Extract<RoutingSpec, { kind: 'vip' }>>) {
  const world = testWorld({
    nodes: [{ id: 'a' }, { id: 'b' }],
    routing: { kind: 'vip', garpCount: 1, garpInterval: SECOND, arpCacheTtl: 10 * SECOND, ...arp },
    workload: { ordersPerSecond: 0, clients: 2 },
    actor: (ctx) => ({ onStart: () => ctx.id === 'a' && ctx.takeVip(), onMessage: () => {} }),
  });
  world.start();
  return world;
}

describe('client ARP: arp_accept and locktime', () => {
  it('an older kernel ignores a GARP within the locktime of the last update: the client keeps the old MAC until its entry expires', () => {
    const world = vipWorld({ arpAccept: 0, arpLocktime: SECOND, garpOverridesLocktime: false });
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a'); // entry updated at 1 s (b not yet claiming)
    world.sim.runUntil(1.5 * SECOND);
    world.routing.claimVip('b', 'vip'); // GARP lands ~0.5 s after the update
    world.sim.runUntil(2 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a'); // ignored
    world.sim.runUntil(10.9 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
    world.sim.runUntil(11.1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b'); // expired: re-ARPed, the newest claimant answers
  });

  it('the same GARP after the locktime is taken', () => {
    const world = vipWorld({ arpAccept: 0, arpLocktime: SECOND, garpOverridesLocktime: false });
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
    world.sim.runUntil(2.5 * SECOND);
    world.routing.claimVip('b', 'vip');
    world.sim.runUntil(3 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
  });

  it('a current kernel lets a GARP override an existing entry whatever its age', () => {
    const world = vipWorld({ arpAccept: 0, arpLocktime: SECOND, garpOverridesLocktime: true });
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
    world.sim.runUntil(1.5 * SECOND);
    world.routing.claimVip('b', 'vip');
    world.sim.runUntil(2 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
  });

  it('arp_accept 0: a GARP creates no entry, so a client without one ARPs and takes a reachable holder; arp_accept 1: the GARP made the entry', () => {
    const holderFor = (arpAccept: 0 | 1) => {
      const world = vipWorld({ arpAccept, arpLocktime: SECOND, garpOverridesLocktime: true });
      world.sim.runUntil(1 * SECOND);
      world.routing.claimVip('b', 'vip'); // split brain: a and b both hold the VIP
      world.sim.runUntil(2 * SECOND);
      world.network.cut('b', 'client:2'); // b no longer answers client 2's ARP
      return world.routing.resolve('client:2'); // client 2 had no entry before b's GARP
    };
    expect(holderFor(0)).toBe('a');
    expect(holderFor(1)).toBe('b');
  });
});
