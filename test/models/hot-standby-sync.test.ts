/**
 * hot-standby-sync: the document's pair with synchronous replication (MySQL semi-sync).
 * Reproduces: the document's §4 claim that sync replication costs a round trip on every order
 * and keeps a promoted standby complete after a primary crash; and MySQL's documented
 * fallback ("if no replica acknowledges within rpl_semi_sync_master_timeout, the source
 * reverts to asynchronous replication"), which under a partition lets the isolated old primary
 * ack alone, so clients' retries through the new primary become duplicate orders.
 */
import { describe, expect, it } from 'vitest';
import naive from '../../models/hot-standby-naive.ts';
import sync from '../../models/hot-standby-sync.ts';
import { eventsOf, invariantsViolated, run, schedule, SECOND } from './hot-standby-helpers.ts';

const quiet = schedule('name: quiet\nduration: 20s\nsettle: 5s\nfaults: []');
const crash = schedule('name: crash\nduration: 40s\nsettle: 20s\nfaults:\n  - { at: 10s, kind: process-crash, target: a, for: 30s }');
const partition = schedule('name: partition\nduration: 40s\nsettle: 20s\nfaults:\n  - { at: 10s, kind: partition, groups: [[a], [b]], for: 20s }');

describe('hot-standby-sync', () => {
  it('acks only after the standby has the order: slower than async by at least one round trip and an fsync', () => {
    const s = run(sync, quiet).metrics.ackLatency.p50;
    const a = run(naive, quiet).metrics.ackLatency.p50;
    expect(s).toBeGreaterThan(a + 0.1); // ms: a round trip (~0.1 ms) plus the standby's fsync (~0.2 ms median)
    expect(invariantsViolated(run(sync, quiet))).toEqual([]);
  });

  it('after a primary crash the promoted standby holds every order the old primary acked; async loses its unshipped tail', () => {
    const missingOnB = (design: typeof sync | typeof naive, seed: number, params: Record<string, unknown> = {}) => {
      const result = run(design, crash, seed, params);
      const onB = new Set(result.history.final.find((f) => f.node === 'b')!.durableLog.tail);
      return eventsOf(result, 'ack-sent').filter((e) => e.node === 'a' && e.time < 10 * SECOND && !onB.has(e.orderId)).length;
    };
    for (const seed of [1, 2, 3]) expect(missingOnB(sync, seed), `sync seed ${seed}`).toBe(0);
    // the document's async sender, draining its queue every 50 ms: up to 50 ms of acked orders lost
    const naiveLoss = [1, 2, 3].map((seed) => missingOnB(naive, seed, { replicationFlushInterval: '50ms' }));
    expect(naiveLoss.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2); // unless the crash falls just after a drain
    expect(Math.max(...naiveLoss)).toBeLessThanOrEqual(20); // 50 ms at 200 orders/s is ~10 orders
  });

  it('under a partition the old primary stalls for rpl_semi_sync_master_timeout, then acks alone: split brain and duplicate orders', () => {
    const result = run(sync, partition);
    expect(invariantsViolated(result)).toContain('single-primary');
    expect(result.metrics.duplicates).toBeGreaterThan(0);
    // nothing acked by a between the cut and the fallback 10 s later
    const aAcks = eventsOf(result, 'ack-sent').filter((e) => e.node === 'a' && e.time > 10 * SECOND + 5_000);
    expect(aAcks.length).toBeGreaterThan(0);
    expect(aAcks[0].time).toBeGreaterThanOrEqual(20 * SECOND);
  });

  it('with stallPolicy=block the isolated primary never acks alone: no effective split brain, no duplicates', () => {
    const result = run(sync, partition, 1, { stallPolicy: 'block' });
    expect(invariantsViolated(result)).not.toContain('single-primary');
    expect(result.metrics.duplicates).toBe(0);
    expect(eventsOf(result, 'ack-sent').filter((e) => e.node === 'a' && e.time > 10 * SECOND + 5_000 && e.time < 30 * SECOND)).toEqual([]);
  });
});
