/**
 * Helpers for the design tests: run a design under a YAML schedule and read the history.
 * Schedules are short (tens of seconds of virtual time) so each run takes well under a second.
 */
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { HistoryEvent, Role } from '../../src/history/history.ts';
import { parseSchedule, type Schedule } from '../../src/faults/schedule.ts';
import { SECOND, type Micros } from '../../src/sim/time.ts';
import type { Design } from '../../src/world/design.ts';

export { SECOND };

export function schedule(yaml: string): Schedule {
  return parseSchedule(yaml, 'test');
}

const cache = new Map<string, RunResult>();

/** One run (memoised: tests of one file often look at the same run from different angles). */
export function run(design: Design<any>, sched: Schedule, seed = 1, params: Record<string, unknown> = {}): RunResult {
  const key = `${design.name}|${sched.name}|${sched.description}|${seed}|${JSON.stringify(params)}`;
  let result = cache.get(key);
  if (!result) cache.set(key, (result = simulate({ design: design as Design, schedule: sched, seed, params })));
  return result;
}

export function violationsOf(result: RunResult, invariant: string) {
  return result.violations.filter((v) => v.invariant === invariant);
}

export function invariantsViolated(result: RunResult): string[] {
  return [...new Set(result.violations.map((v) => v.invariant))].sort();
}

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

export function eventsOf<T extends HistoryEvent['type']>(result: RunResult, type: T): Ev<T>[] {
  return result.history.events.filter((e): e is Ev<T> => e.type === type);
}

/** Role declarations of `node` (optionally only of `role`), in order. */
export function roles(result: RunResult, node: string, role?: Role): Ev<'role'>[] {
  return eventsOf(result, 'role').filter((e) => e.node === node && (role === undefined || e.role === role));
}

/** The first time `node` declared itself primary at or after `after`. */
export function promotedAt(result: RunResult, node: string, after: Micros = -Infinity): Micros | undefined {
  return roles(result, node, 'primary').find((e) => e.time >= after)?.time;
}

/** Acks `node` sent in [from, to). */
export function acksBy(result: RunResult, node: string, from: Micros, to: Micros = Infinity): Ev<'ack-sent'>[] {
  return eventsOf(result, 'ack-sent').filter((e) => e.node === node && e.time >= from && e.time < to);
}
