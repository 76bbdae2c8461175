/**
 * The AppendEntries a Raft leader has in flight to one follower in `replicate` state: the last
 * index of each unanswered one, oldest first, as a ring (etcd-io/raft tracker/inflights.go
 * `Inflights`: `Add`, `FreeLE`, `Full`, `reset`; its buffer also grows on demand up to the
 * window). An answer frees every message up to the index it matched; when the window is full
 * the leader sends only empty heartbeats (`raft-replication.ts`). A ring, as etcd's: freeing
 * from the front of a plain array shifted (or, with `splice`, allocated) on every answer.
 */
export class RaftInflights {
  private buffer = new Float64Array(8);
  private start = 0;
  /** How many messages are in flight. */
  count = 0;

  /** One more AppendEntries, whose last entry is `lastIndex`. */
  add(lastIndex: number): void {
    if (this.count === this.buffer.length) this.grow();
    let slot = this.start + this.count;
    if (slot >= this.buffer.length) slot -= this.buffer.length;
    this.buffer[slot] = lastIndex;
    this.count++;
  }

  /** Frees every message whose last index is at or below `index` (they are answered). */
  freeLE(index: number): void {
    const buffer = this.buffer;
    while (this.count > 0 && buffer[this.start] <= index) {
      this.start = this.start + 1 === buffer.length ? 0 : this.start + 1;
      this.count--;
    }
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }

  private grow(): void {
    const old = this.buffer;
    const buffer = new Float64Array(old.length * 2);
    for (let i = 0; i < this.count; i++) buffer[i] = old[(this.start + i) % old.length];
    this.buffer = buffer;
    this.start = 0;
  }
}
