/**
 * Order throughput and ack latency over virtual time, binned for the HTML report's charts. The
 * bins are fine (at most `MAX_BINS` over the run, at a round width: 10 ms, 20 ms, 50 ms, ...)
 * and sums or maxima, so the page can merge them into one bin per pixel at any zoom without
 * going back to the orders: a 10-minute run at 200 orders/s is 120,000 orders but 3,000 bins.
 *
 * Each order counts once, in the bin of its outcome: acked (`ok`, with its latency), or failed
 * (`fail` or `info`: refused, or timed out); market-closed refusals are not failures.
 */
import type { History } from '../../history/history.ts';
import { MARKET_CLOSED, orderRecords } from '../../check/orders.ts';
import type { Micros } from '../../sim/time.ts';

export interface Series {
  /** Width of one bin, in µs; bin i covers [i * binUs, (i + 1) * binUs). */
  binUs: Micros;
  /** Orders acked in each bin. */
  acked: number[];
  /** Orders that failed or timed out in each bin. */
  failed: number[];
  /** Mean and maximum ack latency of the bin's acked orders, in µs (0 when none). */
  latencyMeanUs: number[];
  latencyMaxUs: number[];
}

/** Bins over the run, at most. */
export const MAX_BINS = 4000;

export function orderSeries(history: History): Series {
  const binUs = roundBinWidth(history.endAt / MAX_BINS);
  const bins = Math.max(1, Math.ceil(history.endAt / binUs));
  const acked = new Array<number>(bins).fill(0);
  const failed = new Array<number>(bins).fill(0);
  const latencySum = new Array<number>(bins).fill(0);
  const latencyMaxUs = new Array<number>(bins).fill(0);
  for (const order of orderRecords(history)) {
    if (order.outcomeAt === undefined) continue;
    const bin = Math.min(bins - 1, Math.floor(order.outcomeAt / binUs));
    if (order.outcome === 'ok') {
      const latency = order.latency ?? 0;
      acked[bin]++;
      latencySum[bin] += latency;
      if (latency > latencyMaxUs[bin]) latencyMaxUs[bin] = latency;
    } else if (order.reason !== MARKET_CLOSED) failed[bin]++;
  }
  const latencyMeanUs = latencySum.map((sum, i) => (acked[i] ? Math.round(sum / acked[i]) : 0));
  return { binUs, acked, failed, latencyMeanUs, latencyMaxUs };
}

/** The smallest of 1, 2, 5 x 10^k µs (at least 1 ms) that is >= `us`. */
export function roundBinWidth(us: number): Micros {
  let step = 1000;
  for (;;) {
    for (const m of [1, 2, 5]) if (step * m >= us) return step * m;
    step *= 10;
  }
}
