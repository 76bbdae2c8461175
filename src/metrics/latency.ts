/**
 * Ack latency as the clients measured it (invoke to `ok`, across retries), in milliseconds:
 * p50, p99, p99.9 and the maximum over every acked order. The tail is the price of
 * synchronous replication. All zero when nothing was acked.
 */
import type { OrderRecord } from '../check/orders.ts';
import { toMs } from '../sim/time.ts';
import { quantiles } from './quantiles.ts';

export interface AckLatency {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function ackLatency(records: readonly OrderRecord[]): AckLatency {
  const latenciesMs: number[] = [];
  for (const o of records) if (o.outcome === 'ok') latenciesMs.push(toMs(o.latency!));
  if (latenciesMs.length === 0) return { p50: 0, p99: 0, p999: 0, max: 0 };
  const [p50, p99, p999, max] = quantiles(latenciesMs, [0.5, 0.99, 0.999, 1]);
  return { p50, p99, p999, max };
}
