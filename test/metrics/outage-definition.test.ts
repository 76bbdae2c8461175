/**
 * The outage definition on real runs (check/outages.ts): under a crash of the primary the
 * outage starts at the fault (the first unserved order was in flight to the dead primary) and
 * ends when a client receives the first ack after it, which comes from the new primary.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { eventsOf } from '../../src/history/history.ts';
import { SECOND } from '../../src/sim/time.ts';
import raft from '../../models/raft.ts';
import patroni from '../../models/postgres-patroni.ts';
import keepalived from '../../models/keepalived-vrrp.ts';
import { faultSchedule } from '../models/fault-schedule.ts';

const schedule = faultSchedule(['{ at: 20s, kind: crash, target: primary }'], '40s', '10s');

describe.each([['raft', raft], ['postgres-patroni', patroni], ['keepalived-vrrp', keepalived]])('%s under a primary crash', (_name, design) => {
  it('has one outage: from the fault to the first ack a client receives after it, from the new primary', () => {
    const r = simulate({ design, seed: 3, schedule });
    const h = r.history;
    const crashAt = eventsOf(h, 'fault-begin')[0].time;
    const outages = r.metrics.outages.filter((o) => o.endMs * 1000 > crashAt);
    expect(outages).toHaveLength(1);
    const o = outages[0];
    const startUs = o.startMs * 1000;
    // the first unserved order is the one in flight when the primary died
    expect(startUs).toBeGreaterThan(crashAt - 50_000);
    expect(startUs).toBeLessThanOrEqual(crashAt + 50_000);
    // the end is the earliest ack received for an order invoked at or after the start
    const invokeAt = new Map(eventsOf(h, 'invoke').map((e) => [e.orderId, e.time]));
    const firstAck = eventsOf(h, 'ok').filter((e) => invokeAt.get(e.orderId)! >= startUs).reduce((a, b) => (b.time < a.time ? b : a));
    expect(o.endMs * 1000).toBe(firstAck.time);
    const promotedAt = eventsOf(h, 'role').find((e) => e.role === 'primary' && e.time > crashAt)!;
    expect(firstAck.time).toBeGreaterThanOrEqual(promotedAt.time);
    expect(o.servedBy?.node).toBe(promotedAt.node);
    expect(o.promoted).toBe(promotedAt.node);
    expect(o.rtoMs).toBeLessThan(30 * SECOND / 1000);
  });
});
