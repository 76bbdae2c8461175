/**
 * postgres-patroni: the timing that follows from ttl, loop_wait and retry_timeout, and the
 * DCS's role as the arbiter (Patroni 3.x docs: "Dynamic configuration settings", "DCS Failsafe
 * Mode"). The leader key is renewed every loop_wait; it expires ttl after the last renewal;
 * replicas watch it and race at once. A primary that cannot renew within retry_timeout demotes,
 * which is before the key can expire because loop_wait + 2 * retry_timeout <= ttl.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { resolveParams } from '../../src/world/params.ts';
import patroni from '../../models/postgres-patroni.ts';
import { SECOND, demotedAt, events, invariants, noteAt, promotions, run } from './postgres-patroni-helpers.ts';

const CRASH = '{ at: 20s, kind: process-crash, target: primary, for: 60s }';

describe('postgres-patroni in steady state', () => {
  it('runs pg1 as the only primary, loses nothing and has no violations', () => {
    const r = run([], {}, 1, '40s', '20s');
    expect(invariants(r)).toEqual([]);
    expect(promotions(r).map((e) => e.node)).toEqual(['pg1']);
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.metrics.acked).toBeGreaterThan(0.9 * r.metrics.orders);
  });

  it('rejects parameters it does not model, naming them', () => {
    expect(() => resolveParams(patroni, { synchronousNodeCount: '9' })).toThrow(InputError);
    expect(() => resolveParams(patroni, { synchronousMode: 'quorum-strict' })).toThrow(InputError);
    expect(resolveParams(patroni, { synchronousMode: 'strict', ttl: '20s' })).toMatchObject({ synchronousMode: 'strict', ttl: 20 * SECOND });
  });
});

describe('postgres-patroni failover after a primary crash', () => {
  // Patroni docs (ttl): "the length of time before initiation of the automatic failover
  // process". The key was last renewed at most loop_wait before the crash and expires ttl
  // after that renewal; replicas watching it race at once (and at the latest a loop later).
  it.each([1, 2, 3])('promotes a replica between ttl - loop_wait and ttl + loop_wait after the crash (seed %i)', (seed) => {
    const r = run([CRASH], {}, seed);
    const crash = events(r, 'fault-begin')[0].time;
    const next = promotions(r, crash, 'pg1')[0];
    expect(next).toBeDefined();
    expect(next.time - crash).toBeGreaterThanOrEqual(20 * SECOND);
    expect(next.time - crash).toBeLessThanOrEqual(40 * SECOND);
    expect(invariants(r)).toEqual([]);
  });

  it('follows ttl and loop_wait when they are overridden (ttl 20 s, loop_wait 5 s: 15-25 s)', () => {
    const r = run([CRASH], { ttl: '20s', loopWait: '5s', retryTimeout: '5s' });
    const crash = events(r, 'fault-begin')[0].time;
    const delay = promotions(r, crash, 'pg1')[0].time - crash;
    expect(delay).toBeGreaterThanOrEqual(15 * SECOND);
    expect(delay).toBeLessThanOrEqual(25 * SECOND);
  });

  it('lets the crashed primary rejoin as a replica of the new leader, with no second primary', () => {
    const r = run([CRASH]);
    const restart = events(r, 'fault-end')[0].time;
    expect(promotions(r, restart)).toEqual([]);
    expect(r.history.final.find((f) => f.node === 'pg1')?.lastRole).toBe('standby');
    expect(r.metrics.splitBrainMs.belief).toBe(0);
  });
});

describe('postgres-patroni when the primary loses the DCS', () => {
  const CUT_FROM_DCS = '{ at: 20s, kind: partition, groups: [[pg1], [dcs1, dcs2, dcs3]], for: 40s }';

  // Patroni docs (retry_timeout): "DCS or network issues shorter than this will not cause
  // Patroni to demote the leader"; and the rule loop_wait + 2 * retry_timeout <= ttl makes the
  // demotion come before the key expires ("DCS Failsafe Mode: in order to avoid a split-brain,
  // the old primary is demoted before the leader lock expires").
  it('demotes within loop_wait + retry_timeout, before a replica can take the key: no split brain', () => {
    const r = run([CUT_FROM_DCS]);
    const cut = 20 * SECOND;
    const demoted = demotedAt(r, 'pg1', cut)!;
    expect(demoted).toBeDefined();
    expect(demoted - cut).toBeGreaterThanOrEqual(10 * SECOND); // retry_timeout at least
    expect(demoted - cut).toBeLessThanOrEqual(20 * SECOND + SECOND);
    const next = promotions(r, cut, 'pg1')[0];
    expect(next.time).toBeGreaterThan(demoted);
    expect(r.metrics.splitBrainMs.belief).toBe(0);
    expect(invariants(r)).toEqual([]);
  });

  const DCS_DOWN = ['dcs1', 'dcs2', 'dcs3'].map((d) => `{ at: 20s, kind: process-crash, target: ${d}, for: 40s }`);

  it('demotes the primary when the whole DCS is down, and the service is out until it returns', () => {
    const r = run(DCS_DOWN);
    const demoted = demotedAt(r, 'pg1', 20 * SECOND)!;
    expect(demoted - 20 * SECOND).toBeLessThanOrEqual(21 * SECOND);
    expect(promotions(r, demoted).every((e) => e.time >= 60 * SECOND)).toBe(true);
    // out from its demotion until the DCS is back
    expect(r.metrics.outages.some((o) => o.startMs <= demoted / 1000 + 1_000 && o.endMs >= 60_000)).toBe(true);
  });

  // Patroni docs, DCS Failsafe Mode: "Postgres may continue to run as a primary if it can
  // access all known members of the cluster via Patroni REST API".
  it('keeps the primary running through a DCS outage with failsafe_mode, as every member answers', () => {
    const r = run(DCS_DOWN, { failsafeMode: true });
    expect(demotedAt(r, 'pg1', 20 * SECOND)).toBeUndefined();
    expect(noteAt(r, 'pg1', 'failsafe_mode', 20 * SECOND)).toBeDefined();
    expect(r.metrics.outages.some((o) => o.endMs > 20_000 && o.rtoMs > 1_000)).toBe(false);
    expect(invariants(r)).toEqual([]);
  });

  it('with failsafe_mode, also keeps a primary cut off from the DCS but not from its members (replicas do not race)', () => {
    const r = run([CUT_FROM_DCS], { failsafeMode: true });
    expect(promotions(r, 20 * SECOND, 'pg1')).toEqual([]);
    expect(invariants(r)).toEqual([]);
  });

  it('rides out the loss of a DCS minority, and demotes when a majority is lost', () => {
    const minority = run(['{ at: 20s, kind: process-crash, target: dcs1, for: 40s }']);
    expect(demotedAt(minority, 'pg1', 20 * SECOND)).toBeUndefined();
    expect(invariants(minority)).toEqual([]);
    const majority = run(DCS_DOWN.slice(0, 2));
    expect(demotedAt(majority, 'pg1', 20 * SECOND)).toBeDefined();
  });
});
