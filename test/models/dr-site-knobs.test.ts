/**
 * dr-site cross-region promotion with and without fencing the old primary site. GitHub,
 * "October 21 post-incident analysis" (2018): a 43-second loss of connectivity between the
 * US East Coast hub and the primary East Coast data center; the West Coast was promoted while
 * the East Coast had accepted writes that were not replicated, so both sides held writes the
 * other lacked. Here the DR runbook promotes during a dc1|dc2 partition that the clients see
 * through: without fencing, dc1 and dc2 are primaries at once and both ack writes the other
 * lacks (divergent acked writes); with the old site powered off first, the last dc1 ack
 * precedes the first DR ack and there is one primary at a time. Fencing does not bring back
 * what dc1 acked after the split and never shipped: that is the asynchronous DR link's RPO,
 * lost either way.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import design from '../../models/dr-site.ts';
import { faultSchedule } from './fault-schedule.ts';

const PARTITION = '{ at: 20s, kind: partition, groups: [[dc:dc1], [dc:dc2]], for: 80s }';
const FAST_RUNBOOK = { drDetectionTimeout: '10s', promotionDelay: '10s' };

function run(params: Record<string, unknown>): RunResult {
  return simulate({ design, seed: 1, schedule: faultSchedule([PARTITION], '110s', '20s'), params });
}

/** Ack times of dc1's nodes (p1, p2) and of the DR node d1. */
function acks(r: RunResult): { dc1: number[]; dr: number[] } {
  const at = (nodes: string[]) => r.history.events.flatMap((e) => (e.type === 'ack-sent' && nodes.includes(e.node) ? [e.time] : []));
  return { dc1: at(['p1', 'p2']), dr: at(['d1']) };
}

describe('dr-site cross-region promotion', () => {
  it('without fencing, dc1 still acks after the DR site has started acking: two primaries, divergent acked writes', () => {
    const r = run(FAST_RUNBOOK);
    const { dc1, dr } = acks(r);
    expect(dr.length).toBeGreaterThan(100);
    expect(dc1.filter((t) => t > dr[0]).length).toBeGreaterThan(0);
    const splitBrain = r.violations.filter((v) => v.invariant === 'single-primary');
    expect(splitBrain.length).toBe(1);
    expect(splitBrain[0].detail).toContain('p1 (epoch 1) and d1 (epoch 2)');
    expect(r.metrics.lostAcked).toBeGreaterThan(0);
  });

  it('with the old site fenced first, dc1 is off before the DR site takes a write: no overlap, one primary at a time', () => {
    const r = run({ ...FAST_RUNBOOK, fenceOldSite: true });
    const { dc1, dr } = acks(r);
    expect(dr.length).toBeGreaterThan(100);
    expect(Math.max(...dc1)).toBeLessThan(dr[0]);
    const off = r.history.events.filter((e) => e.type === 'node-state' && e.state === 'off').map((e) => (e.type === 'node-state' ? e.node : ''));
    expect(off.sort()).toEqual(['p1', 'p2']);
    expect(r.violations.map((v) => v.invariant)).not.toContain('single-primary');
    // what dc1 acked after the split and never shipped is still lost: the async link's RPO
    expect(r.metrics.lostAcked).toBeGreaterThan(0);
  });
});
