/**
 * redis-sentinel's replica output-buffer limit (client-output-buffer-limit replica) and
 * repl-backlog-ttl. A replica that stops reading (paused, cut off, loading an RDB) has the master
 * write its stream into the socket buffers, then hold it in an output buffer; over the limit the
 * master closes the connection and the replica must PSYNC again. The runs here use a heavy
 * stream (1,000 orders/s of 2,000 B: 2 MB/s) and small limits so the mechanism shows within a
 * few seconds of simulated time; at the defaults (256 MB hard, 64 MB for 60 s soft) and
 * 10,000 orders/s of 100 B it takes minutes, and repl-timeout (60 s) drops a stopped replica first.
 */
import { describe, expect, it } from 'vitest';
import { notes, promotions, run, SECOND } from './redis-sentinel-helpers.ts';

const HEAVY = { replBytesPerOrder: 2000, replicaSocketBuffer: 1_000_000 };
const HARD_8MB = { ...HEAVY, replicaOutputBufferHardLimit: 8_000_000, replicaOutputBufferSoftLimit: 4_000_000, replicaOutputBufferSoftTime: '3s' };
const SOFT_4MB = { ...HARD_8MB, replicaOutputBufferHardLimit: 64_000_000 };
const PAUSE_REDIS2 = ['{ at: 1s, kind: pause, target: redis2, for: 10s }'];
const DROPPED = 'overcoming of output buffer limits';

/** The numbers a drop note gives: bytes unsent, the offset written up to, the last acked. */
function dropOf(text: string): { bytes: number; sentUpTo: number; acked: number } {
  const m = text.match(/\((\d+) bytes unsent after offset (\d+), acked (\d+)\)/)!;
  return { bytes: Number(m[1]), sentUpTo: Number(m[2]), acked: Number(m[3]) };
}

describe('redis-sentinel replica output-buffer limit', () => {
  it('a stopped replica is dropped at the hard limit; it comes back with what reached its socket, and full-resyncs', () => {
    const r = run(PAUSE_REDIS2, HARD_8MB, 1, '14s', '8s', { ordersPerSecond: 1000 });
    expect(r.violations).toEqual([]);
    const drops = notes(r, DROPPED, 'redis1');
    expect(drops).toHaveLength(1);
    const drop = dropOf(drops[0].text);
    expect(drop.bytes).toBeGreaterThanOrEqual(8_000_000);
    expect(drop.bytes).toBeLessThan(8_000_000 + 2 * 2000); // checked at every write
    // during the pause: 8 MB past the socket at ~2 MB/s is 4-6 s after the stop
    expect(drops[0].time).toBeGreaterThan(4 * SECOND);
    expect(drops[0].time).toBeLessThan(8 * SECOND);
    // it sees the close when it resumes, with the stream written to its socket and nothing more
    expect(notes(r, 'Connection with master lost', 'redis2')[0].time).toBe(11 * SECOND);
    const psync = notes(r, 'Unable to partial resync with replica redis2 for lack of backlog', 'redis1');
    expect(psync).toHaveLength(1);
    expect(psync[0].text).toContain(`(offset ${drop.sentUpTo},`);
    expect(drop.sentUpTo - drop.acked).toBeLessThan(3_000); // the socket's 500 orders and at most 1.5 s of ACK silence
    expect(notes(r, 'MASTER <-> REPLICA sync', 'redis2')).toHaveLength(1);
  });

  it('the soft limit drops it only after more than its seconds over it', () => {
    const r = run(PAUSE_REDIS2, SOFT_4MB, 1, '14s', '8s', { ordersPerSecond: 1000 });
    expect(r.violations).toEqual([]);
    const drops = notes(r, DROPPED, 'redis1');
    expect(drops).toHaveLength(1);
    const drop = dropOf(drops[0].text);
    // over 4 MB but far under the 64 MB hard limit: the soft rule, more than 3 s after 4 MB
    expect(drop.bytes).toBeGreaterThan(4_000_000 + 3 * 1_500_000);
    expect(drop.bytes).toBeLessThan(64_000_000);
  });

  it('at the defaults and 200 orders/s a 20 s pause fills no buffer: the replica reads on where it stopped', () => {
    const r = run(['{ at: 1s, kind: pause, target: redis2, for: 20s }'], {}, 1, '24s', '6s');
    expect(r.violations).toEqual([]);
    expect(notes(r, DROPPED)).toEqual([]);
    expect(notes(r, 'Connection with master lost')).toEqual([]);
    expect(notes(r, 'MASTER <-> REPLICA sync')).toEqual([]);
  });

  it('a full resync whose load takes longer than the soft limit allows the stream piling up starts over and over', () => {
    // 500 orders/s of 4,000 B (2 MB/s): a 3 s cut outlives the 1 MB backlog (262 orders), so a
    // full resync; the RDB loads at 4 MB/s while the stream grows 2 MB/s, so the master drops
    // the replica during every load, and it never catches up
    const faults = ['{ at: 8s, kind: partition, groups: [[redis2], [others]], for: 3s }'];
    const slowLoad = { fullSyncBytesPerSecond: 4_000_000, replBytesPerOrder: 4000 };
    const looping = run(faults, { ...SOFT_4MB, ...slowLoad }, 1, '38s', '5s', { ordersPerSecond: 500 });
    expect(looping.violations).toEqual([]);
    expect(notes(looping, DROPPED, 'redis1').length).toBeGreaterThanOrEqual(2);
    expect(notes(looping, 'MASTER <-> REPLICA sync', 'redis2').length).toBeGreaterThanOrEqual(2);
    // without the limit the same replica loads once and streams on
    const unlimited = run(faults, { ...HEAVY, ...slowLoad, replicaOutputBufferHardLimit: 0, replicaOutputBufferSoftLimit: 0 }, 1, '38s', '5s', { ordersPerSecond: 500 });
    expect(unlimited.violations).toEqual([]);
    expect(notes(unlimited, DROPPED)).toEqual([]);
    expect(notes(unlimited, 'MASTER <-> REPLICA sync', 'redis2')).toHaveLength(1);
  });

  it('a load longer than repl-timeout is not taken for a dead replica: its newlines keep it', () => {
    // past a 10 kB backlog: a full resync of a 3 GB dataset, a 30 s load against a 10 s repl-timeout
    const faults = ['{ at: 1s, kind: partition, groups: [[redis2], [others]], for: 3s }'];
    const r = run(faults, { replBacklogSize: 10_000, initialDatasetBytes: 3_000_000_000, replTimeout: '10s' }, 1, '45s', '5s');
    expect(r.violations).toEqual([]);
    expect(notes(r, 'timed out', 'redis1')).toEqual([]);
    expect(notes(r, 'MASTER <-> REPLICA sync', 'redis2')).toHaveLength(1);
    expect(notes(r, 'full resync from redis1', 'redis2')).toHaveLength(1);
  });

  it("a replica's process dying frees it on the master at once", () => {
    const r = run(['{ at: 2s, kind: process-crash, target: redis2, restartAfter: 1s, for: 1s }'], {}, 1, '6s', '4s');
    const lost = notes(r, 'Connection with replica redis2 lost.', 'redis1');
    expect(lost).toHaveLength(1);
    expect(lost[0].time).toBeLessThan(2 * SECOND + 10_000);
  });
});

