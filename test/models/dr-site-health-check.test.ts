/**
 * dr-site with `drDetection: health-check`: the DR runbook starts on a Route 53-style HTTP check
 * of each DC's service (30 s interval, 3 failures in a row, 4 s timeout: Route 53's defaults)
 * instead of the DC's heartbeats. What it changes, against the document's heartbeat detection:
 *
 * - a primary deadlocked behind its beating heartbeat thread is failed over to the DR site
 *   (with heartbeats nothing does: dr-site-recovery.test.ts);
 * - a dc1|dc2 partition that the checker sees through promotes nothing (with heartbeats the DR
 *   site promotes and the brain splits: dr-site.test.ts);
 * - a partition that cuts dc1 from the checker and the DR site splits the brain as before;
 * - a dc1 that only the checker cannot reach is failed over while it serves (p1 steps down on
 *   d1's next beat and drops what it acked in between);
 * - a DC loss is detected later (3 checks of 30 s against 30 s of silence);
 * - a local failover (p1 crashes, p2 takes over in 3 s) does not start the runbook.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import design from '../../models/dr-site.ts';
import { resolveParams } from '../../src/world/params.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const HEALTH_CHECK = { drDetection: 'health-check' };

/** Orders per second: few, since these runs last minutes (what is lost scales with it). */
const RATE = 20;

function run(faultLines: string[], duration: string, params: Record<string, unknown> = HEALTH_CHECK): RunResult {
  return simulate({ design, seed: 1, schedule: faultSchedule(faultLines, duration, '20s'), params, workload: { ordersPerSecond: RATE } });
}

const promotions = (r: RunResult) => r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' && e.time > 0 ? [{ node: e.node, time: e.time }] : []));
const violated = (r: RunResult, invariant: string) => r.violations.filter((v) => v.invariant === invariant);
const outageFrom = (r: RunResult, atMs: number) => r.metrics.outages.find((o) => o.startMs >= atMs - 100 && o.startMs < atMs + 1_000);
/** The longest the detection may take at Route 53's defaults: a whole interval before the first failed check, 3 checks, a timeout, a tick. */
const DETECTION_MAX = 3 * 30 * SECOND + 4 * SECOND + SECOND;
const PROMOTION_DELAY = 30 * SECOND;

describe('dr-site health-check detection: a deadlocked primary', () => {
  const deadlock = ['{ at: 20s, kind: deadlock, target: p1, for: 150s }'];

  it('fails the check of its order path: the DR site takes over, with nothing lost; with heartbeats nothing does', () => {
    const r = run(deadlock, '180s');
    const [d1] = promotions(r);
    // once: the DR site's own check, failing from the start (a standby answers 503) until it
    // has passed 3 times, is no alarm for dc1's nodes to fail back on
    expect(promotions(r).map((p) => p.node)).toEqual(['d1']);
    expect(d1.time - 20 * SECOND).toBeGreaterThanOrEqual(2 * 30 * SECOND + PROMOTION_DELAY); // at least 3 checks, the first possibly at once
    expect(d1.time - 20 * SECOND).toBeLessThanOrEqual(DETECTION_MAX + PROMOTION_DELAY + SECOND);
    const outage = outageFrom(r, 20_000)!;
    expect(outage.endMs - outage.startMs).toBeLessThan((DETECTION_MAX + PROMOTION_DELAY + 6 * SECOND) / 1_000);
    expect(r.metrics.lostAcked).toBe(0);
    expect(violated(r, 'single-primary')).toEqual([]);
    expect(r.history.events.some((e) => e.type === 'note' && e.text.includes('dc1 unhealthy for the health check of its service'))).toBe(true);
    // the document's heartbeat runbook: down for the whole deadlock
    const heartbeat = run(deadlock, '180s', {});
    expect(promotions(heartbeat).filter((p) => p.node !== 'p1')).toEqual([]);
    expect(outageFrom(heartbeat, 20_000)!.endMs - 20_000).toBeGreaterThanOrEqual(150_000);
  });
});

describe('dr-site health-check detection: after a DR promotion', () => {
  it("the returning dc1 does not fail back on the DR site's check still failing from before (no alarm: it never passed)", () => {
    // the deadlock ends (the process is killed) 10 s after d1's promotion: p1 restarts as a
    // standby while dc2's check has not yet passed 3 times since d1 began to serve
    const r = run(['{ at: 20s, kind: deadlock, target: p1, for: 110s }'], '200s');
    expect(promotions(r).map((p) => p.node)).toEqual(['d1']);
    expect(r.metrics.lostAcked).toBe(0);
  });
});

