/**
 * postgres-trigger-file with failback and repeated automatic failovers, and the hysteresis
 * that cures their flapping. GitHub, "Downtime last Saturday" (2012-09): under load the
 * automated failover moved the primary, the new primary (cold) failed its health checks too,
 * and the cluster flapped between the nodes; automatic failover was then limited. Here the
 * load is a stall of whichever node is primary, three times, 60 s apart.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import triggerFile from '../../models/postgres-trigger-file.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const STALLS = [20, 80, 140].map((s) => `{ at: ${s}s, kind: pause, target: primary, for: 35s }`);

function run(params: Record<string, unknown>, seed = 1): RunResult {
  return simulate({ design: triggerFile, seed, schedule: faultSchedule(STALLS, '200s', '20s'), params, workload: { ordersPerSecond: 50 } });
}

const promotions = (r: RunResult) => r.history.events.filter((e) => e.type === 'note' && e.text.startsWith('trigger file found')).map((e) => (e.type === 'note' ? e.node : ''));

describe('postgres-trigger-file repeated failovers', () => {
  it('with autoRejoin every stall of the primary moves it: the service flaps a -> b -> a -> b', () => {
    const r = run({ autoRejoin: true });
    expect(promotions(r)).toEqual(['b', 'a', 'b']);
    expect(r.history.events.filter((e) => e.type === 'note' && e.text.includes('rejoining as a standby')).length).toBeGreaterThanOrEqual(2);
  });

  it('hysteresis: minFailoverInterval 10 min allows the first failover only, and pages a human for the others', () => {
    const flapping = run({ autoRejoin: true });
    const damped = run({ autoRejoin: true, minFailoverInterval: '10m' });
    expect(promotions(damped)).toEqual(['b']);
    expect(damped.history.events.some((e) => e.type === 'note' && e.text.includes('paging a human'))).toBe(true);
    // every failover of asynchronous replication loses what the standby had not received
    expect(damped.metrics.lostAcked).toBeLessThanOrEqual(flapping.metrics.lostAcked);
  });

  it('maxAutoFailovers 1: one automatic attempt, then a human', () => {
    expect(promotions(run({ autoRejoin: true, maxAutoFailovers: 1 }))).toEqual(['b']);
  });

  it('without autoRejoin (the document\'s script) there is one failover and no failback', () => {
    expect(promotions(run({}))).toEqual(['b']);
  });
});
