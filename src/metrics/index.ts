/**
 * Per-run metrics: one JSON-ready record computed from the history alone, with every time in
 * milliseconds (design.md §8), counted from the end of boot; boot itself is only `bootMs`. The runner adds `events` and `messages`; campaigns aggregate
 * these records with `quantiles.ts`.
 *
 * ```ts
 * const metrics = computeMetrics(history);
 * metrics.availability; // 0.9987: orders acked within the client timeout
 * metrics.outages[0].rtoMs; // 2150: how long the clients saw the service down
 * ```
 */
import type { History } from '../history/history.ts';
import { primaryIntervals } from '../check/primary-intervals.ts';
import { toMs } from '../sim/time.ts';
import { orderAvailability, uptimeFraction } from './availability.ts';
import { runCounts } from './counts.ts';
import { failbacks, failoverCount, falseFailovers } from './false-failovers.ts';
import { ackLatency, type AckLatency } from './latency.ts';
import { findOutages, scopeOutages, scopeShares, type Outage } from '../check/outages.ts';
import { recoveryPoint } from './rpo.ts';
import { splitBrainTime } from './split-brain.ts';
import { lockOverlap } from './lock-overlap.ts';
import { lostUnacked } from './lost-unacked.ts';
import { staleReads } from './stale-reads.ts';

/** One outage (check/outages.ts): from the first unserved order to the next ack a client received. */
export interface OutageMetrics {
  startMs: number;
  endMs: number;
  /** Duration: the recovery time the clients saw. */
  rtoMs: number;
  /** From the start to the first role change of any node within the outage. */
  detectionMs: number | null;
  /** From the start to the first primary declaration within the outage. */
  failoverMs: number | null;
  /** From the primary declaration (or the start, without one) to the ack that ended it: routing and client catch-up. */
  catchUpMs: number | null;
  /** What each part waited on: the node that reacted, the node promoted, the routing change, the node that served. */
  detectedBy: string | null;
  promoted: string | null;
  routing: string | null;
  servedBy: { client: string; node: string } | null;
  /** Still going when settle ended. */
  open: boolean;
  /** `down`: nothing served at some instant; `degraded`: some scopes (shards) down, the others serving. */
  kind: 'down' | 'degraded';
  /** The share of orders it affected, averaged over its length (1: all of them). */
  share: number;
  /** The scopes down within it (empty for a design that serves as one). */
  scopes: string[];
}

/** One scope (shard) of a design that serves in scopes: its share of the orders, and its own figures. */
export interface ScopeMetrics {
  share: number;
  availability: number;
  uptimeFraction: number;
  outages: OutageMetrics[];
}

export interface RunMetrics {
  /** How long the design took to serve its first order (boot; not measured). */
  bootMs: number;
  /** Orders invoked. `orders = acked + failed + indeterminate + marketClosed`. */
  orders: number;
  acked: number;
  /** Ended `fail`, except market-closed rejections. */
  failed: number;
  /** Ended `info` (timed out) or never answered. */
  indeterminate: number;
  /** Rejected because the market was closed: neither success nor failure. */
  marketClosed: number;
  /** Fraction of counted orders acked within the client timeout. */
  availability: number;
  /** 1 - outage time (weighted by each outage's share) / [first invoke, settle end]. */
  uptimeFraction: number;
  /** Outage time weighted by the share of orders each outage affected. */
  downtimeMs: number;
  /** Service-wide outages: unions of the scopes' outages (one scope when the design serves as one). */
  outages: OutageMetrics[];
  /** Per scope (shard), where the design serves in scopes; absent otherwise. */
  scopes?: Record<string, ScopeMetrics>;
  /** The longest outage (0 when none). */
  rtoMaxMs: number;
  /** Acked orders missing from the authoritative durable log. */
  lostAcked: number;
  /** Span of the lost orders' ack times. */
  rpoMs: number;
  /** Extra acceptances of an order id by the exchange. */
  duplicates: number;
  splitBrainMs: { belief: number; effective: number; effectivePairs: number };
  /** Promotions while another primary was alive and serving. */
  falseFailovers: number;
  /** Promotions after the first. */
  failovers: number;
  /** Failovers that gave the primaryship back to the node that had it (preemption, failback). */
  failbacks: number;
  fencings: number;
  fencingsOk: number;
  ackLatency: AckLatency;
  exchangeAccepted: number;
  exchangeRejected: number;
  /** Two nodes believing they held the same lock: acquisitions during another's hold, and the time. */
  lockOverlaps: number;
  lockOverlapMs: number;
  /** Orders visible (read, or committed without ack) but never acked, missing at the end. */
  lostUnacked: number;
  /** Reads that missed an order acked to the client before it asked. */
  staleReads: number;
}

export function computeMetrics(history: History): RunMetrics {
  const outages = findOutages(history);
  const intervals = primaryIntervals(history);
  // orders invoked during boot are not measured
  const counts = runCounts(history);
  const { lostAcked, rpoMs } = recoveryPoint(history);
  const overlap = lockOverlap(history);
  return {
    bootMs: toMs(history.boot),
    orders: counts.orders,
    acked: counts.acked,
    failed: counts.failed,
    indeterminate: counts.indeterminate,
    marketClosed: counts.marketClosed,
    availability: orderAvailability(history),
    uptimeFraction: uptimeFraction(history, outages),
    downtimeMs: outages.reduce((sum, o) => sum + o.share * toMs(o.end - o.start), 0),
    outages: outages.map(outageMetrics),
    ...(history.clientScopes ? { scopes: perScope(history) } : {}),
    rtoMaxMs: outages.reduce((max, o) => Math.max(max, toMs(o.end - o.start)), 0),
    lostAcked,
    rpoMs,
    duplicates: counts.duplicates,
    splitBrainMs: splitBrainTime(history, intervals),
    falseFailovers: falseFailovers(history, intervals),
    failovers: failoverCount(intervals),
    failbacks: failbacks(intervals),
    fencings: counts.fencings,
    fencingsOk: counts.fencingsOk,
    ackLatency: ackLatency(history),
    exchangeAccepted: counts.exchangeAccepted,
    exchangeRejected: counts.exchangeRejected,
    lockOverlaps: overlap.count,
    lockOverlapMs: overlap.ms,
    lostUnacked: lostUnacked(history).length,
    staleReads: staleReads(history),
  };
}

function perScope(history: History): Record<string, ScopeMetrics> {
  const shares = scopeShares(history);
  const out: Record<string, ScopeMetrics> = {};
  for (const [scope, outages] of scopeOutages(history)) {
    const whole = outages.map((o) => ({ ...o, share: 1 }));
    out[scope] = { share: shares.get(scope)!, availability: orderAvailability(history, scope), uptimeFraction: uptimeFraction(history, whole, scope), outages: outages.map(outageMetrics) };
  }
  return out;
}

function outageMetrics(o: Outage): OutageMetrics {
  return {
    startMs: toMs(o.start),
    endMs: toMs(o.end),
    rtoMs: toMs(o.end - o.start),
    detectionMs: o.detectedAt === null ? null : toMs(o.detectedAt - o.start),
    failoverMs: o.failoverAt === null ? null : toMs(o.failoverAt - o.start),
    catchUpMs: o.open ? null : toMs(o.end - (o.failoverAt ?? o.start)),
    detectedBy: o.detectedBy,
    promoted: o.promoted,
    routing: o.routing,
    servedBy: o.servedBy,
    open: o.open,
    kind: o.kind,
    share: o.share,
    scopes: o.scopes,
  };
}

export { findOutages, type Outage } from '../check/outages.ts';
export { quantiles, quantileSorted } from './quantiles.ts';
