/**
 * hot-standby-stonith: the standby's cluster stack (corosync, Pacemaker, the fencer) is killed
 * and stays down. DRBD's receiving side is a kernel module (pacemaker-config.ts
 * PACEMAKER_PROCESSES, `kernel: true`), not part of that process, so it goes on acking the
 * primary's writes: the primary serves until the fence cuts the standby off (resource-and-stonith),
 * and only then waits for the fence to be confirmed. Before, the receiver ran on the cluster
 * stack's thread, and the primary's writes froze from the kill on (13 s at seed 1, against
 * 4.75 s from the fence). The same when every process of the standby is killed (`process-crash`
 * without `component`: the host and its kernel live). A crash of the standby's host still stops
 * the receiver at once.
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { MS } from '../../src/sim/time.ts';
import { SECOND, eventsOf, run, schedule } from './hot-standby-helpers.ts';

const killAt = 10 * SECOND;

const scheduleOf = (name: string, fault: string) =>
  schedule(`
name: ${name}
description: a fault on the standby b at 10 s
duration: 60s
settle: 20s
workload: { ordersPerSecond: 100 }
faults:
  - { at: 10s, ${fault} }
`);

/** When b went off (the fence's power cut), the first time after the kill. */
function fencedOffAt(r: ReturnType<typeof run>): number {
  const off = eventsOf(r, 'node-state').find((e) => e.node === 'b' && e.state === 'off' && e.time > killAt);
  expect(off, 'b was fenced').toBeDefined();
  return off!.time;
}

describe('hot-standby-stonith: the standby\'s cluster stack is killed', () => {
  it.each([1, 2, 3])('seed %i: the primary serves until the fence cuts the standby off; no acked order is lost', (seed) => {
    const r = run(stonith, scheduleOf('standby-stack-kill', 'kind: process-crash, target: b, component: cluster-stack'), seed);
    const offAt = fencedOffAt(r);
    // the membership needs seconds to lose b: the kill alone must not stop the primary
    expect(offAt - killAt).toBeGreaterThan(2 * SECOND);
    for (const o of r.metrics.outages) expect(o.startMs * MS).toBeGreaterThanOrEqual(offAt);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it.each([1, 2])('seed %i: kill -9 of every process of b (no component) leaves its kernel, DRBD, acking too', (seed) => {
    const r = run(stonith, scheduleOf('standby-kill-all', 'kind: process-crash, target: b'), seed);
    const offAt = fencedOffAt(r);
    expect(offAt - killAt).toBeGreaterThan(2 * SECOND);
    for (const o of r.metrics.outages) expect(o.startMs * MS).toBeGreaterThanOrEqual(offAt);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('a crash of b\'s host stops DRBD\'s receiver with it: the primary freezes before any fence', () => {
    const r = run(stonith, scheduleOf('standby-host-crash', 'kind: crash, target: b'), 1);
    const first = r.metrics.outages[0];
    expect(first).toBeDefined();
    expect(first.startMs * MS).toBeLessThan(killAt + SECOND);
    const fence = eventsOf(r, 'fence').find((e) => e.target === 'b');
    expect(fence).toBeDefined();
    expect(first.startMs * MS).toBeLessThan(fence!.time);
    expect(r.metrics.lostAcked).toBe(0);
  });
});
