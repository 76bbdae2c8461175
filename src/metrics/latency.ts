/**
 * Ack latency as the clients measured it (invoke to `ok`, across retries), in milliseconds:
 * p50, p99, p99.9 and the maximum over every acked order invoked after boot. The tail is the
 * price of synchronous replication. All zero when nothing was acked. Latencies are integer
 * microseconds, so the fold keeps them as exact counts per value (history/fold/order-flow.ts)
 * and the quantiles are those of the sorted sample.
 */
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { toMs, type Micros } from '../sim/time.ts';
import { quantilesOfCounts } from './quantiles.ts';

export interface AckLatency {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function ackLatency(history: History): AckLatency {
  const flow = digestOf(history).orders;
  const counts = new Map<Micros, number>(flow.servedLatency);
  for (const o of flow.unserved()) if (o.outcome === 'ok' && o.invokeAt >= 0) counts.set(o.latency!, (counts.get(o.latency!) ?? 0) + 1);
  if (counts.size === 0) return { p50: 0, p99: 0, p999: 0, max: 0 };
  const [p50, p99, p999, max] = quantilesOfCounts(counts, [0.5, 0.99, 0.999, 1], toMs);
  return { p50, p99, p999, max };
}
