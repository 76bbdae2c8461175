/**
 * active-active-lock: the HA document's `ActiveActiveService` (§2, "ACTIVE-ACTIVE (LOAD
 * BALANCED)"): two active instances behind a load balancer, a per-order lock in one Redis
 * (`redis_.acquireLock("order:" + id, 5000)`), the order record written to the same Redis,
 * the lock released after processing.
 *
 * Stands for: two stateless order-entry services behind HAProxy (2.x), sharing Redis 7 as
 * lock service and state store, optionally with one replica and three Sentinels. Nodes: `i1`,
 * `i2` (the instances), `redis1` (master), and with `redisReplica` `redis2` and `s1`-`s3`.
 *
 * Mechanisms modelled:
 * - the load balancer (world routing `lb`): health checks every `healthCheckInterval`, out of
 *   rotation after `unhealthyThreshold` failures, back after `healthyThreshold` successes; the
 *   check asks the process, not its order path;
 * - `processOrder`, per order: `SET lock:order:<id> <owner> NX PX lockLease` (retried every
 *   `lockRetryInterval` while busy, up to `lockWaitTimeout`); `GET order:<id>` (a retry of an
 *   order already recorded is acked, not processed again); `doProcessOrder` = send the order
 *   to the exchange; `SET order:<id> <record>`; ack the client; release the lock with the
 *   compare-and-delete script. The document uses the key `order:<id>` for both the lock and
 *   the record, which would make the release delete the record (or, with the safe script,
 *   never release); we give the lock its own key, the evident intent. The document does not
 *   read the record first; without that every client retry after a slow ack would be a
 *   duplicate, so we add it, and duplicates then come only from the lock failing;
 * - the lock service (`src/parts/redis-lock-store.ts`): expiry by the Redis server's wall clock;
 *   AOF persistence with `appendfsync`; async replication; Sentinel failover
 *   (`src/parts/lock-store-sentinel.ts`), which promotes a replica that may lack the newest locks and
 *   records; the demoted master resyncs and drops what it accepted meanwhile;
 * - `fencingTokens`: the lock script also INCRs a counter and returns it; the instance sends
 *   it with the order, the exchange rejects an order whose token is lower than one it has
 *   seen for the same order id, and the record write is refused when the stored record has a
 *   higher token (Kleppmann's fencing, at the exchange and at the store). The counter lives in
 *   the same Redis, so it can go backwards after a failover or a crash that loses its last
 *   second: tokens from a non-consensus lock service are not monotonic.
 *
 * Roles. Active-active has no primary: both instances serve at once, legitimately, so they
 * declare no role (declaring each `primary` would flag `single-primary` on every run; it is
 * not a split brain). The primary of the *state* is the Redis master: it declares `primary`
 * (with Sentinel's epoch), a replica `standby`, sentinels `witness`. So `no-lost-ack` reads
 * the master's AOF (acked orders lost by `everysec` or by a failover show there), and
 * `single-primary` asks whether two Redis masters both produced external effects: they never
 * do themselves (the instances do), so it is vacuous here. What a broken lock does shows as
 * `no-duplicate-order` (Kleppmann's unsafe case) and `no-lost-ack`.
 *
 * - `redlock`: the lock is Redlock over five independent masters `redis1`-`redis5` (redis.io,
 *   "Distributed Locks with Redis", the Redlock algorithm; `Redlock` in lock-client.ts): SET NX
 *   PX on all five with a short per-request timeout, held on a majority within the lease minus
 *   the clock drift allowance; released on all. redis1 also keeps the order records (the
 *   others declare `witness`); Redlock gives no fencing token, so `fencingTokens` then only
 *   guards nothing (Kleppmann: "Redlock does not have any facility for generating fencing
 *   tokens");
 * - `lockExpiryClock`: Redis keeps a key's expiry as an absolute Unix time (expire.c,
 *   `mstime()`), so a wall-clock jump on a server expires its leases early (Kleppmann's
 *   Redlock critique); `monotonic` measures leases by elapsed time instead.
 *
 * Published cases (scenarios/published, test/models/active-active-lock-published.test.ts),
 * each fault triggered by the `lock.acquired` probe: Kleppmann's GC pause of the holder
 * (kleppmann-gc-pause; the pause always lands in the critical section, but a second holder
 * needs one of the order's client retries to reach i2, 72 of seeds 1-100), the lock lost in a
 * Sentinel failover (redis-failover-lock-loss), and Redlock with a clock jump on one master
 * (redlock-clock-jump). Sources: M. Kleppmann, "How to do distributed locking", 2016-02-08,
 * martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html;
 * redis.io/docs/latest/develop/use/patterns/distributed-locks/ ("Why failover-based
 * implementations are not enough", "The Redlock algorithm").
 *
 * Left out: Redis Cluster, lock extension, HAProxy's own
 * redundancy (one balancer, never failing), connection pools, and the instances' positions
 * cache (`getPosition` reads Redis; nothing here checks positions).
 *
 * Defaults and their sources:
 * - lockLease 5 s: the document's `acquireLock("order:" + id, 5000)  // 5s timeout`.
 * - lockRetryInterval 100 ms: redis-py `Lock(sleep=0.1)`; lockWaitTimeout 10 s: redis-py's
 *   `blocking_timeout` defaults to None (wait forever); bounded at two leases here.
 * - redisTimeout 2 s: Jedis' default socket timeout (`Protocol.DEFAULT_TIMEOUT` = 2000 ms).
 * - appendfsync everysec: Redis persistence docs and redis.conf, the default AOF policy ("you
 *   may lose 1 second of data"); AOF itself is off by default (`appendonly no`) and must be
 *   on for a store of order records.
 * - downAfterMilliseconds 30 s, failoverTimeout 180 s, quorum 2: Redis' sentinel.conf
 *   example (`down-after-milliseconds mymaster 30000`, `failover-timeout mymaster 180000`,
 *   `sentinel monitor mymaster ... 2`); repl-timeout 60 s and repl-ping-replica-period 10 s:
 *   redis.conf defaults.
 * - healthCheckInterval 2 s, unhealthyThreshold 3, healthyThreshold 2: HAProxy `inter 2s`,
 *   `fall 3`, `rise 2` defaults; the check times out after `inter` (HAProxy uses `inter` when
 *   `timeout check` is unset).
 * - restartSec 5 s: systemd `Restart=always`, `RestartSec=5s`, as for the other designs.
 * - The unsafe cases this design must show: Redis' distributed-lock page ("Why failover-based
 *   implementations are not enough": a lock granted by a master that crashes before the write
 *   reaches its replica is lost) and Kleppmann, "How to do distributed locking" (2016): a
 *   process pause longer than the lease, or a clock jump on the lock server, lets two clients
 *   hold the lock; fencing tokens checked by the resource make that safe.
 */
