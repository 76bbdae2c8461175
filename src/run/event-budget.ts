/**
 * The event budget of a run: what stops a design that loops without end (a timer re-armed at
 * the same instant, a message storm) instead of letting it run forever. It is derived from the
 * run, not hidden: a long quiet run gets a budget that grows with its simulated length, and a
 * fast workload one that grows with its rate, so only a run far busier than any design needs
 * is stopped. The formula, stated in the error a stopped run reports:
 *
 *   budget = 10 x seconds x (2,000 + 50 x (orders/s + reads/s)),  at least 1,000,000
 *
 * 2,000 events per simulated second covers a design's background (heartbeats, leases, health
 * checks, replication keep-alives) and 50 events per order its path (client, network hops,
 * replication, acks, retries); the bundled designs measure 1,500-3,100 events per simulated
 * second at 200 orders/s under every bundled fault, about a quarter of the unmultiplied
 * figure (12,000), and the factor 10 is headroom on top. `--max-events` sets it outright.
 */
import { SECOND, type Micros } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';

const BACKGROUND_EVENTS_PER_SECOND = 2_000;
const EVENTS_PER_REQUEST = 50;
const HEADROOM = 10;
const MIN_BUDGET = 1_000_000;

/** The budget of a run `lengthUs` long under `workload` (see the file header). */
export function derivedEventBudget(lengthUs: Micros, workload: Pick<Workload, 'ordersPerSecond' | 'readsPerSecond'>): number {
  const perSecond = BACKGROUND_EVENTS_PER_SECOND + EVENTS_PER_REQUEST * (workload.ordersPerSecond + (workload.readsPerSecond ?? 0));
  return Math.max(MIN_BUDGET, Math.ceil(HEADROOM * (lengthUs / SECOND) * perSecond));
}

/** What the error of a run past its budget says about where the budget came from. */
export function budgetNote(lengthUs: Micros, workload: Pick<Workload, 'ordersPerSecond' | 'readsPerSecond'>, explicit: boolean): string {
  if (explicit) return 'set by --max-events; raise it with --max-events <n>';
  const rate = workload.ordersPerSecond + (workload.readsPerSecond ?? 0);
  return `derived as max(1000000, 10 x ${lengthUs / SECOND} s x (2000 + 50 x ${rate} requests/s)); a design looping without end, or raise it with --max-events <n>`;
}
