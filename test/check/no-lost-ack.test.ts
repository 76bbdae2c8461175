import { describe, expect, it } from 'vitest';
import { authoritativeNode } from '../../src/check/authority.ts';
import { lostAcks, noLostAck } from '../../src/check/no-lost-ack.ts';
import type { FinalNodeState, HistoryEvent, Role } from '../../src/history/history.ts';
import { acked, crash, final, history, ms, role } from './helpers.ts';

const served = [role(0, 'a', 'primary', 1), acked('o1', 10, 'a'), acked('o2', 20, 'a'), acked('o3', 30, 'a')];

describe('no-lost-ack', () => {
  it('stays quiet when every acked order is in the primary log', () => {
    const h = history(served, { final: [final('a', 'up', ['o1', 'o2', 'o3'], 'primary', 1), final('b', 'up', ['o1'], 'standby', 1)] });
    expect(noLostAck.check(h)).toEqual([]);
  });

  it('catches an acked order missing from the authoritative log, at its ack time', () => {
    const h = history(served, { final: [final('a', 'up', ['o1', 'o3'], 'primary', 1)] });
    const violations = noLostAck.check(h);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ invariant: 'no-lost-ack', time: ms(22) });
    expect(violations[0].detail).toMatch(/^1 acked order\(s\) missing from the durable log of a \(up, epoch 1\): o2/);
  });

  it('reports many losses as one violation with the count and the first few ids', () => {
    const events = [role(0, 'a', 'primary', 1)];
    for (let i = 0; i < 8; i++) events.push(...acked(`o${i}`, 10 * (8 - i), 'a'));
    const violations = noLostAck.check(history(events, { final: [final('a', 'up', [], 'primary', 1)] }));
    expect(violations).toHaveLength(1);
    expect(violations[0].time).toBe(ms(12)); // o7, the first acked
    expect(violations[0].detail).toContain('8 acked order(s)');
    expect(violations[0].detail).toContain('o7 (acked 0.012s), o6');
    expect(violations[0].detail).toContain('and 3 more');
  });

  it('judges against the running primary, not a crashed one with a longer log', () => {
    const h = history([...served, role(40, 'b', 'primary', 2)], {
      final: [final('a', 'crashed', ['o1', 'o2', 'o3'], 'primary', 1), final('b', 'up', ['o1', 'o2'], 'primary', 2)],
    });
    expect(authoritativeNode(h)?.node).toBe('b');
    expect(lostAcks(h)).toEqual([{ orderId: 'o3', ackAt: ms(32) }]);
  });

  it('does not report orders that were never acked', () => {
    const h = history([role(0, 'a', 'primary', 1), acked('o1', 10, 'a')], { final: [final('a', 'up', ['o1'], 'primary', 1)] });
    expect(lostAcks(h)).toEqual([]);
  });

  it('has nothing to judge when no node ever declared primary', () => {
    const h = history([acked('o1', 10, 'a')], { final: [final('a', 'up', [])] });
    expect(noLostAck.check(h)).toEqual([]);
  });
});

describe('authoritativeNode', () => {
  it('prefers running over stopped, then the higher epoch, then the later declaration', () => {
    const events = [role(0, 'a', 'primary', 1), role(10, 'b', 'primary', 2), role(20, 'c', 'primary', 2)];
    const frame = { nodes: ['a', 'b', 'c'] };
    expect(authoritativeNode(history(events, { ...frame, final: [final('a', 'up', [], 'primary', 1), final('b', 'off', [], 'primary', 2)] }))?.node).toBe('a');
    expect(authoritativeNode(history(events, { ...frame, final: [final('a', 'paused', [], 'primary', 1), final('b', 'up', [], 'primary', 2)] }))?.node).toBe('b');
    expect(authoritativeNode(history(events, { ...frame, final: [final('c', 'up', [], 'primary', 2), final('b', 'up', [], 'primary', 2)] }))?.node).toBe('c');
  });

  it('falls back to the node that last declared primary when none ends as primary', () => {
    const h = history([role(0, 'a', 'primary', 1), role(10, 'b', 'primary', 2), role(20, 'b', 'down', 2)], {
      final: [final('a', 'up', [], 'standby', 1), final('b', 'crashed', ['o1'], 'down', 2)],
    });
    expect(authoritativeNode(h)?.node).toBe('b');
  });

  it('is undefined when no node ever declared primary', () => {
    expect(authoritativeNode(history([role(0, 'a', 'standby')], { final: [final('a', 'up', [], 'standby', 1)] }))).toBeUndefined();
  });
});

