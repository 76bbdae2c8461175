/**
 * raft log compaction and snapshot catch-up (etcd: --snapshot-count, SnapshotCatchUpEntries,
 * MsgSnap), with small counts so a short run compacts many times.
 */
import { describe, expect, it } from 'vitest';
import { prefixHash } from '../../src/history/durable-log.ts';
import { exchangeExactlyOnceProblems, runRaft, schedule } from './raft-helpers.ts';

const small = { snapshotCount: 500, snapshotCatchUpEntries: 100 };

describe('raft log compaction', () => {
  it('keeps each log bounded by the snapshot count plus the catch-up entries, and nothing else changes', () => {
    const r = runRaft(schedule('quiet', [], '30s', '5s'), small);
    expect(r.violations).toEqual([]);
    expect(exchangeExactlyOnceProblems(r)).toEqual([]);
    const logs = r.history.final.map((f) => f.durableLog);
    for (const log of logs) {
      expect(log.length).toBeGreaterThan(5_000);
      expect(log.folded.length).toBeGreaterThan(log.length - 1_000);
      expect(log.tail.length).toBeLessThan(1_000);
      expect(prefixHash(log, log.length)).toEqual(prefixHash(logs[0], log.length));
    }
    // the same run without compaction commits the same orders in the same order
    const full = runRaft(schedule('quiet', [], '30s', '5s'));
    expect(full.history.final.map((f) => f.durableLog.folded.length)).toEqual([0, 0, 0]);
    expect(prefixHash(full.history.final[0].durableLog, logs[0].length)).toEqual(prefixHash(logs[0], logs[0].length));
    expect(r.metrics).toEqual(full.metrics);
  });

  it('acks an order retried after its entry was compacted, without appending it again', () => {
    // the leader's messages take 1.5 s: acks of committed orders come after the client's 1 s
    // timeout, and the retries reach a leader whose log compacted those entries long before
    const slow = ['- { at: 5s, kind: latency, target: primary, delay: 1500ms, for: 5s }'];
    const r = runRaft(schedule('slow-client', slow, '20s', '5s'), { snapshotCount: 50, snapshotCatchUpEntries: 0 });
    expect(r.violations).toEqual([]);
    expect(exchangeExactlyOnceProblems(r)).toEqual([]);
    expect(r.history.events.filter((e) => e.type === 'ok' && e.attempt >= 2).length).toBeGreaterThan(50);
  });

  it('sends a follower that was down past the leader compaction the snapshot, and it catches up', () => {
    const r = runRaft(schedule('down', ['- { at: 5s, kind: process-crash, target: n3, for: 15s }'], '40s', '10s'), small);
    expect(r.violations).toEqual([]);
    expect(exchangeExactlyOnceProblems(r)).toEqual([]);
    const notes = r.history.events.flatMap((e) => (e.type === 'note' ? [`${e.node}: ${e.text}`] : []));
    expect(notes.some((n) => /sending a snapshot to n3/.test(n))).toBe(true);
    // none while n3 is down (etcd sends snapshots only to a recently active follower)
    const sentAt = r.history.events.flatMap((e) => (e.type === 'note' && /sending a snapshot to n3/.test(e.text) ? [e.time] : []));
    expect(Math.min(...sentAt)).toBeGreaterThanOrEqual(20 * 1_000_000);
    expect(notes.some((n) => /^n3: restoring a snapshot/.test(n))).toBe(true);
    // n3 is up at the end, so convergence (no violation above) compared its restored log
    const n3 = r.history.final.find((f) => f.node === 'n3')!;
    const leader = r.history.final.find((f) => f.lastRole === 'primary')!.durableLog;
    expect(n3.state).toBe('up');
    expect(n3.durableLog.length).toBeGreaterThan(leader.length - 100);
    expect(n3.durableLog.folded.length).toBeGreaterThan(5_000);
  });
});
