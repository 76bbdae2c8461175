/**
 * redis-sentinel's knobs: any number of Redis nodes and Sentinels, replica-priority per node,
 * WAIT's return value as the client sees it, and clients that ask Sentinel for the master.
 *
 * Sources: Redis docs, WAIT ("returns the number of replicas reached"; "WAIT does not make
 * Redis a strongly consistent store"); Sentinel docs, "Replica selection and priority" (priority
 * first, then the replication offset; 0 never); redis-py redis/sentinel.py and Jedis
 * JedisSentinelPool for the clients.
 */
import { describe, expect, it } from 'vitest';
import { lostAcks } from '../../src/check/no-lost-ack.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { resolveParams } from '../../src/world/params.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { buildRun } from '../../src/run/run.ts';
import redis from '../../models/redis-sentinel.ts';
import { SECOND, events, invariants, notes, promotions, run } from './redis-sentinel-helpers.ts';

const CUT_REDIS3 = '{ at: 10s, kind: partition, groups: [[redis1], [redis3]] }';
const CRASH_MASTER = '{ at: 20s, kind: process-crash, target: redis1 }';

describe('redis-sentinel WAIT as the client sees it', () => {
  it('returns the number of replicas that acknowledged: 2 with both replicas, 1 after the timeout when one is cut off', () => {
    const r = run([CUT_REDIS3], { waitNumreplicas: 2 }, 1, '30s', '5s', { timeout: 3 * SECOND });
    const oks = events(r, 'ok');
    const before = oks.filter((e) => e.time < 10 * SECOND);
    const during = oks.filter((e) => e.time > 12 * SECOND && e.time < 29 * SECOND);
    expect(before.length).toBeGreaterThan(1000);
    expect(during.length).toBeGreaterThan(1000);
    for (const e of before) expect(e.replicas).toBe(2);
    for (const e of during) {
      expect(e.replicas).toBe(1);
      expect(e.latency).toBeGreaterThanOrEqual(SECOND); // WAIT waited its whole timeout
    }
  });

  it('a write WAIT confirmed on one replica is lost when Sentinel promotes another by replica-priority', () => {
    // redis3 is preferred (priority 10) but cut off from the master: WAIT 1 is met by redis2
    const params = { waitNumreplicas: 1, replicaPriority: '100,100,10' };
    const r = run([CUT_REDIS3, CRASH_MASTER], params);
    expect(promotions(r, 20 * SECOND, 'redis1').map((e) => e.node)).toEqual(['redis3']);
    const lost = lostAcks(r.history);
    expect(lost.length).toBeGreaterThan(500);
    const replicasOf = new Map(events(r, 'ok').map((e) => [e.orderId, e.replicas]));
    for (const l of lost) {
      expect(l.ackAt).toBeGreaterThanOrEqual(10 * SECOND);
      expect(replicasOf.get(l.orderId)).toBe(1); // the client was told one replica had it
    }
    // the same run with equal priorities promotes redis2, the replica with the highest offset: nothing lost
    const equal = run([CUT_REDIS3, CRASH_MASTER], { waitNumreplicas: 1 });
    expect(promotions(equal, 20 * SECOND, 'redis1').map((e) => e.node)).toEqual(['redis2']);
    expect(equal.metrics.lostAcked).toBe(0);
  });
});

describe('redis-sentinel replica-priority per replica', () => {
  it.each([1, 2, 3])('never promotes the replica with priority 0, whatever its offset (seed %i)', (seed) => {
    const r = run([CRASH_MASTER], { replicaPriority: '100,0,100' }, seed);
    expect(promotions(r, 20 * SECOND, 'redis1').map((e) => e.node)).toEqual(['redis3']);
  });

  it('aborts the failover when the only replica left has priority 0 (no good slave)', () => {
    const r = run([CRASH_MASTER, '{ at: 20s, kind: process-crash, target: redis3 }'], { replicaPriority: '100,0,100' });
    expect(promotions(r, 20 * SECOND, 'redis1')).toEqual([]);
    expect(notes(r, '-failover-abort-no-good-slave').length).toBeGreaterThan(0);
  });
});