describe('no-lost-ack with scopes (one authority per shard)', () => {
  const scoped = (atMs: number, node: string, r: Role, epoch: number, scope: string): HistoryEvent => ({ ...role(atMs, node, r, epoch), scope } as HistoryEvent);
  const shards = (s1: FinalNodeState, s2: FinalNodeState, spare: FinalNodeState) => ({ nodes: ['a1', 'a2', 's'], final: [s1, s2, spare] });
  const withScopes = (f: FinalNodeState, roles: Record<string, { role: Role; epoch: number }>): FinalNodeState => ({ ...f, lastRoleByScope: roles });
  const events = [
    scoped(0, 'a1', 'primary', 1, 'shard1'), scoped(0, 'a2', 'primary', 1, 'shard2'),
    scoped(0, 's', 'standby', 1, 'shard1'), scoped(0, 's', 'standby', 1, 'shard2'),
    acked('x1', 10, 'a1'), acked('y1', 11, 'a2'), acked('y2', 20, 'a2'),
    crash(30, 'a2'), scoped(33, 's', 'primary', 2, 'shard2'), acked('y3', 40, 's'),
  ];

  it('judges each order against the log of its own shard', () => {
    const h = history(events, shards(
      withScopes(final('a1', 'up', ['x1']), { shard1: { role: 'primary', epoch: 1 } }),
      withScopes(final('a2', 'crashed', ['y1', 'y2']), { shard2: { role: 'primary', epoch: 1 } }),
      withScopes(final('s', 'up', ['x1', 'y1', 'y2', 'y3']), { shard1: { role: 'standby', epoch: 1 }, shard2: { role: 'primary', epoch: 2 } }),
    ));
    expect(authoritativeNode(h, 'shard1')?.node).toBe('a1');
    expect(authoritativeNode(h, 'shard2')?.node).toBe('s');
    expect(authoritativeNode(h)).toBeUndefined();
    expect(noLostAck.check(h)).toEqual([]);
  });

  it('reports an order its shard failed over without, naming the shard', () => {
    const h = history(events, shards(
      withScopes(final('a1', 'up', ['x1']), { shard1: { role: 'primary', epoch: 1 } }),
      withScopes(final('a2', 'crashed', ['y1', 'y2']), { shard2: { role: 'primary', epoch: 1 } }),
      withScopes(final('s', 'up', ['x1', 'y1', 'y3']), { shard1: { role: 'standby', epoch: 1 }, shard2: { role: 'primary', epoch: 2 } }),
    ));
    expect(lostAcks(h)).toEqual([{ orderId: 'y2', ackAt: ms(22), scope: 'shard2' }]);
    const violations = noLostAck.check(h);
    expect(violations).toHaveLength(1);
    // timed at the event that lost it (a2's crash), with the ack time kept in the detail
    expect(violations[0].time).toBe(ms(30));
    expect(violations[0].detail).toMatch(/^shard2: 1 acked order\(s\) missing from the durable log of s \(up, epoch 2\), lost at a2 crashed 0\.030s: y2 \(acked 0\.022s\)/);
  });

  it('times a loss by failover at the promotion of the node without it', () => {
    const h = history([role(0, 'a', 'primary', 1), acked('o1', 10, 'a'), role(500, 'b', 'primary', 2), role(600, 'a', 'standby', 2)], {
      final: [final('a', 'up', ['o1'], 'standby', 2), final('b', 'up', [], 'primary', 2)],
    });
    const [violation] = noLostAck.check(h);
    expect(violation.time).toBe(ms(500));
    expect(violation.detail).toContain('lost at b promoted 0.500s: o1 (acked 0.012s)');
  });
});
