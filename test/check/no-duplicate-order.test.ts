import { describe, expect, it } from 'vitest';
import { duplicateAcceptances, noDuplicateOrder } from '../../src/check/no-duplicate-order.ts';
import { exchange, history, ms } from './helpers.ts';

describe('no-duplicate-order', () => {
  it('stays quiet when each order id is accepted once', () => {
    expect(noDuplicateOrder.check(history([exchange(10, 'a', 'o1'), exchange(20, 'a', 'o2'), exchange(30, 'b', 'o3')]))).toEqual([]);
  });

  it('catches a second acceptance, at its instant, naming both nodes', () => {
    const violations = noDuplicateOrder.check(history([exchange(10, 'a', 'o1'), exchange(25, 'b', 'o1')]));
    expect(violations).toEqual([
      { invariant: 'no-duplicate-order', time: ms(25), detail: 'order o1 accepted again from b, first accepted from a at 0.010s' },
    ]);
  });

  it('does not count rejected copies', () => {
    expect(noDuplicateOrder.check(history([exchange(10, 'a', 'o1'), exchange(20, 'b', 'o1', false)]))).toEqual([]);
    expect(noDuplicateOrder.check(history([exchange(10, 'b', 'o1', false), exchange(20, 'a', 'o1')]))).toEqual([]);
  });

  it('reports every extra acceptance, even from the same node', () => {
    const h = history([exchange(10, 'a', 'o1'), exchange(20, 'a', 'o1'), exchange(30, 'b', 'o1')]);
    expect(duplicateAcceptances(h).map((d) => [d.again.node, d.again.time])).toEqual([['a', ms(20)], ['b', ms(30)]]);
  });
});
