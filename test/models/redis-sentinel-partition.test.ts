/**
 * redis-sentinel under a partition that isolates the master's box (redis1 + sentinel1) while
 * the clients still reach it: the published ways Redis + Sentinel loses acknowledged writes.
 *
 * Redis Sentinel docs, "Example 2: basic setup with three boxes": the old master, partitioned
 * away with a client, keeps accepting writes; "once the partition heals, the old master will be
 * reconfigured as a replica of the new master, discarding its data set" -- those writes are
 * lost. The docs' mitigation is `min-replicas-to-write 1` / `min-replicas-max-lag 10`, which
 * stops the old master accepting writes about 10 s into the partition. Kyle Kingsbury, "Jepsen:
 * Redis" (2013) shows the same loss; the Redis docs for WAIT warn that WAIT "does not make Redis
 * a strongly consistent store": a WAIT that times out still lets the write stand and be acked.
 */
import { describe, expect, it } from 'vitest';
import { lostAcks } from '../../src/check/no-lost-ack.ts';
import { SECOND, acksBy, events, invariants, notes, promotions, run } from './redis-sentinel-helpers.ts';

const ISOLATE_BOX1 = ['{ at: 20s, kind: partition, groups: [[rack:box1], [others]], for: 50s }'];
const PARTITION = 20 * SECOND;
const HEAL = 70 * SECOND;

describe('redis-sentinel when the master is partitioned away with its clients', () => {
  it('elects a new master on the majority side while the old one keeps acking, then discards those writes on heal', () => {
    const r = run(ISOLATE_BOX1);
    // sentinel1, with the old master, is alone: it can neither reach ODOWN nor win a vote
    expect(notes(r, '+odown', 'sentinel1')).toEqual([]);
    const promoted = promotions(r, PARTITION, 'redis1')[0];
    expect(promoted.time - PARTITION).toBeGreaterThan(30 * SECOND);
    expect(promoted.time - PARTITION).toBeLessThan(35 * SECOND);
    const oldMasterAcks = acksBy(r, 'redis1', PARTITION, HEAL).length;
    expect(oldMasterAcks).toBeGreaterThan(5000);
    // after the heal a Sentinel converts it; it full-resyncs and its own writes are gone
    const converted = notes(r, '+convert-to-slave redis1')[0];
    expect(converted.time).toBeGreaterThan(HEAL);
    expect(notes(r, 'full resync', 'redis1').length).toBe(1);
    expect(invariants(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(0.9 * oldMasterAcks);
    for (const lost of lostAcks(r.history)) {
      expect(lost.ackAt).toBeGreaterThanOrEqual(PARTITION);
      expect(lost.ackAt).toBeLessThan(converted.time + SECOND);
    }
  });

  it('with WAIT 1 1000 still loses them: WAIT times out after 1 s and the write is acked anyway', () => {
    const r = run(ISOLATE_BOX1, { waitNumreplicas: 1 }, 1, '90s', '40s', { timeout: 3 * SECOND });
    const oks = events(r, 'ok').filter((e) => e.node === 'redis1' && e.time > PARTITION + 2 * SECOND && e.time < HEAL);
    expect(oks.length).toBeGreaterThan(1000);
    for (const ok of oks) expect(ok.latency).toBeGreaterThanOrEqual(SECOND); // waited the whole WAIT timeout
    expect(invariants(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(1000);
    // without a partition WAIT is fast: a replica acks within a round trip
    const quiet = run([], { waitNumreplicas: 1 }, 1, '20s', '5s');
    expect(quiet.metrics.ackLatency.p99).toBeLessThan(5);
  });

  it('with min-replicas-to-write 1 / min-replicas-max-lag 10, stops the old master writing after ~10 s: loss bounded', () => {
    const plain = run(ISOLATE_BOX1);
    const r = run(ISOLATE_BOX1, { minReplicasToWrite: 1 });
    expect(acksBy(r, 'redis1', PARTITION + 12 * SECOND, HEAL + 15 * SECOND)).toEqual([]);
    const lost = lostAcks(r.history);
    expect(lost.length).toBeGreaterThan(0);
    // whole-second lag accounting: the last ack counted may be up to 11 s old
    for (const l of lost) expect(l.ackAt).toBeLessThan(PARTITION + 12 * SECOND);
    expect(lost.length).toBeLessThan(plain.metrics.lostAcked / 3);
  });

  it('loses nothing when the clients are on the majority side with the new master', () => {
    const r = run(['{ at: 20s, kind: partition, groups: [[rack:box1], [others, clients]], for: 50s }']);
    expect(promotions(r, PARTITION, 'redis1').length).toBe(1);
    expect(r.metrics.lostAcked).toBe(0);
  });
});
