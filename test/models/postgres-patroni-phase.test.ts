/**
 * Why schedules need random fault times: postgres-patroni's leader key is renewed every
 * loop_wait (10 s) and expires ttl (30 s) after the last renewal, so the time from a crash to
 * the new leader depends on where in the loop the crash lands. A crash at exactly 20 s meets
 * the loop at the same phase in every seed, so every seed gives nearly the same failover time;
 * `at: 20s..30s` spreads it over about one loop, as in reality (Patroni docs: the leader key
 * expires ttl after the last successful loop, i.e. ttl - loop_wait .. ttl after a crash).
 */
import { describe, expect, it } from 'vitest';
import { drawFaultTimes } from '../../src/faults/fault-times.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import { SECOND, events, promotions, run } from './postgres-patroni-helpers.ts';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** Seconds from the kill of pg1 to the next primary declaration. */
function failoverSeconds(at: string, seed: number): number {
  const r = run([`{ at: ${at}, kind: process-crash, target: pg1, for: 60s }`], {}, seed, '100s', '10s');
  const crash = events(r, 'fault-begin')[0].time;
  return (promotions(r, crash, 'pg1')[0].time - crash) / SECOND;
}

describe('postgres-patroni: the crash lands at a random phase of the HA loop only with random fault times', () => {
  const fixed = SEEDS.map((seed) => failoverSeconds('20s', seed));
  const spread = SEEDS.map((seed) => failoverSeconds('20s..30s', seed));
  const width = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

  it('a crash at exactly 20 s gives nearly the same failover time in every seed', () => {
    expect(width(fixed)).toBeLessThan(1.5);
  });

  it('a crash drawn in 20-30 s spreads the failover time over most of a loop_wait (20-30 s after the kill)', () => {
    expect(width(spread)).toBeGreaterThan(4);
    for (const s of spread) {
      expect(s).toBeGreaterThan(19);
      expect(s).toBeLessThan(32);
    }
  });

  it('the crash fires where the seed drew it', () => {
    const fault = parseSchedule('duration: 100s\nfaults:\n  - { at: 20s..30s, kind: process-crash, target: pg1, for: 60s }\n', '<t>').faults[0];
    const r = run(['{ at: 20s..30s, kind: process-crash, target: pg1, for: 60s }'], {}, 3, '100s', '10s');
    expect(events(r, 'fault-begin')[0].time).toBe(drawFaultTimes(fault, 3).at);
  });
});
