/**
 * Helpers for the redis-sentinel tests: run the design under a short YAML schedule (memoised,
 * since several tests read the same run) and find Sentinel events (notes such as `+sdown`),
 * role changes and acks in the history. redis1 is the initial master; box N holds redisN and
 * sentinelN.
 */
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { HistoryEvent } from '../../src/history/history.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import type { Micros } from '../../src/sim/time.ts';
import type { Workload } from '../../src/world/client.ts';
import redis from '../../models/redis-sentinel.ts';

export const SECOND = 1_000_000;

const cache = new Map<string, RunResult>();

/** Runs redis-sentinel with `faults` (YAML flow mappings) for `duration`, then `settle`. */
export function run(faults: string[], params: Record<string, unknown> = {}, seed = 1, duration = '90s', settle = '40s', workload: Partial<Workload> = {}): RunResult {
  const key = JSON.stringify([faults, params, seed, duration, settle, workload]);
  let result = cache.get(key);
  if (!result) {
    const list = faults.length ? `faults:\n${faults.map((f) => `  - ${f}`).join('\n')}` : 'faults: []';
    const schedule = parseSchedule(`name: t\nduration: ${duration}\nsettle: ${settle}\n${list}\n`, '<test>');
    cache.set(key, (result = simulate({ design: redis, schedule, seed, params, workload })));
  }
  return result;
}

type Ev<T extends HistoryEvent['type']> = Extract<HistoryEvent, { type: T }>;

export function events<T extends HistoryEvent['type']>(r: RunResult, type: T): Ev<T>[] {
  return r.history.events.filter((e): e is Ev<T> => e.type === type);
}

/** Notes containing `text` (from `node` if given), in time order. */
export function notes(r: RunResult, text: string, node?: string): Ev<'note'>[] {
  return events(r, 'note').filter((e) => e.text.includes(text) && (node === undefined || e.node === node));
}

/** Primary declarations at or after `after` by nodes other than `except`. */
export function promotions(r: RunResult, after: Micros = -Infinity, except?: string): Ev<'role'>[] {
  return events(r, 'role').filter((e) => e.role === 'primary' && e.time >= after && e.node !== except);
}

export function acksBy(r: RunResult, node: string, from: Micros, to: Micros = Infinity): Ev<'ack-sent'>[] {
  return events(r, 'ack-sent').filter((e) => e.node === node && e.time >= from && e.time < to);
}

export function invariants(r: RunResult): string[] {
  return [...new Set(r.violations.map((v) => v.invariant))].sort();
}
