/**
 * Who believed it was primary, when, and where two beliefs overlapped (split brain).
 *
 * A node is primary from a `role` event declaring `primary` until its next `role` event with
 * another role, a `node-state` event `crashed` or `off` (its volatile belief is gone; `paused`
 * does not end it: a paused primary wakes up still believing), or the end of the run. A new
 * `primary` declaration with a different epoch ends the old interval and starts a new one.
 *
 * Roles are per scope (see `scopes.ts`): a role event ends or starts only the interval of its
 * own scope, a crash ends all of the node's, and only intervals of the same scope can overlap
 * into a split brain (two shards' primaries are not one).
 *
 * Intervals are kept as positions among the control events (history/traffic.ts) as well as
 * instants, and each node's effects are folded per segment between two control events
 * (history/fold/effects.ts), so events at the same instant are ordered exactly as they were
 * recorded (the history is in time order): an ack recorded just before the crash at the same
 * microsecond is inside the interval, one recorded after it is not.
 *
 *   a: |====primary e1============crash
 *   b:            |====primary e2==========...
 *                 ^ belief overlap ^
 *                      ^ effective: both acked / sent to the exchange in here
 *
 * When a split brain is *effective*: both nodes could accept or affect writes within a common
 * interval of positive length, and both did. That is, the belief overlap lasts longer than an
 * instant (in virtual time) and each node produced an external effect inside it. Where the
 * effects fall within the overlap does not matter: an old primary that acks an order at 150 ms,
 * after the new one took over at 100 ms but before the new one's first ack at 200 ms, acked it
 * while another node was primary (the order is on the wrong side of the split), so the pair is
 * effective even though the two never acted at the same moment. An instantaneous handover (the
 * new primary declared at the very instant the old one steps down, recorded in either order)
 * overlaps for zero time: it is not a split brain, whatever effects share that instant.
 * The effective span is how long the stray side acted: the stray side is the node whose last
 * effect in the overlap comes first (the one whose writes are orphaned when the other goes on);
 * its span runs from its first effect, or from the other node's first effect if that is later
 * and the two interleave, to its last effect. So an old primary that wakes from a pause and
 * finishes its queued orders in 4 ms while the new one serves for two minutes is 4 ms of
 * effective split brain, not two minutes; two nodes acking side by side for a second are one
 * second; an old primary acking for 50 ms before the new one's first ack is 50 ms. (The span
 * from the first effect of either to the last of either would count the new primary's normal
 * service as split brain.) A span may be 0 (every stray effect at one instant) while the split
 * brain is still effective: count those by `effective !== null`, not by a positive time.
 */
import type { Micros } from '../sim/time.ts';
import type { History } from '../history/history.ts';
import { digestOf } from '../history/fold/history-fold.ts';
import type { NodeEffects } from '../history/fold/effects.ts';
import { controlEvents } from '../history/traffic.ts';
import { memoPerHistory } from './memo.ts';
import { scopeOf } from './scopes.ts';

export interface PrimaryInterval {
  node: string;
  epoch: number;
  /** The scope the node was primary of (`''`: the whole service). */
  scope: string;
  start: Micros;
  /** When the belief ended (`history.endAt` when it never did). */
  end: Micros;
  /** Position among the control events (`controlEvents(history)`) of the declaring `role` event. */
  startIndex: number;
  /** Position of the control event that ended it, or the number of control events. Exclusive. */
  endIndex: number;
}

/** Two nodes believing they were primary at once. */
export interface SplitBrainInterval {
  /** The interval that began first (in recording order), and the one that overlapped it. */
  first: PrimaryInterval;
  second: PrimaryInterval;
  /** The overlap of the two beliefs. */
  belief: { start: Micros; end: Micros };
  /**
   * Null unless the split brain is effective (see the file header): the belief overlap lasts
   * longer than an instant and both nodes produced an external effect in it. Then the stray
   * side's acting span (`start`, `end`; see the file header), and `bothAt`, the
   * later of the two nodes' first effects: when split brain became real, the `single-primary`
   * violation time.
   */
  effective: { start: Micros; end: Micros; bothAt: Micros } | null;
}

