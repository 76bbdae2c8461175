/**
 * A node's disk: a durable, append-only log of entries plus a small durable key-value area
 * (for votes, terms, epochs). Writes become durable after an fsync latency, in order (a later
 * write is never durable before an earlier one). A process crash loses what was not yet
 * durable; a disk failure loses everything and refuses I/O until the disk is replaced; a full
 * disk refuses appends; a slow disk multiplies fsync latency.
 *
 * A design may compact its log (raft after a snapshot, as etcd does): `compact(n)` folds the
 * first n durable entries into a `FoldedLog` (their ids as a set, a count, prefix hashes), so
 * a long run keeps no object per order for them. Positions stay absolute: `length` and
 * `durableLength` count folded entries, and `entries` holds only the entries after the folded
 * prefix (entries[i] is position `compactedLength + i`; a design that never compacts sees its
 * whole log there). `snapshot(n)` freezes the first n entries' folded form and `restore` makes
 * it a disk's whole log (raft's MsgSnap to a follower too far behind).
 */
import type { Rng } from '../sim/rng.ts';
import type { Sampler } from '../sim/distributions.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';
import { FoldedLog, type DurableLog } from '../history/durable-log.ts';

/** One log entry. `orderId` is what invariants read; `term` and the rest are the design's. */
export interface DiskEntry {
  orderId: string;
  term?: number;
  [field: string]: unknown;
}

/**
 * A write's completion: `ok`, the `arg` the write was given (so a caller needs no closure per
 * write), and the log length its fsync covered (an appended entry's position + 1; 0 when the
 * disk refused the write at once).
 */
export type WriteDone<T = undefined> = (ok: boolean, arg: T, upTo: number) => void;

/**
 * An fsync in flight (of an `append` or a `flush`), the argument of the simulator's event that
 * completes it, so a write allocates no closure (this is on the path of every order, and every
 * Ready of raft). It is deliberately not a heap event of its own: the event queue already holds
 * four object shapes (SimEvent, Timer, Packet, the clients' arrivals), and a fifth makes its
 * property reads megamorphic, which cost `check raft` 12 % CPU per run (A/B, 4 rounds each).
 */
interface PendingFsync {
  /** The disk's generation and callback generation when written (a host death or process death since drops it, or its callback). */
  generation: number;
  callbacks: number;
  /** The whole log's length it makes durable (folded entries included)... */
  upTo: number;
  /** ...if the entry at position upTo - 1 is still this one (a truncate may have replaced it); undefined: nothing. */
  last: DiskEntry | undefined;
  done: WriteDone<any> | undefined;
  doneArg: unknown;
}

/** The first entries of a log in folded form, frozen: what a snapshot carries. */
export interface DiskSnapshot {
  /** How many entries it stands for. */
  readonly length: number;
  /** The last of them (its `term` is raft's snapshot term), undefined when empty. */
  readonly last: DiskEntry | undefined;
  readonly folded: FoldedLog;
}

export class Disk {
  /** Entries after the folded prefix, in log order: durable ones first, then those still waiting for fsync. */
  private log: DiskEntry[] = [];
  /** The compacted prefix: positions 0..folded.length - 1 (all durable). */
  private folded = new FoldedLog();
  /** The last folded entry (raft reads its term), undefined when nothing is folded. */
  private lastFolded: DiskEntry | undefined;
  /** How many leading entries of the whole log (folded ones included) are durable. */
  private durableCount = 0;
  private kv = new Map<string, unknown>();
  private durableKv = new Map<string, unknown>();
  private lastDurableAt: Micros = 0;
  /** Bumped on host crash and disk failure so in-flight fsyncs of a previous life are ignored. */
  private generation = 0;
  /** The generation a disk failure started: fsyncs issued before it still in flight then fail (EIO) at their completion. */
  private failedFromGeneration = 0;
  /** Bumped when the process dies: its pending fsyncs still land, but nobody is told. */
  private callbackGeneration = 0;

  /** Disk failures in force: the first destroys the data, the last `replace` puts in a new disk. */
  private failures = 0;
  /** Fill faults in force. */
  private fills = 0;
  private slowFactorNow = 1;

  constructor(
    private readonly sim: Simulator,
    private readonly fsyncLatency: Sampler,
    private readonly rng: Rng,
    /** Capacity in entries; appends beyond it fail as if the disk were full. */
    readonly capacityEntries = 100_000_000,
  ) {}

  /** Whether I/O fails (the disk died and is not yet replaced). */
  get failed(): boolean {
    return this.failures > 0;
  }

  /** Whether appends fail because the disk is full. */
  get full(): boolean {
    return this.fills > 0;
  }

  /** How many times slower than normal each fsync is. */
  get slowFactor(): number {
    return this.slowFactorNow;
  }

