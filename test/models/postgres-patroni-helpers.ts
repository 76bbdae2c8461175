/**
 * Helpers for the postgres-patroni tests: run the design under a short YAML schedule (memoised,
 * since several tests read the same run) and find role changes, notes and faults in the history.
 * pg1 always initialises the cluster, so schedules can name it as the first primary.
 */
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { HistoryEvent } from '../../src/history/history.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import type { Micros } from '../../src/sim/time.ts';
import patroni from '../../models/postgres-patroni.ts';

export const SECOND = 1_000_000;
export const PG = ['pg1', 'pg2', 'pg3'];

const cache = new Map<string, RunResult>();

/** Runs postgres-patroni with `faults` (YAML flow mappings) for `duration`, then `settle`. */
export function run(faults: string[], params: Record<string, unknown> = {}, seed = 1, duration = '90s', settle = '40s', session: 'reconnect' | 'keep' = 'reconnect'): RunResult {
  const key = JSON.stringify([faults, params, seed, duration, settle, session]);
  let result = cache.get(key);
  if (!result) {
    const list = faults.length ? `faults:\n${faults.map((f) => `  - ${f}`).join('\n')}` : 'faults: []';
    const schedule = parseSchedule(`name: t\nduration: ${duration}\nsettle: ${settle}\n${list}\n`, '<test>');
    cache.set(key, (result = simulate({ design: patroni, schedule, seed, params, workload: { session } })));
  }
  return result;
}

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

export function events<T extends HistoryEvent['type']>(r: RunResult, type: T): Ev<T>[] {
  return r.history.events.filter((e): e is Ev<T> => e.type === type);
}

/** Primary declarations after `after`, optionally by nodes other than `except`. */
export function promotions(r: RunResult, after: Micros = -Infinity, except?: string): Ev<'role'>[] {
  return events(r, 'role').filter((e) => e.role === 'primary' && e.time >= after && e.node !== except);
}

/** When `node` stopped declaring itself primary (demoted) at or after `after`. */
export function demotedAt(r: RunResult, node: string, after: Micros = -Infinity): Micros | undefined {
  return events(r, 'role').find((e) => e.node === node && e.role !== 'primary' && e.time >= after)?.time;
}

export function noteAt(r: RunResult, node: string, text: string, after: Micros = -Infinity): Micros | undefined {
  return events(r, 'note').find((e) => e.node === node && e.text.includes(text) && e.time >= after)?.time;
}

export function invariants(r: RunResult): string[] {
  return [...new Set(r.violations.map((v) => v.invariant))].sort();
}

export function acksBy(r: RunResult, node: string, from: Micros, to: Micros = Infinity): number {
  return events(r, 'ack-sent').filter((e) => e.node === node && e.time >= from && e.time < to).length;
}
