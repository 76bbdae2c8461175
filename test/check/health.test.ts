import { describe, expect, it } from 'vitest';
import { noHealthyNodePeriods } from '../../src/check/health.ts';
import { crash, faultBegin, faultEnd, history, ms, nodeState } from './helpers.ts';

describe('noHealthyNodePeriods', () => {
  it('finds the time when one node is down and the other is a fault target', () => {
    const h = history([crash(100, 'a'), faultBegin(200, 1, ['b', 'sw-1']), nodeState(300, 'a', 'up'), faultEnd(400, 1, [])]);
    expect(noHealthyNodePeriods(h)).toEqual([{ start: ms(200), end: ms(300) }]);
  });

  it('counts paused nodes as unhealthy and keeps overlapping faults apart by id', () => {
    const h = history([
      nodeState(100, 'a', 'paused'), faultBegin(150, 1, ['b']), faultBegin(160, 2, ['b']), faultEnd(170, 1, ['b']), faultEnd(250, 2, ['b']),
    ]);
    expect(noHealthyNodePeriods(h)).toEqual([{ start: ms(150), end: ms(250) }]);
  });

  it('ignores a swap at one instant and runs an unended period to the end of the run', () => {
    const h = history([crash(100, 'a'), nodeState(200, 'a', 'up'), crash(200, 'b'), crash(300, 'a')]);
    expect(noHealthyNodePeriods(h)).toEqual([{ start: ms(300), end: h.endAt }]);
  });

  it('ignores targets that are not nodes', () => {
    expect(noHealthyNodePeriods(history([crash(100, 'a'), faultBegin(200, 1, ['a->b', 'rack-1'])]))).toEqual([]);
  });
});
