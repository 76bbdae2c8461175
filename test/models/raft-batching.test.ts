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
import { buildRun } from '../../src/run/run.ts';
import type { RaftNode } from '../../src/parts/raft-node.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';
import { schedule, SECOND } from './raft-helpers.ts';

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

describe('raft: followers differ by the entries in flight', () => {
  // both followers get each AppendEntries at the same instant on a LAN (~50 us), so their logs
  // differ rarely (a message in flight to one and delivered to the other); their durable
  // prefixes, each behind its own fsync, differ most of the time
  it("at 2000 orders/s the followers' durable prefixes differ at most instants and their logs at some: a leader that dies then leaves them unequal", () => {
    const run = buildRun({ design: raft, params: resolveParams(raft, {}), seed: 3, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 2000 } });
    let samples = 0;
    let lastDiffers = 0;
    let durableDiffers = 0;
    for (let at = 2 * SECOND; at < 4 * SECOND; at += 7_300) {
      run.step(at);
      const nodes = ['n1', 'n2', 'n3'].map((id) => run.world.node(id).actor as RaftNode);
      const followers = nodes.filter((n) => n.role === 'follower');
      const leader = nodes.find((n) => n.role === 'leader');
      if (followers.length !== 2 || !leader) continue;
      samples++;
      for (const f of followers) expect(f.log.lastIndex).toBeLessThanOrEqual(leader.log.lastIndex);
      if (followers[0].log.lastIndex !== followers[1].log.lastIndex) lastDiffers++;
      if (followers[0].log.durableIndex !== followers[1].log.durableIndex) durableDiffers++;
    }
    expect(samples).toBeGreaterThan(200);
    expect(lastDiffers).toBeGreaterThan(0);
    expect(durableDiffers / samples).toBeGreaterThan(0.3);
  });
});
