/**
 * Builders for hand-made histories, so a test reads as a short timeline. Every time argument
 * is in milliseconds (converted to the history's microseconds); `history()` sorts events by
 * time, keeping the order given for events at the same instant (that is recording order).
 */
import type { FinalNodeState, History, HistoryEvent, NodeState, Role } from '../../src/history/history.ts';
import { MS, type Micros } from '../../src/sim/time.ts';
import { durableLogOf } from '../../src/history/durable-log.ts';

export const ms = (millis: number): Micros => Math.round(millis * MS);

/** The frame used unless a test overrides it: two nodes, 1 s client timeout, 5 s RTO target. */
export const DEFAULT_FRAME: Omit<History, 'events'> = {
  boot: 0,
  nodes: ['a', 'b'],
  final: [],
  healAt: ms(60_000),
  settleEndAt: ms(90_000),
  endAt: ms(91_000),
  clientTimeout: ms(1_000),
  rtoTarget: ms(5_000),
};

export function history(events: (HistoryEvent | HistoryEvent[])[], frame: Partial<Omit<History, 'events'>> = {}): History {
  const flat = events.flat();
  // Array.prototype.sort is stable: same-instant events keep the order given.
  flat.sort((x, y) => x.time - y.time);
  return { ...DEFAULT_FRAME, ...frame, events: flat };
}

export const role = (atMs: number, node: string, r: Role, epoch = 1): HistoryEvent => ({ type: 'role', time: ms(atMs), node, role: r, epoch });
export const nodeState = (atMs: number, node: string, state: NodeState): HistoryEvent => ({ type: 'node-state', time: ms(atMs), node, state, reason: 'test' });
export const crash = (atMs: number, node: string): HistoryEvent => nodeState(atMs, node, 'crashed');
export const ackSent = (atMs: number, node: string, orderId: string): HistoryEvent => ({ type: 'ack-sent', time: ms(atMs), node, orderId });
export const exchange = (atMs: number, node: string, orderId: string, accepted = true): HistoryEvent =>
  ({ type: 'exchange', time: ms(atMs), node, orderId, token: null, accepted });
export const invoke = (atMs: number, orderId: string, client = 'c1'): HistoryEvent => ({ type: 'invoke', time: ms(atMs), client, orderId });
export const ok = (atMs: number, orderId: string, node: string, latencyMs: number, client = 'c1'): HistoryEvent =>
  ({ type: 'ok', time: ms(atMs), client, orderId, node, latency: ms(latencyMs), attempt: 1 });
export const fail = (atMs: number, orderId: string, reason = 'refused', client = 'c1'): HistoryEvent => ({ type: 'fail', time: ms(atMs), client, orderId, reason });
export const info = (atMs: number, orderId: string, reason = 'timeout', client = 'c1'): HistoryEvent => ({ type: 'info', time: ms(atMs), client, orderId, reason });
export const faultBegin = (atMs: number, faultId: number, targets: string[], kind = 'crash'): HistoryEvent =>
  ({ type: 'fault-begin', time: ms(atMs), faultId, kind, targets, detail: '' });
export const faultEnd = (atMs: number, faultId: number, targets: string[], kind = 'crash'): HistoryEvent =>
  ({ type: 'fault-end', time: ms(atMs), faultId, kind, targets });
export const fence = (atMs: number, node: string, target: string, succeeded = true): HistoryEvent =>
  ({ type: 'fence', time: ms(atMs), node, target, action: 'off', ok: succeeded });

/** An order served by `node`: invoked at `atMs`, acked to the client `latencyMs` later. */
export function acked(orderId: string, atMs: number, node: string, latencyMs = 2, client = 'c1'): HistoryEvent[] {
  return [invoke(atMs, orderId, client), ackSent(atMs + latencyMs, node, orderId), ok(atMs + latencyMs, orderId, node, latencyMs, client)];
}

/** An order that failed: invoked at `atMs`, ended by `kind` `afterMs` later. */
export function unserved(orderId: string, atMs: number, kind: 'fail' | 'info' = 'info', afterMs = 1_000, reason?: string): HistoryEvent[] {
  return [invoke(atMs, orderId), kind === 'fail' ? fail(atMs + afterMs, orderId, reason) : info(atMs + afterMs, orderId, reason)];
}

export function final(node: string, state: NodeState, durableOrderIds: string[], lastRole?: Role, lastEpoch?: number): FinalNodeState {
  return { node, state, durableLog: durableLogOf(durableOrderIds), lastRole, lastEpoch };
}