describe('dr-site health-check detection: partitions', () => {
  it('a dc1|dc2 partition the checker sees through promotes nothing: no split brain, where heartbeats split it', () => {
    const r = run(['{ at: 20s, kind: partition, groups: [[dc:dc1], [dc:dc2]], for: 140s }'], '170s');
    expect(promotions(r)).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it('a partition cutting dc1 from the checker and the DR site splits the brain as heartbeats do, later', () => {
    const r = run(['{ at: 20s, kind: partition, groups: [[dc:dc1], [dc:dc2, hc]], for: 140s }'], '170s');
    expect(promotions(r).map((p) => p.node)).toEqual(['d1']);
    expect(violated(r, 'single-primary')).toHaveLength(1);
    expect(violated(r, 'no-lost-ack')).toHaveLength(1);
  });

  it('a dc1 only the checker cannot reach is failed over while it serves: p1 steps down on the next beat, dropping its last acks', () => {
    const r = run(['{ at: 20s, kind: partition, groups: [[dc:dc1], [hc]], for: 140s }'], '170s');
    const [d1] = promotions(r);
    // once: dc2's check, failing from the start (d1 answered 503 as a standby) until it passes 3
    // times, is no alarm for p1 to fail back on (an alarm is a healthy site turning unhealthy)
    expect(promotions(r).map((p) => p.node)).toEqual(['d1']);
    const stepDown = r.history.events.find((e) => e.type === 'note' && e.node === 'p1' && e.text.includes('stepping down'))!;
    expect(stepDown.time - d1.time).toBeLessThanOrEqual(1.1 * SECOND); // a heartbeat later
    // what p1 acked between d1's promotion and its beat: a second of orders, gone
    expect(r.metrics.lostAcked).toBeGreaterThan(0);
    expect(r.metrics.lostAcked).toBeLessThan(2 * RATE);
    expect(r.metrics.falseFailovers).toBeGreaterThan(0);
  });
});

describe('dr-site health-check detection: what it costs and what it leaves alone', () => {
  it('a DC loss is failed over after the checks: later than with 30 s of heartbeat silence', () => {
    const loss = ['{ at: 20s, kind: dc-down, target: dc:dc1 }'];
    const checked = promotions(run(loss, '150s'))[0];
    const heard = promotions(run(loss, '150s', {}))[0];
    expect([checked.node, heard.node]).toEqual(['d1', 'd1']);
    expect(heard.time - 20 * SECOND).toBeLessThanOrEqual(61 * SECOND);
    expect(checked.time - 20 * SECOND).toBeLessThanOrEqual(DETECTION_MAX + PROMOTION_DELAY + SECOND);
    expect(checked.time).toBeGreaterThan(heard.time);
  });

  it('a checker cut off by its own NIC condemns nothing, then or when it is back', () => {
    const r = run(['{ at: 10s, kind: nic-down, target: hc, for: 100s }'], '170s');
    expect(promotions(r)).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it('a local failover (p1 crashes, p2 serves within 4 s) fails at most one check: no DR runbook', () => {
    const r = run(['{ at: 20s, kind: crash, target: p1, for: 30s }'], '150s');
    expect(promotions(r).map((p) => p.node)).toEqual(['p2']);
    expect(r.violations).toEqual([]);
  });

  it("the estimate's settle outlasts the slower reaction, and the declaration says what still stays down", () => {
    const resolved = resolveParams(design, HEALTH_CHECK) as Parameters<typeof design.topology>[0];
    const declare = design.estimate as Extract<typeof design.estimate, (...args: never[]) => unknown>;
    const declared = declare(resolved, design.topology(resolved));
    expect(declared.settle).toBeGreaterThan(DETECTION_MAX + PROMOTION_DELAY + 5 * SECOND);
    expect(declared.staysDown).toMatch(/health checker `hc` is down or cut off/);
    expect(declared.losesAcked).toMatch(/\(5\) with the health check, the DR site is promoted while dc1 serves/);
    // the checker is no data node: the structure is still one of p1, p2, d1
    expect(declared.structure).toEqual({ atLeast: 1, of: ['p1', 'p2', 'd1'] });
  });
});