describe('redis-sentinel repl-backlog-ttl', () => {
  // both replicas cut off: the master drops them after repl-timeout (5 s here), and with
  // repl-backlog-ttl 5 s frees its backlog 5 s later, with a new replication id
  const CUT_REPLICAS = ['{ at: 1s, kind: partition, groups: [[redis2, redis3], [others]], for: 15s }'];
  const FAST = { replTimeout: '5s' };

  it('a master without replicas for repl-backlog-ttl frees its backlog: the replicas returning full-resync', () => {
    const r = run(CUT_REPLICAS, { ...FAST, replBacklogTtl: '5s' }, 1, '20s', '10s');
    expect(r.violations).toEqual([]);
    const freed = notes(r, 'Replication backlog freed after 5 seconds without connected replicas.', 'redis1');
    expect(freed).toHaveLength(1);
    const lastTimeout = Math.max(...notes(r, 'timed out', 'redis1').map((n) => n.time));
    expect(freed[0].time).toBeGreaterThan(lastTimeout + 5 * SECOND);
    expect(notes(r, 'MASTER <-> REPLICA sync', 'redis2')).toHaveLength(1);
    expect(notes(r, 'MASTER <-> REPLICA sync', 'redis3')).toHaveLength(1);
  });

  it('within repl-backlog-ttl (the default hour) the same outage continues partially', () => {
    const r = run(CUT_REPLICAS, FAST, 1, '20s', '10s');
    expect(r.violations).toEqual([]);
    expect(notes(r, 'Replication backlog freed')).toEqual([]);
    expect(notes(r, 'MASTER <-> REPLICA sync')).toEqual([]);
  });
});

describe('redis-sentinel: a replica in a blocking RDB load cannot be promoted', () => {
  it('REPLICAOF NO ONE gets -LOADING: the failover waits for failover-timeout and succeeds only after the load', () => {
    // both replicas cut off past a 10 kB backlog: full resyncs of a 3 GB dataset (30 s loads
    // from ~9 s); the master dies at 12 s, Sentinel fails over at once (2 s down-after)
    const faults = [
      '{ at: 1s, kind: partition, groups: [[redis2, redis3], [others]], for: 3s }',
      '{ at: 12s, kind: crash, target: redis1 }',
    ];
    const params = { replBacklogSize: 10_000, initialDatasetBytes: 3_000_000_000, downAfterMilliseconds: 2000, failoverTimeout: '20s' };
    const r = run(faults, params, 1, '70s', '5s');
    const refused = notes(r, '-LOADING Redis is loading the dataset in memory (REPLICAOF NO ONE refused)');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].time).toBeLessThan(20 * SECOND);
    expect(notes(r, '-failover-abort').length).toBeGreaterThanOrEqual(1);
    const promoted = promotions(r, 12 * SECOND, 'redis1');
    expect(promoted.length).toBeGreaterThanOrEqual(1);
    const loaded = notes(r, 'full resync from redis1', promoted[0].node);
    expect(loaded).toHaveLength(1);
    expect(promoted[0].time).toBeGreaterThan(loaded[0].time);
  });
});

