/**
 * DNS routing's failed lookups and negative caching (src/world/routing.ts): a client whose
 * recursive resolver does not answer has no route for the stub resolver's timeouts plus its
 * runtime's negative cache; a deleted name answers NXDOMAIN, which the resolver caches for its
 * negative TTL (RFC 2308 §5) for every client, so the re-created record stays invisible until
 * that expires.
 */
import { describe, expect, it } from 'vitest';
import { testWorld } from './helpers.ts';
import type { RoutingSpec } from '../../src/world/design.ts';

const SECOND = 1_000_000;

function dnsWorld(routing: Partial<Extract<RoutingSpec, { kind: 'dns' }>>) {
  const world = testWorld({
    nodes: [{ id: 'a' }, { id: 'b' }, { id: 'dns', serving: false }],
    routing: { kind: 'dns', initial: 'a', ttl: 5 * SECOND, clientMinCache: 0, ...routing },
    workload: { ordersPerSecond: 0, clients: 2 },
    actor: () => ({ onMessage: () => {} }),
  });
  world.start();
  return world;
}

describe('DNS failed lookups and negative caching', () => {
  it('a client cut off from its resolver has no route once its answer expires, for the lookup timeout plus its negative cache', () => {
    const world = dnsWorld({ resolver: 'dns', lookupTimeout: 10 * SECOND, clientNegativeTtl: 10 * SECOND });
    expect(world.routing.resolve('client:1')).toBe('a');
    world.network.cut('client:1', 'dns');
    world.sim.runUntil(4 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a'); // still cached (TTL 5 s)
    world.sim.runUntil(6 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined(); // lookup fails at 6 s
    expect(world.routing.resolve('client:2')).toBe('a'); // its own path to the resolver is fine
    world.network.uncut('client:1', 'dns');
    world.sim.runUntil(25.9 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined(); // 10 s of timeouts + 10 s cached
    world.sim.runUntil(26.1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('a');
  });

  it('a crashed resolver answers nobody; without a negative cache the client asks again at once after its timeout', () => {
    const world = dnsWorld({ resolver: 'dns', lookupTimeout: 10 * SECOND, clientNegativeTtl: 0 });
    world.node('dns').crashProcess('test', 'never');
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined();
    world.sim.runUntil(10.9 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined();
    world.sim.runUntil(11.1 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined(); // asked again: still down
  });

  it('a record deleted and re-created: NXDOMAIN in the gap is cached by the resolver for every client until the negative TTL ends', () => {
    const world = dnsWorld({ negativeTtl: 60 * SECOND, clientNegativeTtl: 0 });
    world.routing.updateDns('b', 2 * SECOND);
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined(); // NXDOMAIN, cached until 61 s
    world.sim.runUntil(3 * SECOND); // the record exists again
    expect(world.routing.resolve('client:2')).toBeUndefined(); // from the resolver's negative cache
    world.sim.runUntil(60.9 * SECOND);
    expect(world.routing.resolve('client:1')).toBeUndefined();
    world.sim.runUntil(61.1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
    expect(world.routing.resolve('client:2')).toBe('b');
  });

  it('an atomic change never answers NXDOMAIN', () => {
    const world = dnsWorld({ negativeTtl: 60 * SECOND });
    world.routing.updateDns('b');
    world.sim.runUntil(1 * SECOND);
    expect(world.routing.resolve('client:1')).toBe('b');
  });
});
