import { describe, expect, it } from 'vitest';
import { DcsLeases, EXPIRY_TIMER } from '../../src/parts/dcs-leases.ts';
import type { DcsKeys } from '../../src/parts/dcs-store.ts';
import { harness, SECOND } from './harness.ts';

/** A leader's leases on node a, with the instants its expiry timer fires. */
function leader() {
  let leases!: DcsLeases;
  const fired: number[] = [];
  const h = harness(['a'], (ctx) => {
    leases = new DcsLeases(ctx);
    return {
      onStart: () => {},
      onMessage: () => {},
      onTimer: (kind: string) => {
        if (kind !== EXPIRY_TIMER) return;
        leases.fired();
        fired.push(h.sim.now);
      },
    };
  });
  h.runUntil(SECOND);
  return { leases: () => leases, fired, at: (t: number) => h.runUntil(t) };
}
const key = (modRev: number, ttlUs?: number) => ({ value: 'x', createRev: 1, modRev, ttlUs });

describe("the DCS leader's TTL leases (DcsLeases)", () => {
  it('a committed TTL key expires ttl after the commit that wrote it; the timer fires at the first expiry', () => {
    const { leases, fired, at } = leader();
    const keys: DcsKeys = { leader: key(1, 30 * SECOND), optime: key(1) };
    leases().track({}, keys);
    at(31 * SECOND - 1);
    expect(leases().expired()).toEqual([]);
    at(31 * SECOND);
    expect(fired).toEqual([31 * SECOND]);
    expect(leases().expired()).toEqual(['leader']);
  });
  it('a renewal (new modRev) restarts the TTL; a key the commit did not touch keeps its expiry', () => {
    const { leases, at } = leader();
    leases().track({}, { leader: key(1, 30 * SECOND), member: key(1, 30 * SECOND) });
    at(11 * SECOND);
    const before = { leader: key(1, 30 * SECOND), member: key(1, 30 * SECOND) };
    leases().track(before, { leader: key(2, 30 * SECOND), member: key(1, 30 * SECOND) });
    at(31 * SECOND);
    expect(leases().expired()).toEqual(['member']);
    at(41 * SECOND);
    expect(leases().expired().sort()).toEqual(['leader', 'member']);
  });
  it('a deleted key or one rewritten without a TTL is forgotten', () => {
    const { leases, at } = leader();
    leases().track({}, { a: key(1, SECOND), b: key(1, SECOND) });
    leases().track({ a: key(1, SECOND), b: key(1, SECOND) }, { b: key(2) });
    at(5 * SECOND);
    expect(leases().expired()).toEqual([]);
  });
  it("a new leader restarts every lease at its full TTL plus the election timeout (etcd lessor Promote)", () => {
    const { leases, at } = leader();
    leases().promote({ leader: key(7, 30 * SECOND), optime: key(7) }, SECOND);
    at(32 * SECOND - 1);
    expect(leases().expired()).toEqual([]);
    at(32 * SECOND);
    expect(leases().expired()).toEqual(['leader']);
  });
  it('a follower arms no timer, and a leader that steps down holds no leases', () => {
    const { leases, fired, at } = leader();
    leases().promote({ leader: key(1, SECOND) }, SECOND);
    leases().schedule(false);
    at(5 * SECOND);
    expect(fired).toEqual([]);
    leases().track({}, { leader: key(2, SECOND) });
    leases().clear();
    at(10 * SECOND);
    expect(fired).toEqual([]);
    expect(leases().expired()).toEqual([]);
  });
});
