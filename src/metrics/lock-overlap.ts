/**
 * Overlapping lock holders: how often, and for how long, two nodes believed they held the same
 * lock at once (Kleppmann's unsafe lock: a paused holder whose lease ran out and a second
 * client that was granted it). Read from the recorded probes `lock.acquired` / `lock.released`
 * (subject: the lock key; see parts/lock-client.ts): a node holds a key from its acquisition
 * until it releases it or its process dies (a crash or power loss ends every belief it had).
 *
 * `count`: acquisitions made while another node held the same key; `ms`: total time, summed
 * over keys, during which a key had two or more holders.
 */
import type { History } from '../history/history.ts';
import { controlEvents } from '../history/traffic.ts';
import type { Micros } from '../sim/time.ts';
import { toMs } from '../sim/time.ts';

export interface LockOverlap {
  count: number;
  ms: number;
}

export const LOCK_ACQUIRED = 'lock.acquired';
export const LOCK_RELEASED = 'lock.released';

export function lockOverlap(history: History): LockOverlap {
  /** key -> its holder, or the set of them once there are two (most keys never have two) */
  const holders = new Map<string, string | Set<string>>();
  /** key -> when it got its second holder (while it has two or more) */
  const overlapSince = new Map<string, Micros>();
  let count = 0;
  let total = 0;
  const drop = (key: string, node: string, at: Micros): void => {
    const held = holders.get(key);
    if (held === undefined) return;
    if (typeof held === 'string') {
      if (held === node) holders.delete(key);
      return;
    }
    if (!held.delete(node)) return;
    if (held.size < 2 && overlapSince.has(key)) {
      total += at - overlapSince.get(key)!;
      overlapSince.delete(key);
    }
    if (held.size === 0) holders.delete(key);
  };
  for (const e of controlEvents(history)) {
    if (e.type === 'probe' && e.subject !== undefined) {
      if (e.probe === LOCK_ACQUIRED) {
        const held = holders.get(e.subject);
        if (held === undefined) {
          holders.set(e.subject, e.node);
          continue;
        }
        const set = typeof held === 'string' ? new Set([held]) : held;
        if (set.has(e.node)) continue;
        if (set.size > 0) count++;
        set.add(e.node);
        holders.set(e.subject, set);
        if (set.size === 2) overlapSince.set(e.subject, e.time);
      } else if (e.probe === LOCK_RELEASED) {
        drop(e.subject, e.node, e.time);
      }
    } else if (e.type === 'node-state' && (e.state === 'crashed' || e.state === 'off')) {
      for (const [key, held] of [...holders]) if (held === e.node || (typeof held !== 'string' && held.has(e.node))) drop(key, e.node, e.time);
    }
  }
  for (const since of overlapSince.values()) total += history.endAt - since;
  return { count, ms: toMs(total) };
}