/** Every primary interval, sorted by start (recording order). */
export const primaryIntervals = memoPerHistory(function primaryIntervals(history: History): PrimaryInterval[] {
  const events = controlEvents(history);
  /** Open intervals per node, per scope. */
  const open = new Map<string, Map<string, { epoch: number; startIndex: number }>>();
  const intervals: PrimaryInterval[] = [];
  const close = (node: string, scope: string, endIndex: number): void => {
    const current = open.get(node)?.get(scope);
    if (!current) return;
    open.get(node)!.delete(scope);
    const end = endIndex < events.length ? events[endIndex].time : history.endAt;
    const start = events[current.startIndex].time;
    intervals.push({ node, epoch: current.epoch, scope, start, end, startIndex: current.startIndex, endIndex });
  };
  const closeAll = (node: string, endIndex: number): void => {
    for (const scope of [...(open.get(node)?.keys() ?? [])].sort()) close(node, scope, endIndex);
  };
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === 'role') {
      const scope = scopeOf(e);
      const current = open.get(e.node)?.get(scope);
      if (e.role === 'primary') {
        if (current && current.epoch === e.epoch) continue;
        close(e.node, scope, i);
        let scopes = open.get(e.node);
        if (!scopes) open.set(e.node, (scopes = new Map()));
        scopes.set(scope, { epoch: e.epoch, startIndex: i });
      } else {
        close(e.node, scope, i);
      }
    } else if (e.type === 'node-state' && (e.state === 'crashed' || e.state === 'off')) {
      closeAll(e.node, i);
    }
  }
  for (const node of [...open.keys()].sort()) closeAll(node, events.length);
  return intervals.sort((x, y) => x.startIndex - y.startIndex);
});

/**
 * Every pair of overlapping primary intervals of two different nodes in the same scope, sorted
 * by the overlap's start. A sweep over intervals sorted by start: O(k log k + pairs) for k
 * intervals.
 */
export function splitBrainIntervals(history: History, intervals: PrimaryInterval[] = primaryIntervals(history)): SplitBrainInterval[] {
  const effects = digestOf(history).effects.byNode;
  const pairs: SplitBrainInterval[] = [];
  let active: PrimaryInterval[] = [];
  for (const next of intervals) {
    active = active.filter((x) => x.endIndex > next.startIndex);
    for (const earlier of active) {
      if (earlier.node === next.node || earlier.scope !== next.scope) continue;
      pairs.push(overlap(effects, earlier, next));
    }
    active.push(next);
  }
  return pairs.sort((x, y) => x.second.startIndex - y.second.startIndex || x.first.startIndex - y.first.startIndex);
}

function overlap(effects: Map<string, NodeEffects>, first: PrimaryInterval, second: PrimaryInterval): SplitBrainInterval {
  const from = Math.max(first.startIndex, second.startIndex);
  const to = Math.min(first.endIndex, second.endIndex);
  const belief = { start: Math.max(first.start, second.start), end: Math.min(first.end, second.end) };
  const a = effectSpan(effects.get(first.node), from, to);
  const b = effectSpan(effects.get(second.node), from, to);
  let effective: SplitBrainInterval['effective'] = null;
  if (a && b && belief.end > belief.start) {
    const [stray, other] = a.last <= b.last ? [a, b] : [b, a];
    const start = other.first <= stray.last ? Math.max(stray.first, other.first) : stray.first;
    effective = { start, end: stray.last, bothAt: Math.max(a.first, b.first) };
  }
  return { first, second, belief, effective };
}

/**
 * First and last effect instants of a node between the control events at positions `from` and
 * `to` (exclusive), or null if none: its effects of segments from + 1 to `to` (segment s lies
 * between control events s - 1 and s).
 */
function effectSpan(effects: NodeEffects | undefined, from: number, to: number): { first: Micros; last: Micros } | null {
  if (!effects) return null;
  const lo = lowerBound(effects.segment, from + 1);
  const hi = lowerBound(effects.segment, to + 1) - 1;
  if (lo > hi) return null;
  return { first: effects.first[lo], last: effects.last[hi] };
}

/** The first position in ascending `xs` whose value is >= x. */
export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
