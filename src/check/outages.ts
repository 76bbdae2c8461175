/**
 * Outages, as operations would measure them from the clients' side: the service is down from
 * the moment an order goes unserved until a client next *receives* an ack.
 *
 * Orders are taken in invoke order (ties by order id), skipping excluded ones (market closed,
 * or still within their timeout when the run ended; see `check/orders.ts`). An outage starts at
 * the invoke of an unserved order (the first order the service failed) and ends at the first
 * ack a client received for an order invoked at or after that start: the first proof that the
 * service answers again. Every order invoked before that end belongs to the outage; the next
 * outage can start only with an unserved order invoked after it. An order invoked mid-outage
 * and acked after the new primary took over ends the outage at its *ack*, not at its invoke
 * (ending at the invoke would make the RTO up to one client timeout too short). Acks for
 * orders invoked before the start do not end it: they were in flight when service failed.
 * With no ack by `settleEndAt` the outage ends there and is `open`. Its length is the RTO the
 * clients saw. Which acks a client receives follows its session policy (world/client.ts).
 *
 * A closed stretch shorter than `MIN_OUTAGE` (100 ms) is a blip, not an outage: one order lost
 * to packet loss between two served ones says nothing about recovery. Blips still count
 * against order availability; they are left out of the outage list, RTO and uptime. 100 ms is
 * below the fastest failure detection of any real design (the Raft paper's shortest election
 * timeout is 150 ms), so no failover is ever mistaken for a blip.
 *
 * The breakdown says what each part of the outage waited on:
 *   start ── detection ──> detectedAt ── failover ──> failoverAt ── catch-up ──> end
 * `detectedAt` is the first `role` event of any node within the outage (some node reacted;
 * `detectedBy`), `failoverAt` the first `primary` declaration (`promoted`), both null when
 * there is none; catch-up is the rest, until a client reached a primary: the routing step it
 * waited on (`routing`: the last VIP, DNS or load-balancer change before the end) or, with none,
 * the client's own retry; `servedBy` is the node whose ack ended it.
 *
 * Partial service. A design that serves in scopes (N+1 shards, one VIP each) names each
 * client's scope (`History.clientScopes`); every order belongs to its client's scope. Outages
 * are then found per scope, by the rule above over that scope's orders alone, and the
 * service-wide outages are their unions: overlapping or touching scope outages make one. A
 * service-wide outage is `down` when at some instant every scope was down (nothing served),
 * else `degraded` (some scopes down, the others serving); its `share` is the share of orders
 * it affected, averaged over its length: the sum over its scope outages of the scope's share
 * times their length, divided by its length. A scope's share is its share of the clients
 * (every client sends the same rate of orders). Downtime is weighted by that share: an hour
 * with one of three shards down costs 20 minutes, not an hour (uptime, `hasim estimate`), so
 * a lost shard is neither a whole-service outage nor invisible. A design without scopes has
 * one scope, share 1: each outage is `down`.
 *
 * Computed from the folded traffic (history/fold/order-flow.ts): only the orders not served in
 * time are kept, each with the first ack of an order invoked at or after it; served orders
 * never start an outage nor count in one, so the rule above needs nothing else of them.
 */
import type { Micros } from '../sim/time.ts';
import type { History, HistoryEvent } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import { firstAckOf, type FlowOrder } from '../history/fold/order-flow.ts';
import { serviceOf } from '../history/order-record.ts';
import { controlEvents } from '../history/traffic.ts';
import { memoPerHistory } from './memo.ts';
import { lowerBound } from './primary-intervals.ts';

