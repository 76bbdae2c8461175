/**
 * postgres-patroni: a graceful stop (SIGTERM, `systemctl stop patroni`) of the primary's
 * Patroni runs Ha.shutdown (patroni/ha.py): PostgreSQL stops, the leader sleeps 1 s for the
 * replicas to catch up and deletes the leader key, so a replica watching the key takes over at
 * once (about 1 s + promotion) instead of when the key's TTL runs out (ttl 30 s after the last
 * renewal, as after a kill -9). A planned switchover with asynchronous replication loses no
 * acknowledged commit: the replicas received the WAL before the key was released.
 */
import { describe, expect, it } from 'vitest';
import { demotedAt, invariants, noteAt, promotions, run, SECOND } from './postgres-patroni-helpers.ts';

const STOP = 30 * SECOND;

describe('postgres-patroni: graceful stop of the primary', () => {
  it.each([1, 2, 3])('seed %i: the leader key is deleted 1 s after SIGTERM and a replica takes over within about 2 s, losing nothing', (seed) => {
    const r = run([`{ at: 30s, kind: graceful-stop, target: pg1 }`], {}, seed, '60s', '30s');
    expect(demotedAt(r, 'pg1', STOP)).toBe(STOP);
    const deleted = noteAt(r, 'pg1', 'leader key deleted on shutdown', STOP)!;
    expect(deleted - STOP).toBeGreaterThanOrEqual(1 * SECOND);
    expect(deleted - STOP).toBeLessThan(1.1 * SECOND);
    const next = promotions(r, STOP, 'pg1')[0];
    expect(next.time - STOP).toBeLessThan(2 * SECOND); // ha.py's sleep, the race, the 500 ms promotion
    expect(invariants(r)).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('the contrast: a kill -9 of Patroni and PostgreSQL leaves the key until its TTL runs out', () => {
    const r = run([`{ at: 30s, kind: process-crash, target: pg1 }`], {}, 1, '70s', '30s');
    const next = promotions(r, STOP, 'pg1')[0];
    expect(next.time - STOP).toBeGreaterThan(19 * SECOND); // ttl 30 s after the last renewal (at most loop_wait 10 s before)
  });
});