import { defineDesign, type NodeSpec, type Resolved } from '../src/world/design.ts';
import { majorityOf } from '../src/world/estimate-declaration.ts';
import type { Actor, Msg, NodeContext, OrderRequest } from '../src/world/actor.ts';
import { ORDER_MESSAGES } from '../src/world/messages.ts';
import { RedisClient, Redlock, type Locker, type LockOptions } from '../src/parts/lock-client.ts';
import { InputError } from '../src/sim/input-error.ts';
import { RedisLockStore, type AppendFsync } from '../src/parts/redis-lock-store.ts';
import { LockStoreSentinel } from '../src/parts/lock-store-sentinel.ts';

const params = {
  fencingTokens: { kind: 'boolean', default: false, doc: 'the lock returns a fencing token; the exchange and the record store reject stale ones', source: 'Kleppmann, How to do distributed locking (2016): fencing tokens' },
  redisReplica: { kind: 'boolean', default: false, doc: 'add a Redis replica and three Sentinels that fail the master over', source: 'Redis Sentinel docs; the distributed-lock page on failover-based setups' },
  lockLease: { kind: 'duration', default: '5s', doc: 'PX of the lock: the lease the Redis server gives it', source: 'HA document: acquireLock("order:" + id, 5000) // 5s timeout' },
  lockRetryInterval: { kind: 'duration', default: '100ms', doc: 'sleep between two attempts at a busy lock', source: 'redis-py Lock(sleep=0.1)' },
  lockWaitTimeout: { kind: 'duration', default: '10s', doc: 'how long an instance keeps trying a busy lock before refusing the order', source: 'redis-py blocking_timeout (default None = forever), bounded at two leases' },
  redisTimeout: { kind: 'duration', default: '2s', doc: 'socket timeout of a Redis request', source: 'Jedis Protocol.DEFAULT_TIMEOUT = 2000 ms' },
  appendfsync: { kind: 'enum', default: 'everysec', values: ['always', 'everysec'], doc: 'AOF fsync policy of the Redis servers', source: 'redis.conf: appendfsync everysec is the default AOF policy' },
  downAfterMilliseconds: { kind: 'duration', default: '30s', doc: 'Sentinel: master silence before SDOWN', source: 'sentinel.conf example: down-after-milliseconds mymaster 30000' },
  failoverTimeout: { kind: 'duration', default: '180s', doc: 'Sentinel: a failed failover is retried after twice this', source: 'sentinel.conf example: failover-timeout mymaster 180000' },
  quorum: { kind: 'integer', default: 2, min: 1, max: 3, doc: 'Sentinels that must agree the master is down (ODOWN)', source: 'sentinel.conf example: sentinel monitor mymaster 127.0.0.1 6379 2' },
  replTimeout: { kind: 'duration', default: '60s', doc: 'a replica silent-linked this long reconnects', source: 'redis.conf repl-timeout 60' },
  replPingPeriod: { kind: 'duration', default: '10s', doc: 'the master pings its replicas this often', source: 'redis.conf repl-ping-replica-period 10' },
  healthCheckInterval: { kind: 'duration', default: '2s', doc: 'load balancer health-check interval (and check timeout)', source: 'HAProxy inter 2000 ms; timeout check defaults to inter' },
  unhealthyThreshold: { kind: 'integer', default: 3, min: 1, doc: 'failed checks before a backend leaves the rotation', source: 'HAProxy fall 3' },
  healthyThreshold: { kind: 'integer', default: 2, min: 1, doc: 'good checks before a backend returns', source: 'HAProxy rise 2' },
  redlock: { kind: 'boolean', default: false, doc: 'lock with Redlock over five independent Redis masters (redis1 also stores the records); no fencing tokens', source: 'redis.io, Distributed Locks with Redis: the Redlock algorithm (N = 5)' },
  redlockRequestTimeout: { kind: 'duration', default: '50ms', positive: true, doc: 'Redlock: per-instance timeout of SET NX PX, small against the lease', source: 'redis.io distlock: "5-50 milliseconds" for a 10 s auto-release time' },
  lockExpiryClock: { kind: 'enum', default: 'wall', values: ['wall', 'monotonic'], doc: 'the clock lock leases expire by on the servers: wall (Redis: absolute Unix expiry times) or monotonic', source: 'Redis expire.c (expiry kept as mstime()); Kleppmann (2016) on Redlock and clock jumps' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
} as const;

type Params = Resolved<typeof params>;

const INSTANCES = ['i1', 'i2'];
const MASTER = 'redis1';
const REPLICA = 'redis2';
const SENTINELS = ['s1', 's2', 's3'];

const REDLOCK = ['redis1', 'redis2', 'redis3', 'redis4', 'redis5'];

const redisServers = (p: Params): string[] => (p.redlock ? REDLOCK : p.redisReplica ? [MASTER, REPLICA] : [MASTER]);

/** One order being processed: the requests for it (retries coalesce) and the lock held. */
interface Job {
  orderId: string;
  requests: OrderRequest[];
  owner: string;
  locked: boolean;
}

/** `ActiveActiveService::processOrder`, one instance. */
class ActiveActiveService implements Actor {
  private readonly redis: RedisClient;
  /** Who grants the lock: the store itself, or Redlock over five masters. */
  private readonly locker: Locker;
  private readonly lock: LockOptions;
  private readonly jobs = new Map<string, Job>();
  private nextOwner = 1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: Params,
  ) {
    this.redis = new RedisClient(ctx, { master: MASTER, sentinels: p.redisReplica ? SENTINELS : [], timeout: p.redisTimeout });
    this.locker = p.redlock ? new Redlock(ctx, REDLOCK, p.redlockRequestTimeout) : this.redis;
    this.lock = { lease: p.lockLease, retryInterval: p.lockRetryInterval, waitTimeout: p.lockWaitTimeout };
  }

  onStart(): void {
    this.redis.discoverMaster();
  }

  onMessage(_from: string, msg: Msg): void {
    if (this.locker !== this.redis && this.locker.handle(_from, msg)) return;
    if (this.redis.handle(_from, msg)) return;
    if (ORDER_MESSAGES.has(msg)) this.processOrder(msg);
  }

  onTimer(kind: string, data: unknown): void {
    if (this.locker !== this.redis && this.locker.onTimer(kind, data)) return;
    this.redis.onTimer(kind, data);
  }

  private processOrder(order: OrderRequest): void {
    const ctx = this.ctx;
    if (!ctx.marketOpen()) return ctx.rejectOrder(order, 'market-closed');
    if (!ctx.feedUp()) return ctx.rejectOrder(order, 'no-market-data');
    const running = this.jobs.get(order.orderId);
    if (running) {
      running.requests.push(order);
      return;
    }
    const job: Job = { orderId: order.orderId, requests: [order], owner: `${ctx.id}/${ctx.bootCount}/${this.nextOwner++}`, locked: false };
    this.jobs.set(job.orderId, job);
    // auto lock = redis_.acquireLock("order:" + order.id(), 5000); if (!lock) throw ...
    this.locker.acquire(lockKey(job.orderId), job.owner, this.lock, (result) => {
      if (!result.granted) return this.finish(job, result.reason);
      job.locked = true;
      this.redis.call({ op: 'get', orderId: job.orderId }, (found) => {
        if (!found) return this.finish(job, 'store-unavailable');
        if (found.found) return this.finish(job, 'done'); // processed before: ack the retry
        const token = this.p.fencingTokens && !this.p.redlock ? result.token : undefined;
        ctx.sendToExchange(job.orderId, token); // doProcessOrder(order)
        // redis_.set("order:" + order.id(), serializeOrder(order))
        this.redis.call({ op: 'record', orderId: job.orderId, token }, (stored) => {
          if (!stored) return this.finish(job, 'store-unavailable');
          this.finish(job, stored.ok ? 'done' : (stored.error ?? 'store-unavailable'));
        });
      });
    });
  }

  /** redis_.releaseLock(lock), then the ack (or the exception) to every request for the order. */
  private finish(job: Job, outcome: string): void {
    this.jobs.delete(job.orderId);
    if (job.locked) this.locker.release(lockKey(job.orderId), job.owner);
    for (const request of job.requests) {
      if (outcome === 'done') this.ctx.ackOrder(request);
      else this.ctx.rejectOrder(request, outcome);
    }
  }
}

