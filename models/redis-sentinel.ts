/**
 * redis-sentinel: a Redis 7 master with two replicas and three Sentinels, as in the Sentinel
 * docs' "three boxes" example: each box (rack) runs one Redis and one Sentinel.
 *
 *   box1: redis1 (master) + sentinel1    box2: redis2 + sentinel2    box3: redis3 + sentinel3
 *   clients -> the master they know; a replica answers READONLY naming its master
 *
 * Modelled (src/parts/redis-replication.ts, redis-sentinel.ts): asynchronous replication with
 * REPLCONF ACK every second, PSYNC continuation and full resync (a demoted master discards its
 * dataset), WAIT as the application uses it (best effort: the order is acked whatever WAIT
 * returns), min-replicas-to-write / min-replicas-max-lag, repl-timeout, MISCONF while the AOF
 * cannot be written (and its rewrite from memory after); Sentinel's PING / INFO /
 * hello periods, SDOWN after down-after-milliseconds, ODOWN at quorum, leader election by epoch
 * votes (majority and at least quorum), replica selection (replica-priority, offset, run id),
 * REPLICAOF NO ONE, reconfiguration of the replicas (parallel-syncs), +switch-master, the
 * conversion of a returning old master, failover-timeout and its 2x retry delay, and TILT.
 *
 * Clients: a Sentinel-aware client asks the Sentinels for the master only when its connection
 * fails or it gets an error (redis-py's SentinelConnectionPool); here it keeps sending to the
 * node it knows, tries the next node on a timeout, and follows the master a READONLY reply
 * names. So a client that still reaches an isolated old master keeps writing to it.
 *
 * Left out: Sentinel and replica discovery (configured), hello over pub/sub, scripts, the
 * replication backlog size, diskless sync and RDB transfer times, client-side +switch-master
 * subscriptions. Offsets count orders rather than bytes.
 *
 * Known results it reproduces (test/models/redis-sentinel*.test.ts):
 * - detection takes down-after-milliseconds (30 s) before SDOWN; failover follows in about a
 *   second or two, so RTO is roughly 31-35 s;
 * - a partition that isolates the master with clients still reaching it: the majority side
 *   elects a new master, the old one keeps acking writes, and when the partition heals it is
 *   turned into a replica and those acknowledged writes are lost (Redis Sentinel docs,
 *   "Example 2: basic setup with three boxes"; Kyle Kingsbury, "Jepsen: Redis", 2013);
 * - WAIT does not prevent that loss (Redis docs, WAIT: "WAIT does not make Redis a strongly
 *   consistent store"); min-replicas-to-write 1 with min-replicas-max-lag 10 bounds it to about
 *   10 s of writes (Sentinel docs, same example);
 * - a clock jump of 2 s or more (or a long stall) puts a Sentinel in TILT for 30 s, during which
 *   it does not act (Sentinel docs, "TILT mode").
 *
 * Sources of the defaults:
 * - down-after-milliseconds 30000, quorum 2, failover-timeout 180000, parallel-syncs 1:
 *   the sentinel.conf shipped with Redis 7 (`sentinel monitor mymaster 127.0.0.1 6379 2`);
 * - PING every 1 s, INFO every 10 s (1 s while failing over), hello every 2 s, TILT trigger
 *   2 s and period 30 s, election timeout 10 s: sentinel.c constants (SENTINEL_PING_PERIOD,
 *   SENTINEL_INFO_PERIOD, SENTINEL_PUBLISH_PERIOD, SENTINEL_TILT_TRIGGER, SENTINEL_TILT_PERIOD,
 *   SENTINEL_ELECTION_TIMEOUT);
 * - replica-priority 100, min-replicas-to-write 0 (off), min-replicas-max-lag 10, repl-timeout
 *   60, repl-ping-replica-period 10: redis.conf of Redis 7;
 * - WAIT 1 1000 when enabled: the HA document's `WAIT 1 1000`.
 */
import { defineDesign } from '../src/world/design.ts';
import { RedisServer } from '../src/parts/redis-replication.ts';
import { Sentinel } from '../src/parts/redis-sentinel.ts';

