/**
 * redis-sentinel: a Redis 7 master with replicas and Sentinels, by default two replicas and
 * three Sentinels as in the Sentinel docs' "three boxes" example: box N (a rack) runs redisN and
 * sentinelN (`redisNodes` and `sentinels` set other counts; boxes beyond one count hold only the
 * other kind).
 *
 *   box1: redis1 (master) + sentinel1    box2: redis2 + sentinel2    box3: redis3 + sentinel3
 *   clients -> ask a Sentinel for the master (redis-py, Jedis) or probe the nodes (`client`)
 *
 * Modelled (src/parts/redis-server.ts, redis-dataset.ts, redis-sentinel.ts): asynchronous replication with
 * REPLCONF ACK every second, PSYNC continuation and full resync (a demoted master discards its
 * dataset), WAIT as the application uses it (best effort: the order is acked whatever WAIT
 * returns), min-replicas-to-write / min-replicas-max-lag, repl-timeout, MISCONF while the AOF
 * cannot be written (and its rewrite from memory after); Sentinel's PING / INFO /
 * hello periods, SDOWN after down-after-milliseconds, ODOWN at quorum, leader election by epoch
 * votes (majority and at least quorum), replica selection (replica-priority, offset, run id),
 * REPLICAOF NO ONE, reconfiguration of the replicas (parallel-syncs), +switch-master, the
 * conversion of a returning old master, failover-timeout and its 2x retry delay, and TILT.
 *
 * Clients (`client`):
 * - `redis-py` (default): asks the Sentinels in turn for the master (`discover_master`, skipping
 *   an answer whose master that Sentinel sees SDOWN/ODOWN) and asks again after any timeout or
 *   READONLY error (redis/sentinel.py, SentinelConnectionPool / SentinelManagedConnection);
 * - `jedis`: asks once, then follows the `+switch-master` messages it subscribes to on every
 *   Sentinel and keeps the master it knows on errors (JedisSentinelPool, MasterListener);
 * - `probe`: no Sentinel: sends to the node it knows, tries the next node on a timeout and
 *   follows the master a READONLY reply names (the behaviour before clients asked Sentinel).
 * In every case a client that still reaches an isolated old master keeps writing to it: its
 * connection works, so nothing makes it ask.
 *
 * WAIT's reply, the number of replicas that acknowledged the write, reaches the client with
 * the ack (the `replicas` of its `ok`): the application sees how many copies Redis confirmed.
 *
 * The replication backlog is `repl-backlog-size` (1 MB): at `replBytesPerOrder` 100 B that is
 * ~10,500 orders, 52 s at 200 orders/s but 1 s at 10,000/s, so at HFT rates a replica cut off
 * for more than a second comes back with a full resync (diskless: 5 s fork delay, then RDB
 * transfer and load), not serving fresh data and ranked by Sentinel below replicas of the same priority meanwhile.
 *
 * A replica that stops reading its stream (paused, cut off, loading an RDB) has the master
 * buffer it: first the socket buffers (`replicaSocketBuffer`, ~5 MB measured), then the master's
 * output buffer, which `client-output-buffer-limit replica 256mb 64mb 60` bounds: over 256 MB,
 * or over 64 MB for more than 60 s, the master closes the connection and the replica must PSYNC
 * again (src/parts/redis-output-buffer.ts). At 10,000 orders/s of 100 B (1 MB/s) a stopped
 * replica is dropped by repl-timeout (60 s) long before: the limit bites at heavier streams
 * (more bytes per order or orders) and in a full resync whose RDB takes longer to load than the
 * soft limit allows the stream that piles up meanwhile, which then starts over. A master left
 * without replicas for `repl-backlog-ttl` (1 h) frees its backlog: a replica returning later
 * full-resyncs.
 *
 * Left out: Sentinel and replica discovery (configured), hello over pub/sub, scripts, fork
 * time, client-side +switch-master subscriptions, TCP's window / RTT limit on a slow link.
 * Offsets count orders rather than bytes.
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
 *   it does not act (Sentinel docs, "TILT mode");
 * - WAIT returns the number of replicas that acknowledged, and a write WAIT confirmed on one
 *   replica is still lost when Sentinel promotes another: replica selection orders by
 *   replica-priority before the replication offset (Sentinel docs, "Replica selection and
 *   priority"; sentinel.c compareSlavesForPromotion), and WAIT "does not make Redis a strongly
 *   consistent store" (Redis docs, WAIT) (test/models/redis-sentinel-knobs.test.ts);
 * - a replica with replica-priority 0 is never promoted, even when it is the only one left
 *   (redis.conf: "a replica with a priority of 0 ... will never be selected by Redis Sentinel
 *   for promotion");
 * - a redis-py client learns the new master from Sentinel once it is promoted; a Jedis client
 *   from the +switch-master message.
 * - a replica that stops reading is dropped by the master over client-output-buffer-limit
 *   replica at the times real Redis 7.0.15 drops it (test/calibration/redis-obuf.test.ts); a
 *   replica loading an RDB refuses REPLICAOF with -LOADING, so Sentinel cannot promote it until
 *   the load is over and a longer load aborts the failover at failover-timeout
 *   (test/models/redis-sentinel-obuf.test.ts).
 *
 * Sources of the defaults:
 * - down-after-milliseconds 30000, quorum 2, failover-timeout 180000, parallel-syncs 1:
 *   the sentinel.conf shipped with Redis 7 (`sentinel monitor mymaster 127.0.0.1 6379 2`);
 * - PING every 1 s, INFO every 10 s (1 s while failing over), hello every 2 s, TILT trigger
 *   2 s and period 30 s, election timeout 10 s: sentinel.c constants (SENTINEL_PING_PERIOD,
 *   SENTINEL_INFO_PERIOD, SENTINEL_PUBLISH_PERIOD, SENTINEL_TILT_TRIGGER, SENTINEL_TILT_PERIOD,
 *   SENTINEL_ELECTION_TIMEOUT);
 * - replica-priority 100, min-replicas-to-write 0 (off), min-replicas-max-lag 10, repl-timeout
 *   60, repl-ping-replica-period 10, client-output-buffer-limit replica 256mb 64mb 60,
 *   repl-backlog-ttl 3600: redis.conf of Redis 7;
 * - WAIT 1 1000 when enabled: the HA document's `WAIT 1 1000`;
 * - client: redis-py, the most used Python client (redis/sentinel.py); a Sentinel query waits
 *   2 s for an answer, Jedis's default socket timeout (Protocol.DEFAULT_TIMEOUT 2000 ms).
 */
