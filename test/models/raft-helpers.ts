/**
 * Helpers for the raft design's tests: run it under an inline YAML schedule, and read the
 * history the way an operator would (who was leader when, what each node acked or sent).
 */
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { authoritativeNode } from '../../src/check/authority.ts';
import { parseSchedule, type Schedule } from '../../src/faults/schedule.ts';
import type { Micros } from '../../src/sim/time.ts';
import raft from '../../models/raft.ts';

export const MS = 1_000;
export const SECOND = 1_000_000;

/** The paper's timing (§9.3: election timeouts of 150-300 ms), with a heartbeat well inside it. */
export const PAPER_TIMING = { electionTimeout: '150ms', heartbeatInterval: '50ms' } as const;

/** A schedule from its fault lines, e.g. `- { at: 10s, kind: process-crash, target: primary }`. */
export function schedule(name: string, faultLines: string[], duration = '30s', settle = '15s'): Schedule {
  const faults = faultLines.length ? `faults:\n${faultLines.map((l) => `  ${l}`).join('\n')}` : 'faults: []';
  return parseSchedule(`name: ${name}\nduration: ${duration}\nsettle: ${settle}\n${faults}\n`, `<${name}>`);
}

export function runRaft(sched: Schedule | undefined, params: Record<string, unknown> = {}, seed = 1): RunResult {
  return simulate({ design: raft, seed, schedule: sched, params });
}

export interface Declaration {
  node: string;
  time: Micros;
  epoch: number;
}

/** Every `primary` declaration, in order. */
export function leaderDeclarations(r: RunResult): Declaration[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' ? [{ node: e.node, time: e.time, epoch: e.epoch }] : []));
}

/** The epochs (terms) a node declared, in order. */
export function epochsOf(r: RunResult, node: string): number[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.node === node ? [e.epoch] : []));
}

/** External effects (acks sent, orders the exchange accepted) of `node` at or after `from`. */
export function effectsOf(r: RunResult, node: string, from: Micros): string[] {
  return r.history.events.flatMap((e) =>
    (e.type === 'ack-sent' && e.node === node && e.time >= from) || (e.type === 'exchange' && e.accepted && e.node === node && e.time >= from)
      ? [`${e.type} ${e.orderId} at ${e.time}us`]
      : [],
  );
}

/**
 * Exactly-once at the exchange: every order in the final committed log was accepted once, and
 * nothing else was accepted. Returns the problems found (empty: exactly once).
 */
export function exchangeExactlyOnceProblems(r: RunResult): string[] {
  const authority = authoritativeNode(r.history);
  if (!authority) return ['no authoritative log'];
  const log = authority.durableLog;
  const committed = new Set([...log.folded.ids, ...log.tail].filter((id) => !id.startsWith('(no-op')));
  const accepted = new Map<string, number>();
  for (const e of r.history.events) if (e.type === 'exchange' && e.accepted) accepted.set(e.orderId, (accepted.get(e.orderId) ?? 0) + 1);
  const problems: string[] = [];
  for (const id of committed) if (accepted.get(id) !== 1) problems.push(`${id} accepted ${accepted.get(id) ?? 0} times`);
  for (const id of accepted.keys()) if (!committed.has(id)) problems.push(`${id} accepted but not in the committed log`);
  return problems;
}
