/**
 * Stale reads, where a design serves reads: a read that did not find an order whose ack the
 * client had received before it asked. A client only reads orders with an outcome, so a stale
 * read is a read-your-writes failure: a node answering from an old state (a demoted primary
 * still serving, a lagging replica). Counted as the reads are recorded (history/fold/acks.ts).
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';

export function staleReads(history: History): number {
  return digestOf(history).acks.staleReads;
}