import { SECOND } from '../src/sim/time.ts';
import { defineDesign } from '../src/world/design.ts';
import { InputError } from '../src/sim/input-error.ts';
import { perNode } from '../src/world/params.ts';
import { RedisServer } from '../src/parts/redis-server.ts';
import { RedisSentinel } from '../src/parts/redis-sentinel.ts';

const SENTINEL_CONF = 'sentinel.conf shipped with Redis 7';
const REDIS_CONF = 'redis.conf shipped with Redis 7';

const redisIds = (n: number) => Array.from({ length: n }, (_, i) => `redis${i + 1}`);
const sentinelIds = (n: number) => Array.from({ length: n }, (_, i) => `sentinel${i + 1}`);

export default defineDesign({
  name: 'redis-sentinel',
  description: 'Redis master + replicas (async) with Sentinels: SDOWN, ODOWN, elected failover; Sentinel-following clients',
  params: {
    redisNodes: { kind: 'integer', default: 3, min: 2, max: 9, doc: 'Redis nodes: redis1 is the first master, the others its replicas', source: 'Sentinel docs, "Example 2: basic setup with three boxes"' },
    sentinels: { kind: 'integer', default: 3, min: 1, max: 9, doc: 'Sentinels (sentinelN runs on boxN)', source: 'Sentinel docs: "You need at least three Sentinel instances for a robust deployment"' },
    downAfterMilliseconds: { kind: 'integer', default: 30_000, min: 1, unit: 'ms', doc: 'no valid PING reply for this long: subjectively down (SDOWN)', source: `${SENTINEL_CONF}: sentinel down-after-milliseconds mymaster 30000` },
    quorum: { kind: 'integer', default: 2, min: 1, max: 9, doc: 'Sentinels that must agree the master is down (ODOWN); at most `sentinels`', source: `${SENTINEL_CONF}: sentinel monitor mymaster 127.0.0.1 6379 2` },
    failoverTimeout: { kind: 'duration', default: '180s', doc: 'a failover step taking longer aborts; a new attempt waits twice this', source: `${SENTINEL_CONF}: sentinel failover-timeout mymaster 180000` },
    parallelSyncs: { kind: 'integer', default: 1, min: 1, doc: 'replicas reconfigured at once after a failover', source: `${SENTINEL_CONF}: sentinel parallel-syncs mymaster 1` },
    replicaPriority: { kind: 'integer-list', default: '100', min: 0, doc: 'replica-priority per Redis node (redis1 first; one value: all): Sentinel promotes the lowest first, 0 never', source: `${REDIS_CONF}: replica-priority 100` },
    minReplicasToWrite: { kind: 'integer', default: 0, min: 0, max: 8, doc: 'the master refuses writes with fewer replicas acked within min-replicas-max-lag (0: off); at most redisNodes - 1', source: `${REDIS_CONF}: min-replicas-to-write (commented out: off)` },
    minReplicasMaxLag: { kind: 'duration', default: '10s', doc: 'how recent a replica ack must be to count for min-replicas-to-write', source: `${REDIS_CONF}: min-replicas-max-lag 10` },
    waitNumreplicas: { kind: 'integer', default: 0, min: 0, max: 8, doc: 'the application sends WAIT <numreplicas> <timeout> after each write (0: no WAIT); at most redisNodes - 1', source: "Redis docs, WAIT; the HA document's WAIT 1 1000" },
    waitTimeout: { kind: 'duration', default: '1000ms', doc: "WAIT's timeout; the write is acked when it expires, whatever the count", source: "Redis docs, WAIT; the HA document's WAIT 1 1000" },
    replTimeout: { kind: 'duration', default: '60s', doc: 'a replica declares its master link down after this long without data', source: `${REDIS_CONF}: repl-timeout 60` },
    replPingReplicaPeriod: { kind: 'duration', default: '10s', doc: 'the master pings its replicas this often', source: `${REDIS_CONF}: repl-ping-replica-period 10` },
    replBacklogSize: { kind: 'integer', default: 1_048_576, min: 1, unit: 'B', doc: 'replication backlog: a replica reconnecting from an offset older than this many bytes of stream needs a full resync', source: `${REDIS_CONF}: repl-backlog-size 1mb (config.c default 1024*1024)` },
    replBytesPerOrder: { kind: 'integer', default: 100, min: 1, unit: 'B', doc: 'replication stream (and RDB) bytes one order adds: converts repl-backlog-size to orders', source: 'estimate: one order as a RESP command (an HSET of a few fields) is ~100 bytes' },
    replDisklessSyncDelay: { kind: 'duration', default: '5s', doc: 'a full resync waits this long for more replicas before the master forks its RDB (diskless sync)', source: `${REDIS_CONF}: repl-diskless-sync yes, repl-diskless-sync-delay 5` },
    fullSyncBytesPerSecond: { kind: 'integer', default: 100_000_000, min: 1, unit: 'B', doc: 'bytes per second at which a full resync transfers and loads the RDB', source: 'estimate: 1 GbE carries ~117 MB/s; loading an RDB of small keys is of the same order' },
    initialDatasetBytes: { kind: 'integer', default: 0, min: 0, unit: 'B', doc: "data the dataset held before the run's orders (a trading system's reference data, positions...): every RDB carries it, so a full resync's transfer and load take that much longer", source: 'deployment: 0 is the runs\' orders only; a production Redis holds GBs (redis.io, "Replication": a full sync transfers the whole dataset)' },
    replicaOutputBufferHardLimit: { kind: 'integer', default: 268_435_456, min: 0, unit: 'B', doc: "client-output-buffer-limit replica's hard limit: a master holding this much unsent stream for a replica closes its connection at once (0: none; below replBacklogSize it is replBacklogSize)", source: `${REDIS_CONF}: client-output-buffer-limit replica 256mb 64mb 60; networking.c checkClientOutputBufferLimits` },
    replicaOutputBufferSoftLimit: { kind: 'integer', default: 67_108_864, min: 0, unit: 'B', doc: "client-output-buffer-limit replica's soft limit: the connection is closed once the buffer stayed at least this large for more than replicaOutputBufferSoftTime (0: none)", source: `${REDIS_CONF}: client-output-buffer-limit replica 256mb 64mb 60` },
    replicaOutputBufferSoftTime: { kind: 'duration', default: '60s', doc: 'how long (whole seconds, exceeded) the buffer may stay over the soft limit', source: `${REDIS_CONF}: client-output-buffer-limit replica 256mb 64mb 60` },
    replicaSocketBuffer: { kind: 'integer', default: 5_000_000, min: 0, unit: 'B', doc: "stream the master's and the replica's kernel socket buffers take when the replica stops reading, before the master's output buffer grows", source: 'measured: Redis 7.0.15 on Linux loopback, a SIGSTOPped replica fed 1.3 and 10 MB/s: 4.2-8.2 MB, median 5.1 MB over 13 trials (calibration/redis-obuf.ts, fixtures redis-obuf--*, test/calibration/redis-obuf.test.ts); Linux tcp_wmem max 4 MB' },
    replBacklogTtl: { kind: 'duration', default: '3600s', doc: 'a master without connected replicas this long frees its backlog (a new replication id): a replica returning later needs a full resync (0s: never)', source: `${REDIS_CONF}: repl-backlog-ttl 3600; replication.c replicationCron` },
    sentinelQueryTimeout: { kind: 'duration', default: '2000ms', doc: "how long a client waits for one Sentinel's answer before asking the next (a Sentinel cut off by a partition answers never)", source: "Jedis Protocol.DEFAULT_TIMEOUT 2000 ms; redis-py's Sentinel takes socket_timeout from sentinel_kwargs (its docs' example: 0.1 s)" },
    client: { kind: 'enum', default: 'redis-py', values: ['redis-py', 'jedis', 'probe'], doc: 'how clients find the master: ask Sentinel and re-ask on errors (redis-py), follow +switch-master (jedis), or probe the nodes', source: 'redis-py redis/sentinel.py SentinelConnectionPool; Jedis JedisSentinelPool' },
  },
  topology: (p) => {
    const redis = redisIds(p.redisNodes);
    const sentinels = sentinelIds(p.sentinels);
    if (p.quorum > p.sentinels) throw new InputError('--set', 'quorum', `at most sentinels (${p.sentinels})`, String(p.quorum));
    for (const name of ['minReplicasToWrite', 'waitNumreplicas'] as const) {
      if (p[name] > p.redisNodes - 1) throw new InputError('--set', name, `at most redisNodes - 1 (${p.redisNodes - 1})`, String(p[name]));
    }
    perNode(p.replicaPriority, p.redisNodes, 'replicaPriority');
    return {
      nodes: [
        ...redis.map((id, i) => ({ id, rack: `box${i + 1}` })),
        ...sentinels.map((id, i) => ({ id, rack: `box${i + 1}`, serving: false })),
      ],
      routing: p.client === 'probe'
        ? { kind: 'direct', targets: redis }
        : { kind: 'discovery', services: sentinels, queryTimeout: Math.max(p.sentinelQueryTimeout, 1000), style: p.client as 'redis-py' | 'jedis' },
    };
  },
  createNode: (ctx, p) => {
    const redis = redisIds(p.redisNodes);
    if (ctx.id.startsWith('sentinel')) {
      return new RedisSentinel(ctx, {
        redisNodes: redis,
        sentinels: sentinelIds(p.sentinels),
        initialMaster: redis[0],
        quorum: p.quorum,
        downAfterUs: p.downAfterMilliseconds * 1_000,
        failoverTimeoutUs: p.failoverTimeout,
        parallelSyncs: p.parallelSyncs,
      });
    }
    return new RedisServer(ctx, {
      initialMaster: redis[0],
      replicaPriority: perNode(p.replicaPriority, p.redisNodes, 'replicaPriority')[redis.indexOf(ctx.id)],
      minReplicasToWrite: p.minReplicasToWrite,
      minReplicasMaxLagUs: p.minReplicasMaxLag,
      waitReplicas: p.waitNumreplicas,
      waitTimeoutUs: p.waitTimeout,
      replTimeoutUs: p.replTimeout,
      replPingReplicaPeriodUs: p.replPingReplicaPeriod,
      replBacklogSizeBytes: p.replBacklogSize,
      bytesPerOrder: p.replBytesPerOrder,
      replDisklessSyncDelayUs: p.replDisklessSyncDelay,
      fullSyncBytesPerSecond: p.fullSyncBytesPerSecond,
      initialDatasetBytes: p.initialDatasetBytes,
      replicaOutputBufferLimit: { hardBytes: p.replicaOutputBufferHardLimit, softBytes: p.replicaOutputBufferSoftLimit, softUs: p.replicaOutputBufferSoftTime },
      replicaSocketBufferBytes: p.replicaSocketBuffer,
      replBacklogTtlUs: p.replBacklogTtl,
    });
  },
  // a Redis server serves; Sentinels only fail over
  estimate: (p, t) => {
    const redis = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    return {
      structure: { atLeast: 1, of: redis },
      standby: { need: 1, of: redis },
      settle: 60 * SECOND,
      // the longest Sentinel goes without a recorded event while the clients are served: an
      // instance stops answering PINGs (a fault event) and is marked +sdown down-after-milliseconds
      // later (sentinel.c sentinelCheckSubjectivelyDown); what Sentinel learns by INFO (a replica
      // restarted as a master, a new replica) it acts on within one INFO period, 10 s
      // (SENTINEL_INFO_PERIOD); every step after those is a logged event (+odown, +try-failover,
      // +convert-to-slave...). A failover-timeout (180 s) ends beyond the settle, fast-forwarded anyway.
      silentReaction: p.downAfterMilliseconds * 1_000 + 10 * SECOND,
      staysDown:
        "(1) a failover needs a Sentinel leader voted by a majority of the Sentinels (sentinel.c sentinelGetLeader: max(quorum, majority)); with most Sentinels down a master that fails stays down until enough of them are back (Sentinels are monitors, not in the structure); (2) a master whose disk fails refuses writes (MISCONF: its AOF cannot be written) but still answers Sentinel's PING, so Sentinel sees nothing to fail over and writes wait for the disk's repair, as with real Redis + Sentinel.",
    };
  },
});
