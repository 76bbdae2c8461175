/**
 * 10 % packet loss on a Raft leader's links (netem loss 10%): etcd's peers talk over TCP, so
 * the loss is retransmitted (Linux RTO from 200 ms) and shows as ack latency, not as gaps in
 * the replicated log: every invariant holds and the replicas converge.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import raft from '../../models/raft.ts';

const schedule = (loss: boolean) =>
  parseSchedule(`duration: 20s\nsettle: 10s\nfaults:\n${loss ? '  - { at: 5s, kind: loss, target: primary, probability: 0.1, for: 15s }\n' : '  []\n'}`, '<t>');

describe('raft under 10% loss on the leader (TCP links)', () => {
  const clean = simulate({ design: raft, schedule: schedule(false), seed: 1 });
  const lossy = simulate({ design: raft, schedule: schedule(true), seed: 1 });

  it('leaves no gap: no invariant fails, convergence included', () => {
    expect(lossy.violations).toEqual([]);
  });

  it('shows as retransmission latency: ack p99 rises past one RTO (200 ms)', () => {
    expect(clean.metrics.ackLatency.p99).toBeLessThan(50);
    expect(lossy.metrics.ackLatency.p99).toBeGreaterThan(200);
  });
});
