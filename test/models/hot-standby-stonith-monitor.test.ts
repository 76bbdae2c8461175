/**
 * hot-standby-stonith: Pacemaker's recurring monitor operation on the resource (Pacemaker
 * Explained, "Resource Operations"). A crashed or hung trading service on the active node, under
 * a healthy cluster stack, is found by the monitor (at once when the process is gone, after the
 * monitor's timeout when it hangs), stopped and started again on the same node (on-fail
 * restart), moved to the peer once its fail-count reaches migration-threshold, and a stop that
 * times out gets the node fenced (on-fail fence for stop). Without the monitor
 * (`monitorInterval=0s`, the model before it) a hung service stays hung.
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { eventsOf, promotedAt, roles, run, schedule, SECOND } from './hot-standby-helpers.ts';

const HANG = schedule(`
name: active-service-hangs
description: the active node's service deadlocks at 10 s (the cluster stack runs on) for 100 s
duration: 130s
settle: 10s
workload: { ordersPerSecond: 20 }
faults:
  - { at: 10s, kind: deadlock, target: a, threads: [heartbeat], for: 100s }
`);

const CRASH = schedule(`
name: active-service-crashes
description: the active node's service is killed at 10 s, its restart left to Pacemaker
duration: 40s
settle: 10s
workload: { ordersPerSecond: 20 }
faults:
  - { at: 10s, kind: process-crash, target: a, component: trading-service, restartAfter: supervisor }
`);

const TWO_CRASHES = schedule(`
name: active-service-crashes-twice
description: the active node's service is killed at 10 s and again at 30 s, its restart left to Pacemaker
duration: 60s
settle: 10s
workload: { ordersPerSecond: 20 }
faults:
  - { at: 10s, kind: process-crash, target: a, component: trading-service, restartAfter: supervisor }
  - { at: 30s, kind: process-crash, target: a, component: trading-service, restartAfter: supervisor }
`);

const notes = (r: ReturnType<typeof run>, node: string, pattern: RegExp) => r.history.events.filter((e) => e.type === 'note' && e.node === node && pattern.test(e.text));
/** Monitor interval + timeout, and the recovery's scheduler round (+1 s CIB re-ask), stop and start. */
const INTERVAL = 10 * SECOND;
const TIMEOUT = 20 * SECOND;
const RECOVERY = 200_000 + 1 * SECOND + 150_000 + 280_000;

describe('hot-standby-stonith: the monitor operation', () => {
  it.each([1, 2])('seed %i: a hung service on the active node is detected within interval + timeout and restarted there; no fence, nothing lost', (seed) => {
    const r = run(stonith, HANG, seed);
    const failed = notes(r, 'a', /^resource failed \(monitor timed out/)[0];
    expect(failed).toBeDefined();
    expect(failed.time).toBeGreaterThanOrEqual(10 * SECOND + TIMEOUT);
    expect(failed.time).toBeLessThanOrEqual(10 * SECOND + INTERVAL + TIMEOUT + 1000);
    const restarted = notes(r, 'a', /^resource restarted here/)[0];
    expect(restarted.time - failed.time).toBeLessThanOrEqual(RECOVERY);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(promotedAt(r, 'b', 10 * SECOND)).toBeUndefined();
    expect(r.metrics.lostAcked).toBe(0);
    // one outage, ended by the local restart, long before the deadlock's end (110 s)
    expect(r.metrics.outages.length).toBe(1);
    expect(r.metrics.outages[0].endMs * 1000).toBeLessThan(restarted.time + 2 * SECOND);
    expect(r.violations).toEqual([]);
  });

  it('without a monitor operation the hung service is never detected: the outage lasts the whole deadlock', () => {
    const r = run(stonith, HANG, 1, { monitorInterval: '0s' });
    expect(notes(r, 'a', /^resource failed/)).toEqual([]);
    expect(r.metrics.outages[0].endMs * 1000).toBeGreaterThan(110 * SECOND);
  });

  it.each([1, 2])('seed %i: a killed service is found not running at the next monitor and started again on the same node', (seed) => {
    const r = run(stonith, CRASH, seed);
    const failed = notes(r, 'a', /^resource failed \(monitor: not running/)[0];
    expect(failed.time).toBeGreaterThan(10 * SECOND);
    expect(failed.time).toBeLessThanOrEqual(10 * SECOND + INTERVAL);
    const restarted = notes(r, 'a', /^resource restarted here/)[0];
    expect(restarted.time - failed.time).toBeLessThanOrEqual(RECOVERY);
    expect(roles(r, 'a', 'primary').at(-1)!.time).toBe(restarted.time);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(promotedAt(r, 'b', 10 * SECOND)).toBeUndefined();
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it('migration-threshold 1: the first failure moves the resource to b, without fencing (the stop succeeded)', () => {
    const r = run(stonith, CRASH, 1, { migrationThreshold: 1 });
    const failed = notes(r, 'a', /^resource failed/)[0];
    expect(notes(r, 'a', /^stopping resources: fail-count 1 reached migration-threshold 1/).length).toBe(1);
    expect(notes(r, 'a', /^resource restarted here/)).toEqual([]);
    const takeover = promotedAt(r, 'b', 10 * SECOND)!;
    expect(takeover).toBeGreaterThan(failed.time);
    expect(takeover - failed.time).toBeLessThan(3 * SECOND);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it('migration-threshold 2: the first failure is restarted in place, the second moves the resource to b', () => {
    const r = run(stonith, TWO_CRASHES, 1, { migrationThreshold: 2 });
    const restarted = notes(r, 'a', /^resource restarted here \(fail-count 1\)/);
    expect(restarted.length).toBe(1);
    expect(restarted[0].time).toBeLessThan(30 * SECOND);
    expect(promotedAt(r, 'b', 10 * SECOND)! > 30 * SECOND).toBe(true);
    expect(notes(r, 'a', /^stopping resources: fail-count 2 reached migration-threshold 2/).length).toBe(1);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it('a stop that outlasts its timeout fails: b fences a (on-fail=fence) and only then starts the resources', () => {
    const r = run(stonith, HANG, 1, { resourceStopTime: '30s' });
    const stopFailed = notes(r, 'a', /^stop of the resource timed out/)[0];
    expect(stopFailed).toBeDefined();
    const fence = eventsOf(r, 'fence').find((e) => e.ok && e.target === 'a')!;
    expect(fence.time).toBeGreaterThan(stopFailed.time);
    expect(fence.time - stopFailed.time).toBeLessThan(3 * SECOND);
    const takeover = promotedAt(r, 'b', 10 * SECOND)!;
    expect(takeover).toBeGreaterThan(fence.time);
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it('without fencing a failed stop blocks (on-fail=block): nothing is fenced and b starts nothing while a holds the failed resource', () => {
    const r = run(stonith, HANG, 1, { resourceStopTime: '30s', stonithEnabled: false });
    const stopFailed = notes(r, 'a', /^stop of the resource timed out .*blocked/)[0];
    expect(stopFailed).toBeDefined();
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(promotedAt(r, 'b', 10 * SECOND) ?? Infinity).toBeGreaterThan(110 * SECOND);
  });
});
