/**
 * The simulator: a virtual clock, one event queue, named random streams and the trace. One
 * run is single-threaded and never awaits anything real, so the same seed and inputs replay
 * bit for bit. The loop is deliberately small:
 *
 *   while an event is due before `until`: pop it, advance the clock, run it.
 */
import { EventQueue, type SimEvent } from './queue.ts';
export type { SimEvent } from './queue.ts';
import { Rng } from './rng.ts';
import type { Micros } from './time.ts';
import { Trace } from './trace.ts';

/** Thrown when a run exceeds its event budget (a design that loops without end). */
export class EventBudgetExceeded extends Error {
  constructor(readonly budget: number, readonly time: Micros, note?: string) {
    super(`the run exceeded its budget of ${budget} events at t=${time}us${note ? ` (${note})` : ''}`);
    this.name = 'EventBudgetExceeded';
  }
}

export interface SimOptions {
  seed: number;
  /** Record the full text trace (slower); the hash is always computed. */
  recordTrace?: boolean;
  /** Stop with EventBudgetExceeded after this many events (default 50 million). */
  maxEvents?: number;
  /** Where the budget came from and how to raise it, for the error (run/event-budget.ts). */
  budgetNote?: string;
}

export class Simulator {
  /** Virtual now, in µs. */
  now: Micros = 0;
  readonly seed: number;
  readonly trace: Trace;
  /** Events run so far (cancelled ones not counted). */
  eventsRun = 0;
  private readonly queue = new EventQueue();
  private readonly streams = new Map<string, Rng>();
  private readonly maxEvents: number;
  private readonly budgetNote: string | undefined;

  constructor(options: SimOptions) {
    this.seed = options.seed;
    this.trace = new Trace(options.recordTrace ?? false);
    this.maxEvents = options.maxEvents ?? 50_000_000;
    this.budgetNote = options.budgetNote;
  }

  /** The named random stream of this run (created on first use). */
  rng(name: string): Rng {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = Rng.stream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** Runs `run(arg)` at virtual time `time` (never in the past). */
  at(time: Micros, run: (arg: any) => void, arg?: unknown): SimEvent {
    return this.queue.push(time < this.now ? this.now : Math.round(time), run, arg);
  }

  /** Runs `run(arg)` after `delay`. */
  after(delay: Micros, run: (arg: any) => void, arg?: unknown): SimEvent {
    return this.queue.push(this.now + (delay > 0 ? Math.round(delay) : 0), run, arg);
  }

  /** Schedules a caller-built event at `event.time` (clamped to now); see EventQueue.insert. */
  schedule<E extends SimEvent>(event: E): E {
    if (event.time < this.now) event.time = this.now;
    return this.queue.insert(event);
  }

  cancel(event: SimEvent | undefined): void {
    if (event) event.cancelled = true;
  }

  /** Runs every event due at or before `until`, then leaves the clock at `until`. */
  runUntil(until: Micros): void {
    const queue = this.queue;
    for (let event = queue.popDue(until); event !== undefined; event = queue.popDue(until)) {
      if (event.cancelled) continue;
      this.now = event.time;
      if (++this.eventsRun > this.maxEvents) throw new EventBudgetExceeded(this.maxEvents, this.now, this.budgetNote);
      event.run(event.arg);
    }
    if (until > this.now) this.now = until;
  }

  /** Pending events, cancelled ones included. */
  get pending(): number {
    return this.queue.size;
  }
}
