/**
 * Aggregation is order-free and mergeable: the same runs in any order, or split into parts
 * whose states are merged, give the same state; failures keep the K lowest plan indices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aggregate, mostSevere } from '../../src/campaign/aggregate.ts';
import { Histogram } from '../../src/campaign/histogram.ts';
import { failedSummary, type RunSummary } from '../../src/campaign/run-summary.ts';

/** A synthetic run summary: metrics and coverage derived from its index. */
function summary(index: number): RunSummary {
  const latency = new Histogram();
  for (let i = 0; i < (index % 5) + 1; i++) latency.record(200 + index * 37 + i * 1000);
  const failed = index % 3 === 0;
  if (index % 11 === 10) return failedSummary(index, 1000 + index, 's', 'worker-died', 'exit 7');
  return {
    index,
    seed: 1000 + index,
    scheduleName: 's',
    traceHash: `hash${index}`,
    violations: failed ? [{ invariant: index % 2 ? 'no-lost-ack' : 'single-primary', timeMs: index, detail: `run ${index}` }] : [],
    sample: {
      orders: 100 + index, acked: 90 + index, unavailabilityPpb: index * 1_000_003, downtimePpb: index * 7_000,
      outageRtoUs: index % 4 ? [index * 1000, 50_000] : [], outageDetectionUs: [index * 10], outageFailoverUs: [],
      openOutages: index % 7 === 0 ? 1 : 0, lostAcked: index % 5 === 0 ? index : 0, rpoUs: index * 3,
      duplicates: index % 6 === 0 ? 2 : 0, splitBrainBeliefUs: index * 11, splitBrainEffectiveUs: index % 9 === 0 ? index * 13 : 0, splitBrainPairs: index % 9 === 0 ? 1 : 0,
      falseFailovers: index % 8 === 0 ? 1 : 0, ackLatencyUs: latency.state(), events: 5000 + index, messages: 400 + index,
    },
    coverage: { failovers: index % 2, elections: index % 3, fencings: 0, staleTokenRejections: index % 4 === 1 ? 2 : 0, demotions: index % 5, outages: 1, faultsFired: 2, faultsSkipped: 0, faultKinds: { pause: 1, [index % 2 ? 'crash' : 'partition']: 1 } },
    nodes: 3,
    drawnParams: {},
    schedule: { name: 's', description: '', duration: 1_000_000, settle: 1_000_000, faults: [], source: '<test>' },
  };
}

const indices = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 });

describe('Aggregate', () => {
  it('gives the same state whatever order the runs arrive in', () => {
    fc.assert(
      fc.property(indices, (xs) => {
        const a = new Aggregate(5);
        const b = new Aggregate(5);
        for (const i of xs) a.add(summary(i));
        for (const i of [...xs].reverse()) b.add(summary(i));
        expect(b.state()).toEqual(a.state());
      }),
      { numRuns: 50 },
    );
  });

  it('merges parts into exactly the aggregate of the whole', () => {
    fc.assert(
      fc.property(indices, fc.integer({ min: 1, max: 4 }), (xs, parts) => {
        const whole = new Aggregate(4);
        for (const i of xs) whole.add(summary(i));
        const shards = Array.from({ length: parts }, () => new Aggregate(4));
        xs.forEach((i, k) => shards[k % parts].add(summary(i)));
        const merged = Aggregate.from(JSON.parse(JSON.stringify(shards[0].state())));
        for (const s of shards.slice(1)) merged.merge(JSON.parse(JSON.stringify(s.state())));
        expect(merged.state()).toEqual(whole.state());
      }),
      { numRuns: 50 },
    );
  });

  it('counts failed runs by invariant and keeps the K failures with the lowest plan index', () => {
    const a = new Aggregate(3);
    for (const i of [30, 3, 9, 0, 21, 10]) a.add(summary(i));
    expect(a.runs).toBe(6);
    expect(a.failedRuns).toBe(6);
    expect(Object.fromEntries(a.violations)).toEqual({ 'single-primary': 2, 'no-lost-ack': 2, 'worker-died': 2 });
    expect(a.failures.map((f) => f.index)).toEqual([0, 3, 9]);
    expect(a.totals.measuredRuns).toBe(4);
  });

  it('keeps no failure at all with maxFailures 0, and still counts them', () => {
    const a = new Aggregate(0);
    for (const i of [0, 3, 6]) a.add(summary(i));
    expect([a.failedRuns, a.failures.length]).toEqual([3, 0]);
  });

  it('knows a failure by its most severe violation: a broken run, then safety before liveness', () => {
    const v = (invariant: string, timeMs: number) => ({ invariant, timeMs, detail: '' });
    expect(mostSevere([v('recovery', 1), v('single-primary', 9)]).invariant).toBe('single-primary');
    expect(mostSevere([v('single-primary', 9), v('model-error', 10)]).invariant).toBe('model-error');
    expect(mostSevere([v('no-lost-ack', 9), v('no-lost-ack', 3)]).timeMs).toBe(3);
  });
});