describe('redis-sentinel with other counts of nodes and Sentinels', () => {
  it('fails over five Redis nodes watched by five Sentinels (quorum 3): one new master, every Sentinel follows', () => {
    const r = run([CRASH_MASTER], { redisNodes: 5, sentinels: 5, quorum: 3 });
    const promoted = promotions(r, 20 * SECOND, 'redis1');
    expect(promoted.length).toBe(1);
    const switched = notes(r, `+switch-master mymaster redis1 ${promoted[0].node}`);
    expect(new Set(switched.map((e) => e.node))).toEqual(new Set(['sentinel1', 'sentinel2', 'sentinel3', 'sentinel4', 'sentinel5']));
    expect(invariants(r)).toEqual([]);
  });

  it('refuses a quorum above the number of Sentinels and a priority list of the wrong length, naming the field', () => {
    const topology = (params: Record<string, unknown>) => redis.topology(resolveParams(redis, params) as never);
    expect(() => topology({ sentinels: 3, quorum: 4 })).toThrow(InputError);
    expect(() => topology({ sentinels: 3, quorum: 4 })).toThrow(/quorum: expected at most sentinels \(3\)/);
    expect(() => topology({ replicaPriority: '100,10' })).toThrow(/replicaPriority: expected one value, or 3 comma-separated values/);
    expect(() => topology({ waitNumreplicas: 3 })).toThrow(/waitNumreplicas: expected at most redisNodes - 1/);
    expect(() => resolveParams(redis, { replicaPriority: '100,-1,5' })).toThrow(/replicaPriority: expected one integer >= 0 per node/);
    expect(() => topology({ redisNodes: 5, replicaPriority: '1,2,3,4,5', waitNumreplicas: 4 })).not.toThrow();
  });
});

describe('redis-sentinel clients that ask Sentinel for the master', () => {
  const crash = (client: string) => run([CRASH_MASTER], { client });

  it.each(['redis-py', 'jedis'])('a %s client writes to the new master within a few seconds of its promotion', (client) => {
    const r = crash(client);
    const promoted = promotions(r, 20 * SECOND, 'redis1')[0];
    const firstOk = events(r, 'ok').find((e) => e.node === promoted.node)!;
    expect(firstOk.time - promoted.time).toBeGreaterThan(0);
    expect(firstOk.time - promoted.time).toBeLessThan(3 * SECOND);
    expect(events(r, 'ok').filter((e) => e.node !== promoted.node && e.time > firstOk.time + SECOND)).toEqual([]);
  });

  it('a redis-py client asks the next Sentinel when the first does not answer, and skips one that sees the master down', () => {
    // sentinel1 is down from the very start (before boot, so the run driver is used directly):
    // every client's first query goes on to sentinel2 after the 2 s query timeout, so the
    // first ack (boot then ends a steady second later) comes just after 2 s
    const boot = buildRun({ design: redis, params: resolveParams(redis, {}), seed: 1, workload: DEFAULT_WORKLOAD });
    boot.sim.at(0, () => boot.world.node('sentinel1').crashProcess('test: down from the start', 'never'));
    expect(boot.boot()).toBe('served');
    const first = boot.world.history.events.find((e) => e.type === 'ok')!;
    expect(first.time).toBeGreaterThan(2 * SECOND);
    expect(first.time).toBeLessThan(2.2 * SECOND);
    // and a run that loses sentinel1 right after boot still serves and violates nothing
    const r = run(['{ at: 0s, kind: process-crash, target: sentinel1 }'], {}, 1, '20s', '5s');
    expect(r.metrics.availability).toBe(1);
    expect(invariants(r)).toEqual([]);
  });

  it('a Jedis client cut off from every Sentinel never learns of the failover; a redis-py one neither, but it keeps asking', () => {
    const cutSentinels = '{ at: 15s, kind: partition, groups: [[clients], [sentinel1, sentinel2, sentinel3]] }';
    for (const client of ['jedis', 'redis-py']) {
      const r = run([cutSentinels, CRASH_MASTER], { client });
      const promoted = promotions(r, 20 * SECOND, 'redis1')[0];
      expect(promoted).toBeDefined();
      expect(events(r, 'ok').filter((e) => e.time > 20 * SECOND && e.time < 90 * SECOND)).toEqual([]);
    }
    // the probing client finds the new master by itself (READONLY names it)
    const probe = run([cutSentinels, CRASH_MASTER], { client: 'probe' });
    expect(events(probe, 'ok').filter((e) => e.time > 60 * SECOND && e.time < 90 * SECOND).length).toBeGreaterThan(1000);
  });
});