const REDIS = ['redis1', 'redis2', 'redis3'];
const SENTINELS = ['sentinel1', 'sentinel2', 'sentinel3'];
const SENTINEL_CONF = 'sentinel.conf shipped with Redis 7';
const REDIS_CONF = 'redis.conf shipped with Redis 7';

export default defineDesign({
  name: 'redis-sentinel',
  description: 'Redis master + 2 replicas (async) with 3 Sentinels: SDOWN, ODOWN, elected failover',
  params: {
    downAfterMilliseconds: { kind: 'integer', default: 30_000, min: 1, unit: 'ms', doc: 'no valid PING reply for this long: subjectively down (SDOWN)', source: `${SENTINEL_CONF}: sentinel down-after-milliseconds mymaster 30000` },
    quorum: { kind: 'integer', default: 2, min: 1, max: 3, doc: 'Sentinels that must agree the master is down (ODOWN)', source: `${SENTINEL_CONF}: sentinel monitor mymaster 127.0.0.1 6379 2` },
    failoverTimeout: { kind: 'duration', default: '180s', doc: 'a failover step taking longer aborts; a new attempt waits twice this', source: `${SENTINEL_CONF}: sentinel failover-timeout mymaster 180000` },
    parallelSyncs: { kind: 'integer', default: 1, min: 1, doc: 'replicas reconfigured at once after a failover', source: `${SENTINEL_CONF}: sentinel parallel-syncs mymaster 1` },
    replicaPriority: { kind: 'integer', default: 100, min: 0, doc: 'Sentinel promotes the lowest priority first (0: never)', source: `${REDIS_CONF}: replica-priority 100` },
    minReplicasToWrite: { kind: 'integer', default: 0, min: 0, max: 2, doc: 'the master refuses writes with fewer replicas acked within min-replicas-max-lag (0: off)', source: `${REDIS_CONF}: min-replicas-to-write (commented out: off)` },
    minReplicasMaxLag: { kind: 'duration', default: '10s', doc: 'how recent a replica ack must be to count for min-replicas-to-write', source: `${REDIS_CONF}: min-replicas-max-lag 10` },
    waitNumreplicas: { kind: 'integer', default: 0, min: 0, max: 2, doc: 'the application sends WAIT <numreplicas> <timeout> after each write (0: no WAIT)', source: "Redis docs, WAIT; the HA document's WAIT 1 1000" },
    waitTimeout: { kind: 'duration', default: '1000ms', doc: "WAIT's timeout; the write is acked when it expires, whatever the count", source: "Redis docs, WAIT; the HA document's WAIT 1 1000" },
    replTimeout: { kind: 'duration', default: '60s', doc: 'a replica declares its master link down after this long without data', source: `${REDIS_CONF}: repl-timeout 60` },
    replPingReplicaPeriod: { kind: 'duration', default: '10s', doc: 'the master pings its replicas this often', source: `${REDIS_CONF}: repl-ping-replica-period 10` },
  },
  topology: () => ({
    nodes: [
      ...REDIS.map((id, i) => ({ id, rack: `box${i + 1}` })),
      ...SENTINELS.map((id, i) => ({ id, rack: `box${i + 1}`, serving: false })),
    ],
    routing: { kind: 'direct', targets: REDIS },
  }),
  createNode: (ctx, p) => {
    if (SENTINELS.includes(ctx.id)) {
      return new Sentinel(ctx, {
        redisNodes: REDIS,
        sentinels: SENTINELS,
        initialMaster: REDIS[0],
        quorum: p.quorum,
        downAfterUs: p.downAfterMilliseconds * 1_000,
        failoverTimeoutUs: p.failoverTimeout,
        parallelSyncs: p.parallelSyncs,
      });
    }
    return new RedisServer(ctx, {
      initialMaster: REDIS[0],
      replicaPriority: p.replicaPriority,
      minReplicasToWrite: p.minReplicasToWrite,
      minReplicasMaxLagUs: p.minReplicasMaxLag,
      waitReplicas: p.waitNumreplicas,
      waitTimeoutUs: p.waitTimeout,
      replTimeoutUs: p.replTimeout,
      replPingReplicaPeriodUs: p.replPingReplicaPeriod,
    });
  },
});
