/**
 * A Redis server's dataset and replication backlog, kept bounded. The dataset (one entry per
 * order, in replication-stream order) is a folded prefix (`FoldedLog`: ids, count, prefix
 * hashes) plus a tail of entries; the tail always covers the replication backlog, the last
 * `repl-backlog-size` bytes of the stream, so a long run keeps no object per order beyond it.
 *
 *   offset:  0 ............. folded ........ backlogStart ......... length
 *            |<- folded ids ->|<- tail (>= backlog, folded lazily) ->|
 *
 * As in Redis (replication.c, 7.2):
 * - the backlog is created empty when the node starts, or when a replica finishes a full
 *   resync (`createReplicationBacklog` in readSyncBulkPayload), and holds the stream from then
 *   on, at most `repl-backlog-size` bytes (`feedReplicationBuffer` trims the oldest);
 * - a PSYNC continues only from an offset inside it (masterTryPartialResynchronization:
 *   `psync_offset < server.repl_backlog->offset || psync_offset > offset + histlen` -> full
 *   resync).
 * - a master that had no replica for `repl-backlog-ttl` frees its backlog (replicationCron,
 *   redis-master-replication.ts): no PSYNC continues until a replica's full resync creates a
 *   new one;
 * - the stream a master still holds for a replica (its output buffer: Redis 7 shares the
 *   backlog's blocks with the replicas' buffers, replication.c feedReplicationBuffer) is kept
 *   even past the backlog (`keepFrom`).
 * Offsets count orders; `bytesPerOrder` converts the byte-sized backlog to orders.
 */
import { FoldedLog } from '../history/durable-log.ts';
import type { DiskEntry, DiskSnapshot } from '../world/disk.ts';

export class RedisDataset {
  private folded = new FoldedLog();
  private lastFolded: DiskEntry | undefined;
  /** Entries after the folded prefix: tail[i] is at offset folded.length + i. */
  private tail: DiskEntry[] = [];
  /** Where the backlog began (its creation); it never reaches further back. */
  private createdAt = 0;
  private backlogFreed = false;
  /** The first offset a replica's output buffer still holds (Infinity: none): never folded. */
  keepFrom = Infinity;

  /** @param backlogEntries repl-backlog-size in orders. */
  constructor(private readonly backlogEntries: number) {}

  /** The replication offset: how many orders the dataset holds. */
  get length(): number {
    return this.folded.length + this.tail.length;
  }

  /** The first offset a PSYNC may continue from (the backlog's start). */
  get backlogStart(): number {
    return Math.max(this.createdAt, this.length - this.backlogEntries);
  }

  /** Whether the backlog holds the stream from `offset` to the end (a partial resync is possible). */
  canContinueFrom(offset: number): boolean {
    return !this.backlogFreed && offset >= this.backlogStart && offset <= this.length;
  }

  /** Whether there is a backlog (repl-backlog-ttl frees a master's). */
  get hasBacklog(): boolean {
    return !this.backlogFreed;
  }

  /** A new, empty backlog from the current offset (node start, end of a full resync, a replica after a free). */
  resetBacklog(): void {
    this.createdAt = this.length;
    this.backlogFreed = false;
  }

  /** repl-backlog-ttl: the backlog is freed (freeReplicationBacklog). */
  freeBacklog(): void {
    this.backlogFreed = true;
  }

  push(entry: DiskEntry): void {
    this.tail.push(entry);
    // fold lazily, in batches of a backlog: amortised, and the tail stays within two backlogs
    // (plus what a replica's output buffer holds, folded only a batch at a time too)
    const b = this.backlogEntries;
    if (this.tail.length >= 2 * b + 1024 && Math.min(this.length - b, this.keepFrom) - this.folded.length >= b + 1024) this.foldTo(this.length - b);
  }

  /** The entries from `offset` (inside the tail) to the end. */
  from(offset: number): DiskEntry[] {
    return this.tail.slice(offset - this.folded.length);
  }

  /** Whether a folded entry holds this order (the tail's are known to the order path). */
  foldedHas(orderId: string): boolean {
    return this.folded.ids.has(orderId);
  }

  /** The offset up to which entries are folded. */
  get foldedLength(): number {
    return this.folded.length;
  }

  /** The whole dataset, frozen in folded form: what an RDB carries. */
  snapshot(): DiskSnapshot {
    const folded = new FoldedLog(this.folded);
    for (const e of this.tail) folded.add(e.orderId);
    const last = this.tail.length ? this.tail[this.tail.length - 1] : this.lastFolded;
    return { length: folded.length, last, folded };
  }

  /** The dataset becomes the snapshot's (a replica loads an RDB); the backlog starts empty there. */
  load(snapshot: DiskSnapshot): void {
    this.folded = new FoldedLog(snapshot.folded);
    this.lastFolded = snapshot.last;
    this.tail = [];
    this.createdAt = this.length;
    this.backlogFreed = false;
  }

  /** The dataset becomes the AOF's (the node starts): its folded prefix and its entries. */
  loadFrom(folded: DiskSnapshot, entries: readonly DiskEntry[]): void {
    this.load(folded);
    for (const e of entries) this.tail.push(e);
    this.createdAt = this.length;
  }

  private foldTo(offset: number): void {
    const n = Math.min(offset, this.keepFrom) - this.folded.length;
    if (n <= 0) return;
    for (let i = 0; i < n; i++) this.folded.add(this.tail[i].orderId);
    this.lastFolded = this.tail[n - 1];
    this.tail = this.tail.slice(n);
  }
}
