import { describe, expect, it } from 'vitest';
import { RedisWait, WAIT_TIMER } from '../../src/parts/redis-wait.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import { harness, MS, SECOND } from './harness.ts';

/** WAIT 1 <100 ms> on a master whose replica has acked offset `acked`; `at(t)` runs the clock to t. */
function master() {
  let ctx!: NodeContext;
  let wait!: RedisWait;
  const state = { acked: 0 };
  const h = harness(['a'], (c) => {
    ctx = c;
    wait = new RedisWait(ctx, { waitReplicas: 1, waitTimeoutUs: 100 * MS, ackedAtLeast: (offset) => (state.acked >= offset ? 1 : 0) });
    return { onStart: () => {}, onMessage: () => {}, onTimer: (kind: string) => kind === WAIT_TIMER && wait.onTimer() };
  });
  h.runUntil(SECOND);
  const released: [number, boolean, number | undefined, number][] = [];
  const add = (offset: number) => wait.add(offset, (ok, replicas) => released.push([offset, ok, replicas, h.sim.now]));
  return { wait, state, released, add, at: (t: number) => h.runUntil(t) };
}

describe('WAIT numreplicas timeout (RedisWait)', () => {
  it('releases the writes a replica acked, oldest first, with the count reached', () => {
    const { wait, state, released, add } = master();
    add(1);
    add(2);
    wait.check();
    expect(released).toEqual([]);
    state.acked = 1;
    wait.check();
    expect(released.map(([o, ok, n]) => [o, ok, n])).toEqual([[1, true, 1]]);
    expect(wait.pending).toBe(true);
  });
  it('on timeout the client gets the count reached (0) and the order is acked anyway: best effort', () => {
    const { released, add, at } = master();
    add(1);
    at(SECOND + 99 * MS);
    expect(released).toEqual([]);
    at(SECOND + 100 * MS);
    expect(released).toEqual([[1, true, 0, SECOND + 100 * MS]]);
  });
  it('a demoted master releases every blocked client at once', () => {
    const { wait, released, add } = master();
    add(1);
    add(2);
    wait.release(false);
    expect(released.map(([o, ok]) => [o, ok])).toEqual([[1, false], [2, false]]);
    expect(wait.pending).toBe(false);
  });
});