function lockKey(orderId: string): string {
  return `lock:order:${orderId}`;
}

export default defineDesign({
  name: 'active-active-lock',
  description: 'two active instances behind a load balancer, per-order lock SET NX PX 5000 in one Redis (optional replica + Sentinel, optional fencing tokens)',
  params,
  topology: (p) => {
    const nodes: NodeSpec[] = [
      { id: 'i1', rack: 'r1', supervisedRestart: p.restartSec },
      { id: 'i2', rack: 'r2', supervisedRestart: p.restartSec },
      { id: MASTER, rack: 'r3', supervisedRestart: p.restartSec, serving: false },
    ];
    if (p.redlock && p.redisReplica) throw new InputError('--set', 'redlock', 'redlock or redisReplica, not both (Redlock runs on independent masters)', 'both true');
    if (p.redlock) for (const id of REDLOCK.slice(1)) nodes.push({ id, rack: `rack-${id}`, supervisedRestart: p.restartSec, serving: false });
    if (p.redisReplica) {
      nodes.push({ id: REPLICA, rack: 'r4', supervisedRestart: p.restartSec, serving: false });
      for (const s of SENTINELS) nodes.push({ id: s, rack: `rack-${s}`, supervisedRestart: p.restartSec, serving: false });
    }
    return {
      nodes,
      routing: {
        kind: 'lb',
        targets: INSTANCES,
        healthCheckInterval: p.healthCheckInterval,
        healthCheckTimeout: p.healthCheckInterval,
        unhealthyThreshold: p.unhealthyThreshold,
        healthyThreshold: p.healthyThreshold,
      },
      exchangeChecksTokens: p.fencingTokens,
      exchangeTokenScope: 'order',
    };
  },
  createNode: (ctx, p) => {
    if (INSTANCES.includes(ctx.id)) return new ActiveActiveService(ctx, p);
    if (SENTINELS.includes(ctx.id)) {
      return new LockStoreSentinel(ctx, {
        sentinels: SENTINELS,
        servers: redisServers(p),
        initialMaster: MASTER,
        subscribers: INSTANCES,
        quorum: p.quorum,
        downAfter: p.downAfterMilliseconds,
        failoverTimeout: p.failoverTimeout,
        pingInterval: 1_000_000,
      });
    }
    return new RedisLockStore(ctx, {
      initialRole: ctx.id === MASTER || p.redlock ? 'master' : 'replica',
      initialMaster: ctx.id === MASTER || p.redlock ? undefined : MASTER,
      appendfsync: p.appendfsync as AppendFsync,
      checkTokens: p.fencingTokens,
      replTimeout: p.replTimeout,
      replPingPeriod: p.replPingPeriod,
      expiryClock: p.lockExpiryClock as 'wall' | 'monotonic',
      lockOnly: p.redlock && ctx.id !== MASTER,
    });
  },
  // an instance, and the Redis master (or its replica when Sentinel can promote it); with
  // Redlock, redis1 (it holds the records) and a majority of the five masters (to lock)
  estimate: (p, t) => {
    const ids = t.nodes.map((n) => n.id);
    const instances = ids.filter((id) => id.startsWith('i'));
    if (p.redlock) return { structure: { all: [{ atLeast: 1, of: instances }, MASTER, majorityOf(REDLOCK)] } };
    const redis = ids.filter((id) => id.startsWith('redis'));
    return { structure: { all: [{ atLeast: 1, of: instances }, { atLeast: 1, of: redis }] }, ...(redis.length > 1 ? { standby: { need: 1, of: redis } } : {}) };
  },
});
