/**
 * A node's disk: a durable, append-only log of entries plus a small durable key-value area
 * (for votes, terms, epochs). Writes become durable after an fsync latency, in order (a later
 * write is never durable before an earlier one). A process crash loses what was not yet
 * durable; a disk failure loses everything and refuses I/O until the disk is replaced; a full
 * disk refuses appends; a slow disk multiplies fsync latency.
 */
import type { Rng } from '../sim/rng.ts';
import type { Sampler } from '../sim/distributions.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';

/** One log entry. `orderId` is what invariants read; `term` and the rest are the design's. */
export interface DiskEntry {
  orderId: string;
  term?: number;
  [field: string]: unknown;
}

export type WriteDone = (ok: boolean) => void;

export class Disk {
  /** Entries in log order: durable ones first, then those still waiting for fsync. */
  private log: DiskEntry[] = [];
  /** How many leading entries of `log` are durable. */
  private durableCount = 0;
  private kv = new Map<string, unknown>();
  private durableKv = new Map<string, unknown>();
  private lastDurableAt: Micros = 0;
  /** Bumped on crash and failure so in-flight fsyncs of a previous life are ignored. */
  private generation = 0;

  failed = false;
  full = false;
  slowFactor = 1;

  constructor(
    private readonly sim: Simulator,
    private readonly fsyncLatency: Sampler,
    private readonly rng: Rng,
    /** Capacity in entries; appends beyond it fail as if the disk were full. */
    readonly capacityEntries = 100_000_000,
  ) {}

  /** Entries the process can read: durable plus written-but-not-yet-fsynced (page cache). */
  get entries(): readonly DiskEntry[] {
    return this.log;
  }

  get length(): number {
    return this.log.length;
  }

  /** How many leading entries survive a crash (a replica acks this prefix without copying it). */
  get durableLength(): number {
    return this.durableCount;
  }

  /** Entries that survive a crash. */
  durableEntries(): DiskEntry[] {
    return this.log.slice(0, this.durableCount);
  }

  /** Appends an entry; `done(true)` once durable, `done(false)` at once if the disk refuses. */
  append(entry: DiskEntry, done?: WriteDone): void {
    if (this.failed || this.full || this.log.length >= this.capacityEntries) {
      if (done) this.sim.after(0, done, false);
      return;
    }
    this.log.push(entry);
    const index = this.log.length;
    this.afterFsync(() => {
      // after a truncate another entry may sit at this position: its own fsync makes it durable
      if (index > this.durableCount && this.log[index - 1] === entry) this.durableCount = index;
    }, done);
  }

  /** Drops entries from `index` on (Raft's conflict truncation); durable at once. */
  truncate(index: number): void {
    if (index >= this.log.length) return;
    this.log.length = Math.max(0, index);
    this.durableCount = Math.min(this.durableCount, this.log.length);
  }

  /** Writes a key durably after fsync (votes, terms). */
  put(key: string, value: unknown, done?: WriteDone): void {
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

  private afterFsync(apply: () => void, done?: WriteDone): void {
    const generation = this.generation;
    const latency = Math.max(1, Math.round(this.fsyncLatency(this.rng) * this.slowFactor));
    // fsyncs complete in order: never before the previous one
    const at = Math.max(this.sim.now + latency, this.lastDurableAt);
    this.lastDurableAt = at;
    this.sim.at(at, () => {
      if (generation !== this.generation) return;
      apply();
      done?.(true);
    });
  }

  /** The process died: what was not fsynced is gone. */
  crash(): void {
    this.generation++;
    this.log.length = this.durableCount;
    this.kv = new Map(this.durableKv);
    this.lastDurableAt = this.sim.now;
  }

  /** The disk failed: its data is gone and I/O fails until `replace`. */
  fail(): void {
    this.generation++;
    this.failed = true;
    this.log = [];
    this.durableCount = 0;
    this.kv = new Map();
    this.durableKv = new Map();
  }

  /** A new, empty disk. */
  replace(): void {
    this.failed = false;
    this.lastDurableAt = this.sim.now;
  }
}
