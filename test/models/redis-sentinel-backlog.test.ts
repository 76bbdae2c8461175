/**
 * redis-sentinel's bounded replication backlog (repl-backlog-size 1 MB, ~10,500 orders at
 * 100 B an order): a replica cut off longer than the backlog covers comes back with a full
 * resync (diskless: the master forks after repl-diskless-sync-delay, 5 s, then the RDB is
 * transferred and loaded), one cut off for less continues from its offset; memory and the AOF
 * keep a folded prefix plus the backlog.
 *
 * The 10,000 orders/s case takes ~2 s of CPU: it runs under `npm run test:long` (HASIM_LONG=1);
 * the small-backlog case shows the same mechanism at 200 orders/s in `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { notes, run, SECOND } from './redis-sentinel-helpers.ts';

const CUT_REDIS2 = ['{ at: 500ms, kind: partition, groups: [[redis2], [others]], for: 3s }'];

describe('redis-sentinel replication backlog', () => {
  it.runIf(process.env.HASIM_LONG === '1')('a replica cut off 3 s at 10,000 orders/s (30,000 orders, past the 1 MB backlog) needs a full resync', () => {
    const r = run(CUT_REDIS2, {}, 1, '4s', '8s', { ordersPerSecond: 10_000 });
    expect(r.violations).toEqual([]);
    expect(notes(r, 'Unable to partial resync with replica redis2 for lack of backlog', 'redis1')).toHaveLength(1);
    const loads = notes(r, 'MASTER <-> REPLICA sync', 'redis2');
    expect(loads).toHaveLength(1);
    // the fork waits repl-diskless-sync-delay (5 s) after the heal's PSYNC
    expect(loads[0].time).toBeGreaterThan(8.5 * SECOND);
    expect(notes(r, 'local dataset of', 'redis2')).toHaveLength(1);
    // the replica converged (no violation above) and its log is folded: memory bounded by the backlog
    const log = r.history.final.find((f) => f.node === 'redis2')!.durableLog;
    expect(log.length).toBeGreaterThan(35_000);
    expect(log.tail.length).toBeLessThan(2 * 10_486 + 1_024);
  });

  it('a replica cut off 3 s at 200 orders/s (600 orders, inside the backlog) continues partially', () => {
    const r = run(CUT_REDIS2, {}, 1, '4s', '8s', { ordersPerSecond: 200 });
    expect(r.violations).toEqual([]);
    expect(notes(r, 'Unable to partial resync')).toHaveLength(0);
    expect(notes(r, 'MASTER <-> REPLICA sync')).toHaveLength(0);
  });

  it('a smaller backlog makes the same 3 s cut a full resync at 200 orders/s', () => {
    const r = run(CUT_REDIS2, { replBacklogSize: 10_000 }, 1, '4s', '8s', { ordersPerSecond: 200 });
    expect(r.violations).toEqual([]);
    expect(notes(r, 'Unable to partial resync with replica redis2', 'redis1')).toHaveLength(1);
    expect(notes(r, 'MASTER <-> REPLICA sync', 'redis2')).toHaveLength(1);
  });

  it("the data held before the run (initialDatasetBytes) is in every RDB: 1 GB takes the load 10 s at 100 MB/s", () => {
    const r = run(CUT_REDIS2, { replBacklogSize: 10_000, initialDatasetBytes: 1_000_000_000 }, 1, '4s', '20s', { ordersPerSecond: 200 });
    expect(r.violations).toEqual([]);
    const load = notes(r, 'MASTER <-> REPLICA sync', 'redis2');
    expect(load).toHaveLength(1);
    const loadMs = Number(load[0].text.match(/\(([\d.]+) ms\)/)![1]);
    expect(loadMs).toBeGreaterThan(10_000);
    expect(loadMs).toBeLessThan(10_010);
    expect(notes(r, 'local dataset of', 'redis2')[0].time - load[0].time).toBe(Math.ceil(loadMs * 1000));
  });

  // random-default seed 3 at 2,000 orders/s with a 50 kB backlog: the master's process restarts
  // at 57 s and reloads its AOF, most of it folded; a retry of an order in the folded part must be
  // recognised (OrderServer's knownElsewhere), not accepted again (2,061 duplicates without it)
  it.runIf(process.env.HASIM_LONG === '1')('a restarted master recognises retried orders in the folded part of its AOF', () => {
    const faults = [
      '{ at: 9535ms, kind: link-down, between: [ standby, exchange ], for: 7747ms }',
      '{ at: 33742ms, kind: loss, target: any, probability: 0.268, for: 15379ms }',
      '{ at: 57071ms, kind: process-crash, target: primary, restartAfter: 5s, for: 2929ms }',
    ];
    const r = run(faults, { replBacklogSize: 50_000, downAfterMilliseconds: 5000 }, 3, '60s', '30s', { ordersPerSecond: 2000 });
    expect(r.violations.filter((v) => v.invariant === 'no-duplicate-order')).toEqual([]);
    expect(r.metrics.duplicates).toBe(0);
  });
});
