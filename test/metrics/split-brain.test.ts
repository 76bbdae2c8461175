import { describe, expect, it } from 'vitest';
import { splitBrainTime } from '../../src/metrics/split-brain.ts';
import { ackSent, history, role } from '../check/helpers.ts';

describe('splitBrainTime', () => {
  it('sums belief and effective overlap over every pair', () => {
    const h = history([
      // a and b: 400 ms of belief, two primaries acting from a's first ack at 150 ms to its last at 300 ms.
      role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2),
      ackSent(150, 'a', 'o1'), ackSent(200, 'b', 'o2'), ackSent(250, 'b', 'o3'), ackSent(300, 'a', 'o4'), role(500, 'b', 'standby', 2),
      // a and c: 200 ms of belief only (c never acts).
      role(600, 'c', 'primary', 3), ackSent(700, 'a', 'o5'), role(800, 'c', 'standby', 3), role(900, 'a', 'standby', 1),
    ], { nodes: ['a', 'b', 'c'] });
    expect(splitBrainTime(h)).toEqual({ belief: 600, effective: 150 });
  });

  it('is zero without overlap', () => {
    expect(splitBrainTime(history([role(0, 'a', 'primary', 1), role(10, 'a', 'standby', 1), role(10, 'b', 'primary', 2)]))).toEqual({ belief: 0, effective: 0 });
  });
});
