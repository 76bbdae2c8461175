/**
 * redis-sentinel: the detection and failover timing that follows from Sentinel's periods and
 * down-after-milliseconds, and TILT (Redis Sentinel docs: "Sentinels and replicas auto
 * discovery", "SDOWN and ODOWN failure state", "Replica selection and priority", "TILT mode").
 *
 * A Sentinel PINGs every second and marks an instance SDOWN once its oldest unanswered PING is
 * older than down-after-milliseconds, so SDOWN comes 30-31 s after a crash; ODOWN needs quorum
 * (2) Sentinels to agree, asked every second; the elected leader then sends REPLICAOF NO ONE.
 */
import { describe, expect, it } from 'vitest';
import { SECOND, acksBy, events, invariants, notes, promotions, run } from './redis-sentinel-helpers.ts';

const CRASH = '{ at: 20s, kind: process-crash, target: redis1, for: 60s }';

describe('redis-sentinel in steady state', () => {
  it('keeps redis1 the only master, replicates to both replicas and loses nothing', () => {
    const r = run([], {}, 1, '30s', '10s');
    expect(invariants(r)).toEqual([]);
    expect(promotions(r).map((e) => e.node)).toEqual(['redis1']);
    expect(r.metrics.lostAcked).toBe(0);
    const final = Object.fromEntries(r.history.final.map((f) => [f.node, f.durableLog.length]));
    expect(final.redis2).toBe(final.redis1);
    expect(final.redis3).toBe(final.redis1);
  });
});

describe('redis-sentinel failure detection and failover', () => {
  it.each([1, 2])('marks the crashed master SDOWN down-after-milliseconds (30 s) after its last PING reply (seed %i)', (seed) => {
    const r = run([CRASH], {}, seed);
    const sdown = notes(r, '+sdown master redis1');
    expect(new Set(sdown.map((e) => e.node))).toEqual(new Set(['sentinel1', 'sentinel2', 'sentinel3']));
    for (const e of sdown) {
      // the first unanswered PING goes out within a PING period (1 s) of the crash; ticks are <= 100 ms
      expect(e.time - 20 * SECOND).toBeGreaterThan(30 * SECOND);
      expect(e.time - 20 * SECOND).toBeLessThan(31.2 * SECOND);
    }
  });

  it('follows down-after-milliseconds when it is overridden (5000 ms: SDOWN 5-6 s after the crash)', () => {
    const r = run([CRASH], { downAfterMilliseconds: 5000 });
    const first = notes(r, '+sdown master redis1')[0];
    expect(first.time - 20 * SECOND).toBeGreaterThan(5 * SECOND);
    expect(first.time - 20 * SECOND).toBeLessThan(6.2 * SECOND);
  });

  it('fails over after ODOWN (quorum 2) and a majority vote: a replica is master 30-35 s after the crash', () => {
    const r = run([CRASH]);
    const firstSdown = notes(r, '+sdown master redis1')[0].time;
    const odown = notes(r, '+odown master redis1')[0].time;
    expect(odown - firstSdown).toBeLessThan(1.5 * SECOND);
    const elected = notes(r, '+elected-leader');
    expect(elected.length).toBe(1);
    const promoted = promotions(r, 20 * SECOND, 'redis1')[0];
    expect(promoted.time).toBeGreaterThan(elected[0].time);
    expect(promoted.time - 20 * SECOND).toBeGreaterThan(30 * SECOND);
    expect(promoted.time - 20 * SECOND).toBeLessThan(35 * SECOND);
    // every Sentinel ends up with the new master (hello messages carry the new config epoch)
    expect(new Set(notes(r, `+switch-master mymaster redis1 ${promoted.node}`).map((e) => e.node))).toEqual(new Set(['sentinel1', 'sentinel2', 'sentinel3']));
    // the clients' outage is detection plus failover: over 30 s, under the 60 s RTO target
    const outage = r.metrics.outages.find((o) => o.startMs >= 19_000 && o.startMs <= 22_000)!;
    expect(outage.rtoMs).toBeGreaterThan(30_000);
    expect(outage.rtoMs).toBeLessThan(37_000);
    expect(invariants(r)).toEqual([]);
  });

  it('turns the old master, restarted as master, into a replica of the new one', () => {
    const r = run([CRASH]);
    const promoted = promotions(r, 20 * SECOND, 'redis1')[0].node;
    const converted = notes(r, '+convert-to-slave redis1')[0];
    expect(converted.time).toBeGreaterThan(80 * SECOND);
    expect(notes(r, `now a replica of ${promoted}`, 'redis1').length).toBe(1);
    expect(r.history.final.find((f) => f.node === 'redis1')?.lastRole).toBe('standby');
  });

  // Redis docs, replica-priority: "a replica with a priority of 0 ... will never be selected".
  it('never promotes a replica with replica-priority 0: the failover aborts (no good slave)', () => {
    const r = run([CRASH], { replicaPriority: 0 });
    expect(promotions(r, 20 * SECOND, 'redis1')).toEqual([]);
    expect(notes(r, '-failover-abort-no-good-slave').length).toBeGreaterThan(0);
  });
});

describe('redis-sentinel TILT mode', () => {
  // Redis Sentinel docs, TILT mode: Sentinel "is heavily dependent on the computer time";
  // when the timer sees a jump (more than 2 s, or backwards) it enters TILT for 30 s and
  // does not act, nor does it report the master down to others.
  const JUMPS = [
    '{ at: 20s, kind: process-crash, target: redis1, for: 80s }',
    '{ at: 45s, kind: clock-jump, target: sentinel2, by: 5s }',
    '{ at: 45s, kind: clock-jump, target: sentinel3, by: -5s }',
  ];

  it('enters TILT on a clock jump either way, and delays the failover until TILT ends 30 s later', () => {
    const r = run(JUMPS, {}, 1, '100s', '30s');
    const tilts = notes(r, '+tilt');
    expect(tilts.map((e) => e.node).sort()).toEqual(['sentinel2', 'sentinel3']);
    for (const t of tilts) expect(t.time - 45 * SECOND).toBeLessThan(0.2 * SECOND);
    // sentinel1 alone sees SDOWN at ~51 s but cannot reach ODOWN: the others answer "not down"
    expect(notes(r, '+sdown master redis1', 'sentinel1')[0].time).toBeLessThan(52 * SECOND);
    expect(notes(r, '+odown', 'sentinel1')[0].time).toBeGreaterThan(75 * SECOND);
    const promoted = promotions(r, 20 * SECOND, 'redis1')[0];
    expect(promoted.time).toBeGreaterThan(75 * SECOND);
    expect(promoted.time).toBeLessThan(80 * SECOND);
    expect(notes(r, '-tilt').length).toBe(2);
  });

  it('does not enter TILT for a step under 2 s', () => {
    const r = run(['{ at: 20s, kind: clock-jump, target: sentinel2, by: 1500ms }'], {}, 1, '30s', '10s');
    expect(notes(r, '+tilt')).toEqual([]);
    expect(acksBy(r, 'redis1', 20 * SECOND).length).toBeGreaterThan(0);
    expect(events(r, 'role').filter((e) => e.role === 'primary').length).toBe(1);
  });
});
