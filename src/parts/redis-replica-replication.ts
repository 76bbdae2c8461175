/**
 * The replica side of Redis 7 replication (replication.c): the link to the master, PSYNC, the
 * stream applied to the dataset and the AOF, a full resync's wait and blocking load, and the
 * replica's replicationCron duties (REPLCONF ACK every second, repl-timeout, reconnecting).
 *
 * - the replica (re)connects with PSYNC <replid> <offset>; +CONTINUE brings the link up (with
 *   the master's replid if it changed, the old one kept as replid2);
 * - the master holds the PSYNC while it delays its fork (`repl-diskless-sync-delay`, sending a
 *   newline every second); silence for repl-timeout ends the wait ("Timeout connecting to the
 *   MASTER...");
 * - at +FULLRESYNC the replica discards its cached master (replicationDiscardCachedMaster), so
 *   INFO reports no offset (`slave_repl_offset:1`, server.c genRedisInfoString) and a later
 *   PSYNC can only ask for a full resync (`PSYNC ? -1`);
 * - the RDB is transferred and loaded (repl-diskless-load disabled: to disk, then "Flushing old
 *   data" and a blocking load) in `size / fullSyncBytesPerSecond`, its size the run's orders
 *   plus the data the dataset held before them (`initialDatasetBytes`); the replica keeps serving its
 *   old data until the load, its link stays down (master_link_status is up only once
 *   connected), and the stream that arrives meanwhile waits in its socket;
 * - while it loads, the replica sends its master a newline once a second
 *   (rdbLoadProgressCallback -> replicationSendNewlineToMaster, at most once per `time(NULL)`
 *   second), which refreshes the master's `repl_ack_time` for it (networking.c
 *   processInlineBuffer: "a slave to ping back while loading a big RDB file"), so a long load is
 *   not taken for a dead replica;
 * - once loaded, the replica ACKs at once (replication.c 7.2.4 l. 2286, "Send the initial ACK
 *   immediately to put this replica in online state"): the master starts its stream then;
 * - a gap in the stream, or repl-timeout without data or a ping, takes the link down and the
 *   replica reconnects every second; a connection reset by the master's host (its process
 *   died) or closed by the master (its output buffer limit, its repl-timeout: the FIN arrives
 *   after the data written before it) takes it down at once ("Connection with master lost",
 *   replication.c freeClient -> replicationHandleMasterDisconnection).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';
import type { RedisDataset } from './redis-dataset.ts';
import type { FromMaster, Psync, RedisConfig, ReplFullResync, ReplicationIds } from './redis-protocol.ts';

/** The end of a full resync's blocking load (timer kind). */
export const LOADED_TIMER = 'redis-loaded';
/** A newline to the master every second of a full resync's load (timer kind). */
export const NEWLINE_TIMER = 'redis-load-newline';
const NEWLINE_PERIOD_US: Micros = 1_000_000;

export interface ReplicaReplicationOptions {
  config: RedisConfig;
  dataset: RedisDataset;
  ids: ReplicationIds;
  /** The master this server replicates, while it is a replica. */
  master(): string | undefined;
  /** An order the stream brought (the order server learns it is stored). */
  learn(orderId: string): void;
  /** The dataset was replaced by an RDB (the order server relearns it). */
  relearnLog(): void;
  /** The AOF may fold where memory folded. */
  foldAof(): void;
}