export interface Outage {
  start: Micros;
  end: Micros;
  /** Still going at `settleEndAt`: the service never came back. */
  open: boolean;
  /** `down`: nothing served at some instant of it; `degraded`: some scopes down, the others serving. */
  kind: 'down' | 'degraded';
  /** The share of orders it affected, averaged over its length (1: every order, throughout). */
  share: number;
  /** The scopes that were down within it (empty when the design serves as one). */
  scopes: string[];
  /** How many unserved orders it holds. */
  unservedOrders: number;
  /** The first role change of any node within the outage. */
  detectedAt: Micros | null;
  /** The first primary declaration within the outage. */
  failoverAt: Micros | null;
  /** The node whose role change was the detection, and the role it took. */
  detectedBy: string | null;
  /** The node declared primary at `failoverAt`. */
  promoted: string | null;
  /** The last routing change (`VIP shard1 to b`, `DNS to b`, `load balancer: b up`) before the end. */
  routing: string | null;
  /** The client that received the ack that ended the outage, and the node that sent it. */
  servedBy: { client: string; node: string } | null;
}

/** Unserved stretches shorter than this are blips, not outages. */
export const MIN_OUTAGE: Micros = 100_000;

/** An unserved stretch of one scope's orders. */
interface Span {
  scope: string;
  start: Micros;
  end: Micros;
  open: boolean;
  unservedOrders: number;
  servedBy: { client: string; node: string } | null;
}

/**
 * Each scope's share of the orders: its share of the clients (`History.clientScopes`), or
 * the whole service (`''`, share 1) when the design serves as one.
 */
export function scopeShares(history: History): Map<string, number> {
  const clients = Object.values(history.clientScopes ?? {});
  if (clients.length === 0) return new Map([['', 1]]);
  const shares = new Map<string, number>();
  for (const scope of [...clients].sort()) shares.set(scope, (shares.get(scope) ?? 0) + 1 / clients.length);
  return shares;
}

/** Every service-wide outage of the run, in time order (see the file header). Callers must not change the result. */
export const findOutages = memoPerHistory(function findOutages(history: History): Outage[] {
  const shares = scopeShares(history);
  const unserved = digestOf(history).orders.unserved();
  const spans = [...shares.keys()].flatMap((scope) => unservedSpans(history, unserved, scope, shares.size > 1));
  spans.sort((x, y) => x.start - y.start || x.end - y.end);
  const breakdown = breakdownOf(history);
  const outages: Outage[] = [];
  for (let i = 0; i < spans.length; ) {
    let j = i + 1;
    let end = spans[i].end;
    for (; j < spans.length && spans[j].start <= end; j++) end = Math.max(end, spans[j].end);
    outages.push(merge(spans.slice(i, j), shares, breakdown));
    i = j;
  }
  return outages;
});

/** Each scope's own outages (`share`: the scope's share of the service), for designs that serve in scopes. */
export function scopeOutages(history: History): Map<string, Outage[]> {
  const shares = scopeShares(history);
  const unserved = digestOf(history).orders.unserved();
  const breakdown = breakdownOf(history);
  const out = new Map<string, Outage[]>();
  for (const scope of shares.keys()) out.set(scope, unservedSpans(history, unserved, scope, shares.size > 1).map((span) => merge([span], shares, breakdown, 'down')));
  return out;
}

/**
 * The unserved stretches of one scope's orders (every order when `scoped` is false), from the
 * orders not served in time, in invoke order.
 */
function unservedSpans(history: History, notServed: FlowOrder[], scope: string, scoped: boolean): Span[] {
  const counted = notServed.filter((order) => (!scoped || order.scope === scope) && serviceOf(order, history) !== 'excluded');
  const slot = scoped ? 0 : 1;
  const spans: Span[] = [];
  let i = 0;
  while (i < counted.length) {
    if (serviceOf(counted[i], history) !== 'unserved') {
      i++;
      continue;
    }
    const start = counted[i].invokeAt;
    // the first ack a client received for an order invoked at or after this one
    const ack = firstAckOf(counted[i], slot);
    const open = ack === undefined || ack.outcomeAt! > history.settleEndAt;
    const end = open ? Math.max(start, history.settleEndAt) : ack.outcomeAt!;
    let unserved = 0;
    // (the first order always belongs to it, even when an order of its instant was acked at that instant)
    for (const first = i; i < counted.length && (i === first || counted[i].invokeAt < end || (open && counted[i].invokeAt <= end)); i++) {
      if (serviceOf(counted[i], history) === 'unserved') unserved++;
    }
    if (!open && end - start < MIN_OUTAGE) continue;
    spans.push({ scope, start, end, open, unservedOrders: unserved, servedBy: open ? null : { client: ack!.client, node: ack!.ackNode ?? '?' } });
  }
  return spans;
}

