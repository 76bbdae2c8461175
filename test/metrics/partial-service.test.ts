/**
 * Partial service on a real run (check/outages.ts): n-plus-1 serves three shards; with the
 * spare gone and one active down, that shard's clients are unserved while the other two
 * shards serve. The run reports a degraded outage of a third of the orders, not a
 * whole-service outage, and not nothing.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { eventsOf } from '../../src/history/history.ts';
import nPlus1 from '../../models/n-plus-1.ts';
import { faultSchedule } from '../models/fault-schedule.ts';

const schedule = faultSchedule(['{ at: 10s, kind: crash, target: s }', '{ at: 20s, kind: crash, target: a2, for: 15s }'], '40s', '10s');

describe('n-plus-1 with one shard down', () => {
  const r = simulate({ design: nPlus1, seed: 1, schedule });
  const m = r.metrics;

  it('records every client scope on its invokes: one shard per client', () => {
    expect(r.history.clientScopes).toEqual({ 'client:1': 'shard1', 'client:2': 'shard2', 'client:3': 'shard3' });
    expect(new Set(eventsOf(r.history, 'invoke').map((e) => `${e.client}=${e.scope}`))).toEqual(new Set(['client:1=shard1', 'client:2=shard2', 'client:3=shard3']));
  });

  it('reports a degraded outage of shard2 with a third of the orders, from the crash until a2 serves again', () => {
    expect(m.outages).toHaveLength(1);
    const [o] = m.outages;
    expect(o).toMatchObject({ kind: 'degraded', scopes: ['shard2'], open: false, servedBy: { client: 'client:2', node: 'a2' } });
    expect(o.share).toBeCloseTo(1 / 3, 12);
    expect(o.startMs).toBeGreaterThanOrEqual(20_000);
    expect(o.startMs).toBeLessThan(20_050);
    expect(o.endMs).toBeGreaterThan(35_000); // a2 is back at 35 s
    expect(m.downtimeMs).toBeCloseTo(o.rtoMs / 3, 6);
  });

  it('gives each shard its own figures: shard2 down, shards 1 and 3 untouched', () => {
    expect(m.scopes!.shard2.outages.map((o) => o.kind)).toEqual(['down']);
    expect(m.scopes!.shard2.availability).toBeLessThan(0.9);
    for (const s of ['shard1', 'shard3']) expect(m.scopes![s]).toMatchObject({ availability: 1, uptimeFraction: 1, outages: [] });
    // service-wide availability is the orders' mean: about a third of shard2's loss
    expect(1 - m.availability).toBeCloseTo((1 - m.scopes!.shard2.availability) / 3, 2);
  });
});