  /** The disk fills up (counted; `unfill` frees one fill's space). */
  fill(): void {
    this.fills++;
  }

  unfill(): void {
    if (this.fills > 0) this.fills--;
  }

  /** fsyncs take `factor` times longer until `unslow(factor)`; factors of overlapping faults multiply. */
  slow(factor: number): void {
    this.slowFactorNow *= factor;
  }

  unslow(factor: number): void {
    this.slowFactorNow /= factor;
  }

  /**
   * Entries the process can read, after the folded prefix: durable plus written-but-not-yet-
   * fsynced (page cache). entries[i] is at position `compactedLength + i`.
   */
  get entries(): readonly DiskEntry[] {
    return this.log;
  }

  /** The whole log's length, folded entries included. */
  get length(): number {
    return this.folded.length + this.log.length;
  }

  /** How many leading entries are folded (compacted): `entries` starts after them. */
  get compactedLength(): number {
    return this.folded.length;
  }

  /** The last folded entry, undefined when nothing is folded. */
  get lastCompacted(): DiskEntry | undefined {
    return this.lastFolded;
  }

  /** Whether a folded entry has this order id. */
  compactedHas(orderId: string): boolean {
    return this.folded.ids.has(orderId);
  }

  /** The entry at `position` (from 0), undefined when folded or past the end. */
  entryAt(position: number): DiskEntry | undefined {
    return this.log[position - this.folded.length];
  }

  /** How many leading entries survive a crash (a replica acks this prefix without copying it). */
  get durableLength(): number {
    return this.durableCount;
  }

  /** Unfolded entries that survive a crash (all of them when nothing is folded). */
  durableEntries(): DiskEntry[] {
    return this.log.slice(0, this.durableCount - this.folded.length);
  }

  /** What survives a crash, as the checks read it after the run. */
  durableLog(): DurableLog {
    return { length: this.durableCount, folded: this.folded, tail: this.durableEntries().map((e) => e.orderId) };
  }

  /**
   * Folds the first `upTo` entries (durable ones only: a crash never undoes a compaction),
   * keeping their ids as a set and their order as prefix hashes, and drops their objects.
   */
  compact(upTo: number): void {
    const n = Math.min(upTo, this.durableCount) - this.folded.length;
    if (n <= 0) return;
    for (let i = 0; i < n; i++) this.folded.add(this.log[i].orderId);
    this.lastFolded = this.log[n - 1];
    this.log = this.log.slice(n);
  }

  /** The first `upTo` entries (at most the whole log) in folded form, frozen. */
  snapshot(upTo: number): DiskSnapshot {
    const length = Math.max(this.folded.length, Math.min(upTo, this.length));
    const folded = new FoldedLog(this.folded);
    for (let i = 0; i < length - this.folded.length; i++) folded.add(this.log[i].orderId);
    return { length, last: length > this.folded.length ? this.log[length - this.folded.length - 1] : this.lastFolded, folded };
  }

  /**
   * The whole log becomes the snapshot's entries (raft's restore: everything the node had is
   * replaced). Durable at once: etcd fsyncs a received snapshot before applying it
   * (etcdserver/raft.go `storage.SaveSnap`), which hasim does not time. In-flight fsyncs of the
   * replaced entries find them gone and make nothing durable; their callbacks still run.
   */
  restore(snapshot: DiskSnapshot): void {
    if (this.failed) return;
    this.folded = new FoldedLog(snapshot.folded);
    this.lastFolded = snapshot.last;
    this.log = [];
    this.durableCount = snapshot.length;
  }

  /** Appends an entry; `done(true, arg)` once durable, `done(false, arg)` at once if the disk refuses. */
  append<T>(entry: DiskEntry, done?: WriteDone<T>, arg?: T): void {
    if (this.failed || this.full || this.length >= this.capacityEntries) {
      if (done) this.refuse(done, arg);
      return;
    }
    this.log.push(entry);
    this.fsync(entry, done, arg);
  }

  /**
   * Writes an entry to the kernel's page cache without an fsync (PostgreSQL's asynchronous
   * commit): readable at once, survives a process crash, lost with the host unless a later
   * `flush` made it durable. Returns false if the disk refuses the write.
   */
  write(entry: DiskEntry): boolean {
    if (this.failed || this.full || this.length >= this.capacityEntries) return false;
    this.log.push(entry);
    return true;
  }

  /** fsyncs everything written so far (`done(true, arg)` once durable), in order with other fsyncs. */
  flush<T>(done?: WriteDone<T>, arg?: T): void {
    if (this.failed) {
      if (done) this.refuse(done, arg);
      return;
    }
    this.fsync(this.entryAt(this.length - 1), done, arg);
  }

