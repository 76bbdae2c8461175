/**
 * raft's replication pipeline as etcd's Ready loop runs it: orders that arrive while the
 * leader's WAL fsync is in flight go out together, one AppendEntries per follower, under one
 * fsync; so the wider the fsync (2 ms by default, etcd's hardware guidance), the more orders
 * share a message. The per-follower inflight window bounds unanswered AppendEntries without
 * stalling replication.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import raft from '../../models/raft.ts';
import { schedule } from './raft-helpers.ts';

function run(ordersPerSecond: number, params: Record<string, unknown> = {}): RunResult {
  return simulate({ design: raft, seed: 1, schedule: schedule('steady', [], '4s', '1s'), params, workload: { ordersPerSecond } });
}

const ackedOf = (r: RunResult) => r.history.events.filter((e) => e.type === 'ack-sent').length;
const messagesPerAck = (r: RunResult) => r.metrics.messages / ackedOf(r);

describe('raft: batching by the Ready loop', () => {
  it('at 2000 orders/s a 2 ms WAL fsync batches: fewer messages per order than with a 0.1 ms fsync, and than at 50 orders/s', () => {
    const busy = run(2000);
    const fastDisk = run(2000, { walFsyncMedian: '100us', walFsyncP99: '100us' });
    const quiet = run(50);
    // per order at least: the client's request and ack, the exchange send; replication on top
    expect(messagesPerAck(busy)).toBeLessThan(6);
    expect(messagesPerAck(fastDisk)).toBeGreaterThan(7);
    expect(messagesPerAck(quiet)).toBeGreaterThan(7);
    for (const r of [busy, fastDisk, quiet]) expect(r.violations).toEqual([]);
  });

  it('an inflight window of one AppendEntries per follower still replicates every order (answers free it)', () => {
    const r = run(2000, { maxInflightAppends: 1 });
    expect(r.violations).toEqual([]);
    expect(ackedOf(r)).toBeGreaterThan(0.95 * run(2000).history.events.filter((e) => e.type === 'ack-sent').length);
  });
});
