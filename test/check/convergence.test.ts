import { describe, expect, it } from 'vitest';
import { convergence } from '../../src/check/convergence.ts';
import { CHECKPOINT_ENTRIES, FoldedLog } from '../../src/history/durable-log.ts';
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

describe('convergence over compacted logs (folded prefixes)', () => {
  const K = CHECKPOINT_ENTRIES;
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `c1-${i}`);
  /** A final state whose first `folded` entries are folded, as a compacting disk leaves them. */
  const foldedFinal = (node: string, log: string[], folded: number, lastRole: Role): FinalNodeState => {
    const f = new FoldedLog();
    for (const id of log.slice(0, folded)) f.add(id);
    return { ...final(node, 'up', [], lastRole, 1), durableLog: { length: log.length, folded: f, tail: log.slice(folded) } };
  };
  const check = (a: FinalNodeState, b: FinalNodeState) => convergence.check(history(declared, frame([a, b])));

  it('accepts equal logs folded at different points, and a replica lagging inside the other fold', () => {
    const log = ids(5 * K + 30);
    expect(check(foldedFinal('a', log, 4 * K + 7, 'primary'), foldedFinal('b', log, 2 * K + 1, 'standby'))).toEqual([]);
    expect(check(foldedFinal('a', log, 4 * K + 7, 'primary'), foldedFinal('b', log.slice(0, 3 * K + 100), 2 * K, 'standby'))).toEqual([]);
    expect(check(foldedFinal('a', log.slice(0, 3 * K), K, 'primary'), foldedFinal('b', log, 4 * K, 'standby'))).toEqual([]);
  });

  it('catches a swap inside both folds, by the range of positions it lies in', () => {
    const log = ids(4 * K);
    const swapped = log.slice();
    [swapped[K + 10], swapped[K + 11]] = [swapped[K + 11], swapped[K + 10]];
    expect(check(foldedFinal('a', log, 3 * K, 'primary'), foldedFinal('b', swapped, 3 * K + 5, 'standby')).map((v) => v.detail)).toEqual([
      `b diverges from a within log positions ${K}-${2 * K - 1}, compacted (logs of ${4 * K} and ${4 * K} orders)`,
    ]);
  });

  it('catches a divergence past one fold at its exact position', () => {
    const log = ids(3 * K);
    const other = log.slice();
    other[2 * K + 3] = 'x-1';
    expect(check(foldedFinal('a', log, 2 * K, 'primary'), foldedFinal('b', other, K, 'standby')).map((v) => v.detail)).toEqual([
      `b diverges from a at log position ${2 * K + 3}: x-1 vs c1-${2 * K + 3} (logs of ${3 * K} and ${3 * K} orders)`,
    ]);
  });

  it('catches a lagging replica holding an order the other folded log lacks', () => {
    const log = ids(4 * K);
    const lagging = log.slice(0, 2 * K + 50);
    lagging[2 * K + 20] = 'x-7';
    expect(check(foldedFinal('a', log, 3 * K, 'primary'), foldedFinal('b', lagging, 2 * K, 'standby')).map((v) => v.detail)).toEqual([
      `b diverges from a within log positions ${2 * K}-${2 * K + 49}, compacted (logs of ${2 * K + 50} and ${4 * K} orders)`,
    ]);
  });
});
