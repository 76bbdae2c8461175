import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/metrics/index.ts';
import { acked, crash, exchange, fence, final, history, info, invoke, ms, role, unserved } from '../check/helpers.ts';

describe('computeMetrics', () => {
  it('reports one failover run in milliseconds', () => {
    const h = history(
      [
        role(0, 'a', 'primary', 1), role(0, 'b', 'standby', 1),
        acked('o1', 0, 'a', 4), exchange(2, 'a', 'o1'), acked('o2', 1_000, 'a', 6), exchange(1_003, 'a', 'o2'),
        crash(1_500, 'a'),
        ...unserved('o3', 2_000), ...unserved('o4', 3_000, 'fail'),
        role(2_600, 'b', 'candidate', 2), fence(2_700, 'b', 'a'), role(2_900, 'b', 'primary', 2),
        acked('o5', 4_000, 'b', 10), exchange(4_005, 'b', 'o5'), exchange(4_006, 'b', 'o2'), exchange(4_007, 'b', 'o4', false),
        invoke(5_000, 'o6'), info(6_000, 'o6'),
      ],
      {
        settleEndAt: ms(10_000), endAt: ms(11_000),
        final: [final('a', 'crashed', ['o1', 'o2'], 'primary', 1), final('b', 'up', ['o1', 'o5'], 'primary', 2)],
      },
    );
    expect(computeMetrics(h)).toEqual({
      bootMs: 0,
      orders: 6, acked: 3, failed: 1, indeterminate: 2, marketClosed: 0,
      availability: 0.5,
      uptimeFraction: 1 - (2_010 + 5_000) / 10_000,
      downtimeMs: 2_010 + 5_000,
      outages: [
        // ends when o5's ack reaches the client, 10 ms after its invoke
        {
          startMs: 2_000, endMs: 4_010, rtoMs: 2_010, detectionMs: 600, failoverMs: 900, catchUpMs: 1_110,
          detectedBy: 'b', promoted: 'b', routing: null, servedBy: { client: 'c1', node: 'b' }, open: false,
          kind: 'down', share: 1, scopes: [],
        },
        {
          startMs: 5_000, endMs: 10_000, rtoMs: 5_000, detectionMs: null, failoverMs: null, catchUpMs: null,
          detectedBy: null, promoted: null, routing: null, servedBy: null, open: true,
          kind: 'down', share: 1, scopes: [],
        },
      ],
      rtoMaxMs: 5_000,
      lostAcked: 1, rpoMs: 0,
      duplicates: 1,
      splitBrainMs: { belief: 0, effective: 0, effectivePairs: 0 },
      falseFailovers: 0, failovers: 1, failbacks: 0,
      fencings: 1, fencingsOk: 1,
      ackLatency: { p50: 6, p99: 9.92, p999: 9.992, max: 10 },
      exchangeAccepted: 4, exchangeRejected: 1, lockOverlaps: 0, lockOverlapMs: 0, lostUnacked: 0, staleReads: 0,
    });
  });
});
