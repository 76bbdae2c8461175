/**
 * Recovery point: how much acknowledged work the run lost. `lostAcked` counts the orders acked
 * to a client but missing from the authoritative durable log (the rule of `no-lost-ack`);
 * `rpoMs` is the time span their acks cover, from the earliest to the latest (0 for one lost
 * order or none).
 */
import type { History } from '../history/history.ts';
import { lostAcks } from '../check/no-lost-ack.ts';
import { toMs } from '../sim/time.ts';

export function recoveryPoint(history: History): { lostAcked: number; rpoMs: number } {
  const lost = lostAcks(history);
  if (lost.length === 0) return { lostAcked: 0, rpoMs: 0 };
  return { lostAcked: lost.length, rpoMs: toMs(lost[lost.length - 1].ackAt - lost[0].ackAt) };
}