export class RedisReplicaReplication {
  private linkUpNow = false;
  /** A full resync under way: waiting for the master's fork, or loading its RDB. */
  private sync: 'none' | 'waiting' | 'loading' = 'none';
  /** The RDB being loaded and the stream that arrived meanwhile. */
  private loading: { msg: ReplFullResync; timer: TimerHandle; newline: TimerHandle; queued: FromMaster[] } | undefined;
  /** The cached master was discarded (+FULLRESYNC): no offset to report or continue from until loaded. */
  private noCachedMaster = false;
  private lastIoUs = 0;
  private linkDownSinceUs = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: ReplicaReplicationOptions,
  ) {}

  /** master_link_status is up. */
  get linkUp(): boolean {
    return this.linkUpNow;
  }

  /** How long the link has been down (for INFO), as of `now`. */
  linkDownFor(now: Micros): Micros {
    return now - this.linkDownSinceUs;
  }

  /** In a full resync's blocking RDB load (server.loading): commands without CMD_LOADING get -LOADING. */
  get loadingRdb(): boolean {
    return this.sync === 'loading';
  }

  /** The offset INFO reports: none while the cached master is discarded. */
  get reportsOffset(): boolean {
    return !this.noCachedMaster;
  }

  /** The server starts: the link counts as down from now. */
  start(): void {
    this.linkDownSinceUs = this.ctx.monotonic();
  }

  /** No longer a replica (promoted): link down, any full resync abandoned, the dataset is this master's own. */
  stop(): void {
    this.linkUpNow = false;
    this.cancelSync();
    this.noCachedMaster = false;
  }

  /** PSYNC to the master, if there is one. */
  connect(): void {
    const master = this.options.master();
    if (master === undefined) return;
    // without a cached master a replica can only ask for a full resync (PSYNC ? -1)
    const replid = this.noCachedMaster ? '?' : this.options.ids.replid;
    this.ctx.send(master, { type: 'psync', replid, offset: this.options.dataset.length } satisfies Psync);
  }

  markLinkDown(): void {
    if (this.linkUpNow || this.linkDownSinceUs === 0) this.linkDownSinceUs = this.ctx.monotonic();
    this.linkUpNow = false;
  }

  /** The master's connection was reset (its process died on a living host) or closed by the master. */
  onConnectionReset(peer: string): void {
    if (peer !== this.options.master()) return;
    if (this.sync !== 'none') {
      this.ctx.note('redis: Connection with master lost during the full resync, aborted');
      return this.cancelSync();
    }
    if (!this.linkUpNow) return;
    this.ctx.note('redis: Connection with master lost');
    this.markLinkDown();
  }

  onFromMaster(from: string, msg: FromMaster): void {
    if (from !== this.options.master()) return;
    // a blocking RDB load: what the master sends meanwhile waits in the socket
    if (this.loading) return void this.loading.queued.push(msg);
    const { dataset, ids, config } = this.options;
    const disk = this.ctx.disk;
    switch (msg.type) {
      case 'repl-continue':
        if (msg.replid !== ids.replid) {
          ids.replid2 = ids.replid;
          ids.replid = msg.replid;
        }
        break;
      case 'repl-wait-bgsave':
        this.sync = 'waiting';
        break;
      case 'repl-fullresync': {
        this.sync = 'loading';
        this.noCachedMaster = true;
        const loadUs = Math.ceil(((msg.rdb.length * config.bytesPerOrder + config.initialDatasetBytes) * 1_000_000) / config.fullSyncBytesPerSecond);
        this.ctx.note(`redis: MASTER <-> REPLICA sync: receiving and loading an RDB of ${msg.rdb.length} entries from ${from} (${loadUs / 1000} ms)`);
        this.loading = { msg, timer: this.ctx.setTimer(loadUs, LOADED_TIMER), newline: this.ctx.setTimer(NEWLINE_PERIOD_US, NEWLINE_TIMER), queued: [] };
        break;
      }
      case 'repl-data': {
        if (!this.linkUpNow) return;
        if (msg.start !== dataset.length) {
          // part of the stream was lost: resynchronise
          this.markLinkDown();
          return this.connect();
        }
        for (const e of msg.entries) {
          dataset.push(e);
          if (disk.length === dataset.length - 1) disk.append(e);
          this.options.learn(e.orderId);
        }
        this.options.foldAof();
        break;
      }
      case 'repl-getack':
        if (this.sync === 'none') this.ctx.send(from, { type: 'replconf-ack', offset: dataset.length });
        break;
      case 'repl-closed':
        return this.onConnectionReset(from);
      default:
        break;
    }
    if (msg.type === 'repl-continue') this.linkUpNow = true;
    this.lastIoUs = this.ctx.monotonic();
  }

  /** The RDB is loaded: it replaces the dataset and the AOF, the link is up, the queued stream applies. */
  finishLoad(): void {
    const loading = this.loading;
    if (!loading) return;
    this.ctx.cancelTimer(loading.newline);
    this.loading = undefined;
    this.sync = 'none';
    this.noCachedMaster = false;
    const { msg } = loading;
    const { dataset, ids } = this.options;
    const master = this.options.master();
    if (dataset.length > 0) this.ctx.note(`redis: full resync from ${master}, local dataset of ${dataset.length} entries discarded`);
    dataset.load(msg.rdb);
    this.ctx.disk.restore(msg.rdb);
    this.options.relearnLog();
    ids.replid = msg.replid;
    ids.replid2 = '';
    this.linkUpNow = true;
    this.lastIoUs = this.ctx.monotonic();
    this.ctx.send(master!, { type: 'replconf-ack', offset: dataset.length });
    for (const queued of loading.queued) this.onFromMaster(master!, queued);
  }

  /** A full resync is abandoned (link lost, new role): the old dataset stays. */
  cancelSync(): void {
    if (this.loading) {
      this.ctx.cancelTimer(this.loading.timer);
      this.ctx.cancelTimer(this.loading.newline);
    }
    this.loading = undefined;
    this.sync = 'none';
  }

  /** A second of the load went by: a newline keeps the master from timing this replica out. */
  sendNewline(): void {
    const master = this.options.master();
    if (!this.loading || master === undefined) return;
    this.ctx.send(master, { type: 'repl-newline' });
    this.loading.newline = this.ctx.setTimer(NEWLINE_PERIOD_US, NEWLINE_TIMER);
  }

  /** replicationCron on a replica. */
  cron(now: Micros): void {
    const { replTimeoutUs } = this.options.config;
    if (this.sync === 'loading') return; // a blocking load: the cron does not run
    if (this.sync === 'waiting') {
      // the master sends a newline every second while it delays the fork; silence ends the wait
      if (now - this.lastIoUs <= replTimeoutUs) return;
      this.ctx.note('redis: Timeout connecting to the MASTER...');
      this.sync = 'none';
    }
    if (this.linkUpNow && now - this.lastIoUs > replTimeoutUs) {
      this.ctx.note('redis: MASTER timeout, link down');
      this.markLinkDown();
    }
    if (this.linkUpNow) this.ctx.send(this.options.master()!, { type: 'replconf-ack', offset: this.options.dataset.length });
    else this.connect();
  }
}
