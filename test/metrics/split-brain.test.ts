import { describe, expect, it } from 'vitest';
import { splitBrainTime } from '../../src/metrics/split-brain.ts';
import { ackSent, history, role } from '../check/helpers.ts';

describe('splitBrainTime', () => {
  it('sums belief and effective overlap over every pair', () => {
    const h = history([
      // a and b: 400 ms of belief; b, the side that stops acting first, acts from 200 ms to 250 ms while a acts too.
      role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2),
      ackSent(150, 'a', 'o1'), ackSent(200, 'b', 'o2'), ackSent(250, 'b', 'o3'), ackSent(300, 'a', 'o4'), role(500, 'b', 'standby', 2),
      // a and c: 200 ms of belief only (c never acts).
      role(600, 'c', 'primary', 3), ackSent(700, 'a', 'o5'), role(800, 'c', 'standby', 3), role(900, 'a', 'standby', 1),
    ], { nodes: ['a', 'b', 'c'] });
    expect(splitBrainTime(h)).toEqual({ belief: 600, effective: 50, effectivePairs: 1 });
  });

  it('counts a stray primary whose effects fall at one instant as an effective pair of 0 ms', () => {
    // b primary from 100 ms, a acks once at 150 ms, then b serves for 10 s: 0 ms of stray acting, one pair
    const acks = Array.from({ length: 100 }, (_, i) => ackSent(200 + 100 * i, 'b', `b${i}`));
    const h = history([role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2), ackSent(150, 'a', 'o1'), ...acks]);
    expect(splitBrainTime(h)).toMatchObject({ effective: 0, effectivePairs: 1 });
  });

  it('is zero without overlap', () => {
    expect(splitBrainTime(history([role(0, 'a', 'primary', 1), role(10, 'a', 'standby', 1), role(10, 'b', 'primary', 2)]))).toEqual({ belief: 0, effective: 0, effectivePairs: 0 });
  });
});
