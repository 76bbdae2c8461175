/**
 * A node's DNS update (`ctx.updateDns`) is an API call to the DNS provider over the node's own
 * network: a node whose NIC or access switch is down cannot make it, so an isolated node that
 * promotes itself (dr-site's DR runbook behind a dead NIC) does not move the service's name.
 */
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/world/actor.ts';
import { testWorld } from './helpers.ts';

const SECOND = 1_000_000;

function world() {
  const contexts = new Map<string, NodeContext>();
  const w = testWorld({
    nodes: [{ id: 'a' }, { id: 'b' }],
    routing: { kind: 'dns', initial: 'a', ttl: 5 * SECOND, clientMinCache: 0 },
    workload: { ordersPerSecond: 0, clients: 1 },
    actor: (ctx) => (contexts.set(ctx.id, ctx), { onMessage: () => {} }),
  });
  w.start();
  return { w, ctx: (id: string) => contexts.get(id)! };
}

const dnsEvents = (w: ReturnType<typeof world>['w']) => w.history.events.filter((e) => e.type === 'dns').map((e) => (e as { node: string }).node);

describe('a DNS update from a node', () => {
  it('fails with a note, the record unchanged, while the node has no carrier; succeeds once it has', () => {
    const { w, ctx } = world();
    w.network.nicDown('b');
    expect(ctx('b').updateDns('b')).toBe(false);
    expect(dnsEvents(w)).toEqual([]);
    expect(w.history.events.some((e) => e.type === 'note' && /DNS update to b failed: no network/.test(String((e as { text?: string }).text)))).toBe(true);
    w.network.nicUp('b');
    expect(ctx('b').updateDns('b')).toBe(true);
    expect(dnsEvents(w)).toEqual(['b']);
  });
});