/** One outage from overlapping scope spans: its kind, share and what each part waited on. */
function merge(spans: Span[], shares: Map<string, number>, breakdown: Breakdown, kind?: Outage['kind']): Outage {
  const start = spans[0].start;
  let end = start;
  let last = spans[0];
  let weighted = 0;
  let unserved = 0;
  for (const s of spans) {
    if (s.end >= end) {
      end = s.end;
      last = s;
    }
    weighted += shares.get(s.scope)! * (s.end - s.start);
    unserved += s.unservedOrders;
  }
  const open = spans.some((s) => s.open);
  const scopes = [...new Set(spans.map((s) => s.scope))].sort();
  const scoped = shares.size > 1;
  const share = end > start ? weighted / (end - start) : Math.max(...spans.map((s) => shares.get(s.scope)!));
  return {
    start,
    end,
    open,
    kind: kind ?? (!scoped || allDownAtOnce(spans, shares.size) ? 'down' : 'degraded'),
    share: Math.min(1, share),
    scopes: scoped ? scopes : [],
    unservedOrders: unserved,
    ...breakdown(start, end),
    servedBy: open ? null : last.servedBy,
  };
}

/** Whether at some instant every one of `scopes` scopes was down (spans of one scope never overlap). */
function allDownAtOnce(spans: Span[], scopes: number): boolean {
  const edges = spans.flatMap((s) => [{ at: s.start, d: 1 }, { at: s.end, d: -1 }]).sort((x, y) => x.at - y.at || x.d - y.d);
  let down = 0;
  for (const e of edges) if ((down += e.d) >= scopes) return true;
  return false;
}

type Breakdown = (start: Micros, end: Micros) => Pick<Outage, 'detectedAt' | 'failoverAt' | 'detectedBy' | 'promoted' | 'routing'>;

/** What an outage from `start` to `end` waited on: the first reaction, the first promotion, the last routing change. */
function breakdownOf(history: History): Breakdown {
  const roles: HistoryEvent[] = [];
  const primaries: HistoryEvent[] = [];
  const routings: HistoryEvent[] = [];
  for (const e of controlEvents(history)) {
    if (e.type === 'role') {
      roles.push(e);
      if (e.role === 'primary') primaries.push(e);
    } else if (e.type === 'vip' || e.type === 'dns' || (e.type === 'lb' && e.healthy)) routings.push(e);
  }
  const roleAt = roles.map((e) => e.time);
  const primaryAt = primaries.map((e) => e.time);
  const routingAt = routings.map((e) => e.time);
  const firstWithin = (times: Micros[], start: Micros, end: Micros): number => {
    const i = lowerBound(times, start);
    return i < times.length && times[i] <= end ? i : -1;
  };
  return (start, end) => {
    const detected = firstWithin(roleAt, start, end);
    const failover = firstWithin(primaryAt, start, end);
    const route = lowerBound(routingAt, end + 1) - 1;
    const routing = route >= 0 && routingAt[route] >= (failover >= 0 ? primaryAt[failover] : start) ? routings[route] : undefined;
    return {
      detectedAt: detected >= 0 ? roleAt[detected] : null,
      failoverAt: failover >= 0 ? primaryAt[failover] : null,
      detectedBy: detected >= 0 ? nodeOf(roles[detected]) : null,
      promoted: failover >= 0 ? nodeOf(primaries[failover]) : null,
      routing: routing ? describeRouting(routing) : null,
    };
  };
}

function nodeOf(e: HistoryEvent): string {
  return (e as { node: string }).node;
}

function describeRouting(e: HistoryEvent): string {
  if (e.type === 'vip') return `VIP ${e.vip ? e.vip + ' ' : ''}to ${e.node}`;
  if (e.type === 'dns') return `DNS to ${e.node}`;
  return `load balancer: ${nodeOf(e)} up`;
}