  /** Starts an fsync of the log up to its current end, `last` the entry there. */
  private fsync(last: DiskEntry | undefined, done: WriteDone<any> | undefined, doneArg: unknown): void {
    const pending: PendingFsync = { generation: this.generation, callbacks: this.callbackGeneration, upTo: this.length, last, done, doneArg };
    this.sim.at(this.fsyncDoneAt(), this.fsyncDone, pending);
  }

  private readonly fsyncDone = (fsync: PendingFsync): void => {
    if (fsync.generation !== this.generation) {
      if (this.failedUnder(fsync.generation, fsync.callbacks) && fsync.done !== undefined) fsync.done(false, fsync.doneArg, fsync.upTo);
      return;
    }
    // after a truncate another entry may sit at this position: its own fsync makes it durable
    const upTo = fsync.upTo;
    if (upTo > this.durableCount && fsync.last !== undefined && this.entryAt(upTo - 1) === fsync.last) this.durableCount = upTo;
    if (fsync.callbacks === this.callbackGeneration && fsync.done !== undefined) fsync.done(true, fsync.doneArg, fsync.upTo);
  };

  /** A refused write: `done(false, arg)` as an event of its own, now (never within the caller's handler). */
  private refuse<T>(done: WriteDone<T>, arg: T | undefined): void {
    this.sim.after(0, () => done(false, arg as T, 0));
  }

  /** Drops entries from position `index` on (Raft's conflict truncation); durable at once. Folded entries stay. */
  truncate(index: number): void {
    if (index >= this.length) return;
    this.log.length = Math.max(0, index - this.folded.length);
    this.durableCount = Math.min(this.durableCount, this.length);
  }

  /** Writes a key durably after fsync (votes, terms). */
  put(key: string, value: unknown, done?: (ok: boolean) => void): void {
    if (this.failed) {
      if (done) this.sim.after(0, done, false);
      return;
    }
    this.kv.set(key, value);
    this.afterFsync(() => this.durableKv.set(key, value), done);
  }

  get(key: string): unknown {
    return this.kv.get(key);
  }

  private afterFsync(apply: () => void, done?: (ok: boolean) => void): void {
    const generation = this.generation;
    const callbacks = this.callbackGeneration;
    this.sim.at(this.fsyncDoneAt(), () => {
      if (generation !== this.generation) {
        if (this.failedUnder(generation, callbacks)) done?.(false);
        return;
      }
      apply();
      if (callbacks === this.callbackGeneration) done?.(true);
    });
  }

  /**
   * Whether an fsync issued in `generation` by a process still alive (its callback generation
   * current) met a disk failure: the kernel returns EIO to the waiting fsync, so the process
   * learns of it (etcd and PostgreSQL then exit, see their parts), where before it waited for ever.
   */
  private failedUnder(generation: number, callbacks: number): boolean {
    return callbacks === this.callbackGeneration && this.failedFromGeneration > generation;
  }

  /** When an fsync issued now completes: its drawn latency, never before the previous one (fsyncs complete in order). */
  private fsyncDoneAt(): Micros {
    const latency = Math.max(1, Math.round(this.fsyncLatency(this.rng) * this.slowFactor));
    const at = Math.max(this.sim.now + latency, this.lastDurableAt);
    this.lastDurableAt = at;
    return at;
  }

  /**
   * The process died but its host lives: what it wrote is in the kernel's page cache and
   * reaches the disk anyway (pending fsyncs still complete; Linux writes dirty pages back
   * within dirty_expire_centisecs, 30 s by default). Only the dead process's completion
   * callbacks are dropped. PostgreSQL `synchronous_commit = remote_write` and Redis
   * `appendfsync everysec` lose nothing on a process crash for this reason.
   */
  processDied(): void {
    this.callbackGeneration++;
  }

  /** The host died (power loss, kernel panic): what was not fsynced, page cache included, is gone. */
  crash(): void {
    this.generation++;
    // the host's processes died with it: their completion callbacks never run
    this.callbackGeneration++;
    this.log.length = this.durableCount - this.folded.length;
    this.kv = new Map(this.durableKv);
    this.lastDurableAt = this.sim.now;
  }

  /** The disk failed: its data is gone and I/O fails until `replace` (counted: the last one replaces it). */
  fail(): void {
    if (++this.failures > 1) return;
    this.generation++;
    this.failedFromGeneration = this.generation;
    this.log = [];
    this.folded = new FoldedLog();
    this.lastFolded = undefined;
    this.durableCount = 0;
    this.kv = new Map();
    this.durableKv = new Map();
  }

  /** Lifts one failure; when none is left the disk is replaced by a new, empty one. */
  replace(): void {
    if (this.failures > 0) this.failures--;
    if (this.failures > 0) return;
    this.lastDurableAt = this.sim.now;
  }
}
