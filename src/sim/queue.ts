/**
 * The event queue: a binary min-heap ordered by (time, insertion sequence), so events at the
 * same instant run in the order they were scheduled. Cancelling marks the event and the loop
 * skips it when it surfaces (lazy deletion keeps cancel O(1) and the heap free of searches).
 */
import type { Micros } from './time.ts';

/** A scheduled event. `run(arg)` is called when it fires unless it was cancelled. */
export interface SimEvent {
  time: Micros;
  seq: number;
  cancelled: boolean;
  run: (arg: any) => void;
  arg: unknown;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: Micros, run: (arg: any) => void, arg?: unknown): SimEvent {
    return this.insert({ time, seq: 0, cancelled: false, run, arg });
  }

  /**
   * Inserts a caller-built event (its `time`, `run` and `arg` set; `seq` is assigned here), so
   * a hot caller can make its payload the event itself and allocate one object, not two.
   */
  insert<E extends SimEvent>(event: E): E {
    const time = event.time;
    event.seq = this.nextSeq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.time < time || (p.time === time && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  /** The earliest event's time, or Infinity when empty. */
  peekTime(): Micros {
    return this.heap.length ? this.heap[0].time : Infinity;
  }

  /**
   * Removes the earliest event. Floyd's bottom-up deletion: the hole at the root sinks to a leaf
   * along the earlier child (one comparison a level), then the heap's last event rises from
   * there, usually not far since it is among the latest; about half the comparisons of the
   * textbook sift-down, and the same order.
   */
  pop(): SimEvent | undefined {
    return this.popDue(Infinity);
  }

  /** Removes the earliest event if it is due at or before `until` (the run loop's peek and pop in one). */
  popDue(until: Micros): SimEvent | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0];
    if (top.time > until) return undefined;
    const last = heap.pop()!;
    const size = n - 1;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let c = l;
      let cv = heap[l];
      if (r < size) {
        const rv = heap[r];
        if (rv.time < cv.time || (rv.time === cv.time && rv.seq < cv.seq)) {
          c = r;
          cv = rv;
        }
      }
      heap[i] = cv;
      i = c;
    }
    const time = last.time;
    const seq = last.seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.time < time || (p.time === time && p.seq < seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = last;
    return top;
  }
}
