/**
 * redis-sentinel: every Redis server fails, and the old master (redis1) comes back first while
 * the current master is still down. redis1 restarts as a master (its own configuration), no
 * Sentinel converts it to a replica (that waits for a sane master: sentinel.c "a slave turned
 * into a master"), and it is still in the master's list of replicas. sentinelSelectSlave does
 * not look at the role an instance reports, so the next failover attempt selects it, promotes
 * it and the service is back (losing what the others acked since redis1 failed: asynchronous
 * replication). Before the fix the model also required role slave, so the service stayed down
 * until another server was repaired (estimate flagged the class as still down with its
 * structure up).
 */
import { describe, expect, it } from 'vitest';
import { events, notes, run, SECOND } from './redis-sentinel-helpers.ts';

const BACK = 210 * SECOND;

describe('redis-sentinel: the old master returns while the current master is down', () => {
  it('the next failover attempt promotes it and the clients are served again', () => {
    const r = run(
      ['{ at: 10s, kind: crash, target: redis1, for: 200s }', '{ at: 60s, kind: crash, target: redis2 }', '{ at: 120s, kind: crash, target: redis3 }'],
      {},
      1,
      '700s',
      '20s',
      { ordersPerSecond: 10 },
    );
    const selected = notes(r, '+selected-slave redis1').find((e) => e.time >= BACK);
    expect(selected).toBeDefined();
    // failover attempts of the down master are retried every 2 x failover-timeout (360 s)
    expect(selected!.time - BACK).toBeLessThan(400 * SECOND);
    const served = events(r, 'ok').find((e) => e.time > selected!.time);
    expect(served).toBeDefined();
    expect(served!.time - selected!.time).toBeLessThan(10 * SECOND);
  });
});
