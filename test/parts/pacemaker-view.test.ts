import { describe, expect, it } from 'vitest';
import { pickStartNode, type PeerView } from '../../src/parts/pacemaker-view.ts';

const view = (v: Partial<PeerView>): PeerView => ({
  primary: false, diskOk: true, upToDate: false, boots: 0, unclean: [], epoch: 1, lastTerm: 1, length: 10, shutdown: false, banned: false, stopFailed: false, ...v,
});
const order = ['a', 'b', 'c'];
const pick = (...c: [string, Partial<PeerView>][]) => pickStartNode(c.map(([id, v]) => [id, view(v)]), order)[0];

describe("the DC's placement of the resources (pickStartNode)", () => {
  it('prefers an UpToDate node over newer data that is not (DRBD promotes only UpToDate when it can)', () => {
    expect(pick(['a', { epoch: 5, length: 99 }], ['b', { upToDate: true, epoch: 1 }])).toBe('b');
  });
  it('then the newest generation, then the last term, then the longest log', () => {
    expect(pick(['a', { epoch: 1 }], ['b', { epoch: 2 }])).toBe('b');
    expect(pick(['a', { lastTerm: 1 }], ['b', { lastTerm: 3 }])).toBe('b');
    expect(pick(['a', { length: 10 }], ['c', { length: 11 }])).toBe('c');
  });
  it('on a tie, the preferred node (location constraint), whatever the candidates order', () => {
    expect(pick(['c', {}], ['b', {}])).toBe('b');
    expect(pick(['b', {}], ['a', {}], ['c', {}])).toBe('a');
  });
});
