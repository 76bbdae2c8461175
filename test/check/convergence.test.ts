import { describe, expect, it } from 'vitest';
import { convergence } from '../../src/check/convergence.ts';
import type { FinalNodeState } from '../../src/check/history.ts';
import { final, history, ms, role } from './helpers.ts';

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
