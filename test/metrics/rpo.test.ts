import { describe, expect, it } from 'vitest';
import { recoveryPoint } from '../../src/metrics/rpo.ts';
import { acked, final, history, role } from '../check/helpers.ts';

const served = [role(0, 'a', 'primary', 1), acked('o1', 0, 'a'), acked('o2', 100, 'a'), acked('o3', 350, 'a')];

describe('recoveryPoint', () => {
  it('counts lost acked orders and the span of their acks', () => {
    expect(recoveryPoint(history(served, { final: [final('a', 'up', ['o1'], 'primary', 1)] }))).toEqual({ lostAcked: 2, rpoMs: 250 });
  });

  it('is a zero span for one lost order', () => {
    expect(recoveryPoint(history(served, { final: [final('a', 'up', ['o1', 'o3'], 'primary', 1)] }))).toEqual({ lostAcked: 1, rpoMs: 0 });
  });

  it('is zero when nothing is lost', () => {
    expect(recoveryPoint(history(served, { final: [final('a', 'up', ['o3', 'o2', 'o1'], 'primary', 1)] }))).toEqual({ lostAcked: 0, rpoMs: 0 });
  });
});
