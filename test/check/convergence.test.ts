import { describe, expect, it } from 'vitest';
import { convergence } from '../../src/check/convergence.ts';
import type { FinalNodeState, HistoryEvent, Role } from '../../src/history/history.ts';
import { acked, final, history, ms, role } from './helpers.ts';

const declared = [role(0, 'a', 'primary', 1)];
const frame = (finals: FinalNodeState[]) => ({ nodes: ['a', 'b', 'c'], final: finals });

describe('convergence', () => {
  it('accepts a lagging replica whose log is a prefix of the authority', () => {
    const h = history(declared, frame([final('a', 'up', ['o1', 'o2', 'o3'], 'primary', 1), final('b', 'up', ['o1', 'o2'], 'standby', 1)]));
    expect(convergence.check(h)).toEqual([]);
  });

  it('accepts a replica ahead of the authority', () => {
    const h = history(declared, frame([final('a', 'up', ['o1'], 'primary', 1), final('b', 'up', ['o1', 'o2'], 'standby', 1)]));
    expect(convergence.check(h)).toEqual([]);
  });

  it('catches a replica with a different order at the same position, at the end of the run', () => {
    const h = history(declared, frame([final('a', 'up', ['o1', 'o2', 'o3'], 'primary', 1), final('b', 'up', ['o1', 'x9'], 'standby', 1)]));
    expect(convergence.check(h)).toEqual([
      { invariant: 'convergence', time: h.endAt, detail: 'b diverges from a at log position 1: x9 vs o2 (logs of 2 and 3 orders)' },
    ]);
    expect(h.endAt).toBe(ms(91_000));
  });

  it('judges only running replicas with a non-empty log', () => {
    const h = history(declared, frame([
      final('a', 'up', ['o1', 'o2'], 'primary', 1), final('b', 'crashed', ['x1'], 'standby', 1), final('c', 'up', [], 'standby', 1),
    ]));
    expect(convergence.check(h)).toEqual([]);
  });

  it('reports one violation per divergent replica, in node order', () => {
    const h = history(declared, frame([
      final('a', 'up', ['o1'], 'primary', 1), final('c', 'up', ['x'], 'standby', 1), final('b', 'up', ['y'], 'standby', 1),
    ]));
    expect(convergence.check(h).map((v) => v.detail.split(' ')[0])).toEqual(['b', 'c']);
  });

  it('has nothing to judge without an authoritative node', () => {
    const h = history([], frame([final('a', 'up', ['o1']), final('b', 'up', ['x1'])]));
    expect(convergence.check(h)).toEqual([]);
  });
});

describe('convergence with scopes (a shared standby holds every shard)', () => {
  const scoped = (atMs: number, node: string, r: Role, epoch: number, scope: string): HistoryEvent => ({ ...role(atMs, node, r, epoch), scope } as HistoryEvent);
  const events = [
    scoped(0, 'a1', 'primary', 1, 'shard1'), scoped(0, 'a2', 'primary', 1, 'shard2'),
    scoped(0, 's', 'standby', 1, 'shard1'), scoped(0, 's', 'standby', 1, 'shard2'),
    acked('x1', 10, 'a1'), acked('y1', 11, 'a2'), acked('x2', 12, 'a1'), acked('y2', 13, 'a2'),
  ];
  const finals = (spare: string[]): { nodes: string[]; final: FinalNodeState[] } => ({
    nodes: ['a1', 'a2', 's'],
    final: [
      { ...final('a1', 'up', ['x1', 'x2']), lastRoleByScope: { shard1: { role: 'primary' as Role, epoch: 1 } } },
      { ...final('a2', 'up', ['y1', 'y2']), lastRoleByScope: { shard2: { role: 'primary' as Role, epoch: 1 } } },
      { ...final('s', 'up', spare), lastRoleByScope: { shard1: { role: 'standby' as Role, epoch: 1 }, shard2: { role: 'standby' as Role, epoch: 1 } } },
    ],
  });

  it('compares each shard against the interleaved log of the standby, restricted to that shard', () => {
    expect(convergence.check(history(events, finals(['x1', 'y1', 'x2', 'y2'])))).toEqual([]);
    expect(convergence.check(history(events, finals(['y1', 'x1'])))).toEqual([]);
  });

  it('catches a standby whose copy of one shard diverges', () => {
    const violations = convergence.check(history(events, finals(['x2', 'y1', 'y2'])));
    expect(violations).toHaveLength(1);
    expect(violations[0].detail).toBe('shard1: s diverges from a1 at log position 0: x2 vs x1 (logs of 1 and 2 orders)');
  });
});
