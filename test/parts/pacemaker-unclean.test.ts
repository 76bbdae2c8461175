import { describe, expect, it } from 'vitest';
import { UncleanNodes } from '../../src/parts/pacemaker-unclean.ts';
import { tokenHold } from '../../src/parts/corosync-cluster.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import { harness, MS, SECOND } from './harness.ts';

/** A node whose context the test drives: `at(t, f)` runs f at virtual time t. */
function node() {
  let ctx!: NodeContext;
  const h = harness(['a'], (c) => {
    ctx = c;
    return { onStart: () => {}, onMessage: () => {}, onTimer: () => {} };
  });
  h.runUntil(0);
  return { unclean: new UncleanNodes(ctx), at: (t: number) => h.runUntil(t) };
}

describe("a controller's unclean nodes", () => {
  it('lists them in loss order; a confirmed fence clears one and says whether it was unclean', () => {
    const { unclean } = node();
    unclean.add('c', false, 1);
    unclean.add('b', true, 1);
    expect(unclean.list()).toEqual(['c', 'b']);
    expect(unclean.fenced('c')).toBe(true);
    expect(unclean.fenced('c')).toBe(false);
    expect(unclean.list()).toEqual(['b']);
    expect(unclean.size).toBe(1);
  });
  it('a node back with a restarted stack that runs nothing is clean; not one that did not restart or runs the resources', () => {
    const { unclean } = node();
    unclean.add('b', true, 2);
    expect(unclean.rejoinedRestarted('b', 2, false)).toBe(false);
    expect(unclean.rejoinedRestarted('b', 3, true)).toBe(false);
    expect(unclean.has('b')).toBe(true);
    expect(unclean.rejoinedRestarted('b', 3, false)).toBe(true);
    expect(unclean.has('b')).toBe(false);
  });
  it('knows a node fenced after it was last heard, and a fence within a window', () => {
    const { unclean, at } = node();
    at(SECOND);
    unclean.heard('b');
    expect(unclean.fencedSinceHeard('b')).toBe(false);
    at(2 * SECOND);
    unclean.fenced('b');
    expect(unclean.fencedSinceHeard('b')).toBe(true);
    at(2 * SECOND + 500 * MS);
    expect(unclean.fencedWithin('b', SECOND)).toBe(true);
    at(3 * SECOND + 1);
    expect(unclean.fencedWithin('b', SECOND)).toBe(false);
    unclean.heard('b');
    expect(unclean.fencedSinceHeard('b')).toBe(false);
  });
});

describe("corosync's token hold on an idle ring", () => {
  it('is 561 ms for token 3000 and 4 retransmits, as corosync-cmapctl runtime.config.totem.hold shows', () => {
    expect(tokenHold(3000 * MS, 4)).toBe(561 * MS);
  });
});
