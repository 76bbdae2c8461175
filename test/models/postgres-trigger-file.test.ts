/**
 * postgres-trigger-file: the promotion window that follows from the monitor's check interval
 * and threshold plus the standby's trigger-file polling, and the documented failure modes of
 * asynchronous streaming replication without fencing.
 *
 * Defaults: the monitor checks every 5 s (after the previous verdict), a check fails after
 * 3 s (pg_isready's timeout), 3 failures in a row touch the trigger file; the standby looks
 * for it every 5 s (wal_retrieve_retry_interval). After a crash of `a` at T: the first failing
 * check starts within (T, T + 5 s], the third fails 2 x (3 + 5) + 3 = 19 s later, so the touch
 * comes at T + 19..24 s and the promotion up to 5 s after it.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { Schedule } from '../../src/faults/schedule.ts';
import { InputError } from '../../src/sim/input-error.ts';
import type { Micros } from '../../src/sim/time.ts';
import postgres from '../../models/postgres-trigger-file.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const MS = 1_000;

function schedule(faultLines: string[], duration = '60s', settle = '20s'): Schedule {
  return faultSchedule(faultLines, duration, settle);
}

function run(faultLines: string[], params: Record<string, unknown> = {}, seed = 1, duration?: string): RunResult {
  return simulate({ design: postgres, seed, schedule: schedule(faultLines, duration), params });
}

function promotions(r: RunResult, node: string): { time: Micros; epoch: number }[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' && e.node === node ? [{ time: e.time, epoch: e.epoch }] : []));
}

function noteTime(r: RunResult, node: string, text: string): Micros | undefined {
  return r.history.events.find((e) => e.type === 'note' && e.node === node && e.text.includes(text))?.time;
}

function invariantsViolated(r: RunResult): string[] {
  return [...new Set(r.violations.map((v) => v.invariant))].sort();
}

describe('postgres-trigger-file: a quiet run', () => {
  it('keeps a primary, b streaming, every order served, nothing violated', () => {
    const r = run([], {}, 1, '30s');
    expect(promotions(r, 'b')).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(r.metrics.availability).toBe(1);
  });
});

describe('postgres-trigger-file: the promotion window', () => {
  it('the monitor touches the trigger file 19-24 s after the primary dies; the standby promotes within wal_retrieve_retry_interval (5 s)', () => {
    for (const seed of [1, 2, 3]) {
      const r = run(['{ at: 10s, kind: crash, target: a, for: 45s }'], {}, seed);
      const touched = noteTime(r, 'monitor', 'touching the trigger file')!;
      expect(touched - 10 * SECOND).toBeGreaterThan(19 * SECOND);
      expect(touched - 10 * SECOND).toBeLessThanOrEqual(24 * SECOND + MS);
      const [promotion] = promotions(r, 'b');
      expect(promotion.time - touched).toBeGreaterThanOrEqual(0);
      expect(promotion.time - touched).toBeLessThanOrEqual(5 * SECOND);
      expect(promotion.epoch).toBe(2); // a new timeline
    }
  });

  it('a primary restarted by systemd within two failed checks is not failed over', () => {
    const r = run(['{ at: 10s, kind: process-crash, target: a, restartAfter: supervisor }']);
    expect(promotions(r, 'b')).toEqual([]);
    expect(r.violations).toEqual([]);
  });
});

describe('postgres-trigger-file: asynchronous replication', () => {
  it('a primary crash loses the acked commits the standby never received (no-lost-ack)', () => {
    // PostgreSQL docs ("Synchronous Replication"): with asynchronous replication a commit
    // acknowledged to the client can be lost if the primary crashes before the standby has it.
    // Here the standby is cut off for 10 s first, so the lost tail is every order of those 10 s.
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b]], for: 15s }', '{ at: 20s, kind: crash, target: a, for: 35s }']);
    expect(promotions(r, 'b')).toHaveLength(1);
    expect(invariantsViolated(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(1_500); // ~10 s at 200 orders/s
    expect(r.metrics.rpoMs).toBeGreaterThan(9_000);
  });

  it('without a crash, a standby cut off for a while catches up and loses nothing', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b]], for: 15s }']);
    expect(r.violations).toEqual([]);
  });
});

describe('postgres-trigger-file: no fencing', () => {
  it('the restarted old primary starts as a primary on its old timeline: two primaries, and a reconnecting client writes to both', () => {
    // Without recovery.conf (standby.signal) PostgreSQL starts as a primary; nothing tells it
    // that b was promoted. A client whose connection to b breaks goes through its host list
    // (host=a,b target_session_attrs=read-write) and lands on the writable a.
    const r = run(['{ at: 10s, kind: crash, target: a, for: 30s }', '{ at: 45s, kind: partition, groups: [[b], [clients]], for: 3s }']);
    const declarations = r.history.events.filter((e) => e.type === 'role' && e.role === 'primary').map((e) => (e.type === 'role' ? `${e.node}:${e.epoch}` : ''));
    expect(declarations).toEqual(['a:1', 'b:2', 'a:1']);
    expect(invariantsViolated(r)).toContain('single-primary');
  });

  it('a primary cut off from the monitor only is failed over while it still serves (false failover, split-brain belief)', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[monitor], [a]], for: 40s }']);
    expect(promotions(r, 'b')).toHaveLength(1);
    expect(r.metrics.falseFailovers).toBe(1);
    expect(r.metrics.splitBrainMs.belief).toBeGreaterThan(10_000);
  });

  it("gray failure: a stuck order path behind a postmaster that answers pg_isready is not failed over", () => {
    const r = run(['{ at: 10s, kind: deadlock, target: a, threads: [health], for: 40s }']);
    expect(promotions(r, 'b')).toEqual([]);
    expect(r.metrics.rtoMaxMs).toBeGreaterThan(39_000);
  });
});

describe('parameters', () => {
  it('refuses values the real system would not take', () => {
    expect(() => run([], { walRetrieveRetryInterval: '0s' })).toThrow(InputError);
    expect(() => run([], { failedChecks: 0 })).toThrow(InputError);
  });
});
