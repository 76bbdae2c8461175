/**
 * Published cases on postgres-patroni, from the bundled scenarios:
 *
 * - Patroni's "invisible commit" (Patroni docs, Replication modes, the note of patroni/patroni
 *   PR #1414): with synchronous_mode_strict a client that cancels a commit waiting for the sync
 *   standby leaves it committed and visible on the primary; isolating that primary at that
 *   moment (a trigger on `commit.visible-unacked`) and promoting the standby loses it, while no
 *   acknowledged commit is lost.
 * - Stolon's sync-standby-restart loss (sorintlab/stolon PR #514): a manager that elects the
 *   standby because synchronous_standby_names names it loses the commits that became visible
 *   when the primary restarted with them waiting; one that checks the standby's LSN does not.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { loadScenario } from '../../src/campaign/catalog.ts';
import design from '../../models/postgres-patroni.ts';

const run = (scenario: string, params: Record<string, string>, workload = {}): RunResult =>
  simulate({ design, seed: 1, schedule: loadScenario(scenario), params: { synchronousMode: 'strict', ...params }, workload });
const promoted = (r: RunResult, node: string) => r.history.events.some((e) => e.type === 'role' && e.role === 'primary' && e.node === node);

describe('postgres-patroni: the invisible commit (strict mode, client cancel, primary isolated)', () => {
  const r = run('patroni-invisible-commit', {});

  it('loses visible-but-unacknowledged commits and no acknowledged one', () => {
    expect(promoted(r, 'pg2')).toBe(true);
    expect(r.metrics.lostUnacked).toBeGreaterThan(100);
    expect(r.metrics.lostAcked).toBe(0);
    expect(r.violations.filter((v) => v.invariant === 'no-lost-ack')).toEqual([]);
  });

  it('isolates the primary right after the first cancelled wait', () => {
    const firstCancel = r.history.events.flatMap((e) => (e.type === 'probe' && e.probe === 'commit.visible-unacked' && e.time >= 20_000_000 ? [e] : []))[0]; // armed at 20 s
    const isolation = r.history.events.filter((e) => e.type === 'fault-begin')[1];
    expect(firstCancel?.node).toBe('pg1');
    expect(isolation.time).toBe(firstCancel!.time);
    expect(isolation.type === 'fault-begin' && isolation.detail).toMatch(/pg1/);
  });

  it('loses nothing visible when clients do not cancel (the commits stay invisible)', () => {
    const quiet = run('patroni-invisible-commit', {}, { cancelOnTimeout: false });
    expect(quiet.probes['commit.visible-unacked']).toBeUndefined();
    expect(quiet.metrics.lostUnacked).toBe(0);
    expect(quiet.metrics.lostAcked).toBe(0);
  });
});

describe('postgres-patroni: a client timeout cancels a commit waiting for the quorum (synchronous_mode: quorum)', () => {
  // PostgreSQL's syncrep.c: "canceling wait for synchronous replication due to user request ...
  // The transaction has already committed locally": quorum commit changes nothing about it.
  const r = run('patroni-invisible-commit', { synchronousMode: 'quorum' });
  const events = r.history.events;

  it("other reads see the cancelled commits on the primary though their clients never got an ack", () => {
    const cancelled = new Set(events.flatMap((e) => (e.type === 'info' && e.reason === 'cancelled after timeout' ? [e.orderId] : [])));
    const acked = new Set(events.flatMap((e) => (e.type === 'ok' ? [e.orderId] : [])));
    const seen = events.filter((e) => e.type === 'read' && e.found && e.node === 'pg1' && cancelled.has(e.orderId) && !acked.has(e.orderId));
    expect(seen.length).toBeGreaterThan(10);
  });

  it('the failover to a standby of the quorum loses them, and no acked commit', () => {
    expect(r.metrics.lostUnacked).toBeGreaterThan(100);
    expect(r.metrics.lostAcked).toBe(0);
  });
});

describe("postgres-patroni: Stolon's sync standby restart", () => {
  it('a manager that checks only synchronous_standby_names elects the stale standby and loses the visible commits', () => {
    const r = run('stolon-sync-standby-restart', { syncFailover: 'stolon-names' });
    expect(promoted(r, 'pg2')).toBe(true);
    expect(r.metrics.lostUnacked).toBeGreaterThan(10);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('a manager that checks the LSN does not elect it and loses nothing; neither does Patroni (it clears /sync)', () => {
    for (const syncFailover of ['stolon-lsn', 'patroni']) {
      const r = run('stolon-sync-standby-restart', { syncFailover });
      expect(promoted(r, 'pg2')).toBe(false);
      expect(r.metrics.lostUnacked).toBe(0);
      expect(r.metrics.lostAcked).toBe(0);
    }
  });
});
