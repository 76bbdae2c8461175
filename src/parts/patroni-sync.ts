/**
 * Patroni's synchronous-replication decisions, as pure functions of what a member sees: which
 * standbys the primary makes synchronous, what it publishes in the `/sync` key, and whether a
 * member racing for the leader key is healthy enough to take it (ha.py `_is_healthiest_node`).
 *
 * Two ways of counting (Patroni 4.x docs, "Replication modes"; patroni/ha.py, quorum.py):
 * - `synchronous_mode: on | strict` with `synchronous_node_count` n: synchronous_standby_names
 *   is `n (a, b)` (FIRST semantics, every listed standby required) and `/sync` lists the
 *   standbys known synchronous; only they (and the old leader) may race
 *   (ha.py `_process_multisync_replication`, `is_failover_possible`);
 * - `synchronous_mode: quorum` (Patroni 3.2+): synchronous_standby_names is
 *   `ANY numsync (all streaming standbys)` and `/sync` holds the voters and a `quorum`, chosen
 *   so that any numsync standbys that ack a commit overlap any quorum + 1 voters a candidate
 *   hears from: numsync = min(synchronous_node_count, active), quorum = active - numsync
 *   (quorum.py, QuorumStateResolver's docstring). Any member may race, but it must hear from
 *   `quorum` voters (itself counting if it is one) that are not ahead of it, and stands back if
 *   any node is ahead: so the new leader has the highest LSN among a set that overlaps every
 *   ack set and no acked commit is lost (ha.py `_is_healthiest_node`, lines ~1394-1459 of
 *   Patroni 4.1.4).
 */
import type { StandbyStatus } from './postgres-settings.ts';

/** The `/sync` key: the primary it was written by, the standbys allowed to fail over (voters), and the quorum. */
export interface SyncKey {
  leader: string;
  standbys: readonly string[];
  /** Quorum mode: votes a candidate needs from other voters (0 otherwise). */
  quorum: number;
}

/** A member's answer to GET /patroni during the race. */
export interface MemberStatus {
  node: string;
  role: 'primary' | 'replica';
  walBytes: number;
}

/**
 * The standbys the primary makes synchronous (FIRST semantics): the current ones still
 * streaming first ("current synchronous standby is always preferred", sync.py
 * `current_state`), then the others furthest ahead (ties by name), at most `count`.
 */
export function pickSyncStandbys(streaming: readonly StandbyStatus[], current: readonly string[], count: number): string[] {
  const kept = current.filter((name) => streaming.some((s) => s.node === name)).slice(0, count);
  const others = streaming
    .filter((s) => !kept.includes(s.node))
    .sort((a, b) => b.flush - a.flush || (a.node < b.node ? -1 : 1))
    .map((s) => s.node);
  return [...kept, ...others].slice(0, count).sort();
}

/** Quorum mode's steady state for the `active` standbys: ANY numsync of them, and the quorum that overlaps it. */
export function quorumTarget(active: readonly string[], synchronousNodeCount: number): { numsync: number; quorum: number } {
  const numsync = Math.min(synchronousNodeCount, active.length);
  return { numsync, quorum: active.length - numsync };
}

export interface RaceInput {
  me: string;
  myWalBytes: number;
  iAmPrimary: boolean;
  /** The `/sync` key, if synchronous mode is active. */
  sync: SyncKey | undefined;
  quorumMode: boolean;
  /** Compare WAL positions with the others (Patroni does; false is a planted flaw). */
  compareWal: boolean;
  answers: readonly MemberStatus[];
}

/** `_is_healthiest_node`: undefined if this member may take the leader key, else why not. */
export function raceVerdict(input: RaceInput): string | undefined {
  const { me, myWalBytes, sync } = input;
  const quorumActive = input.quorumMode && sync !== undefined;
  const voting = new Set(sync ? [sync.leader, ...sync.standbys] : []);
  let votes = voting.has(me) ? 0 : -1;
  let ahead = 0;
  for (const a of input.answers) {
    if (a.role === 'primary' && !input.iAmPrimary) return `${a.node} still runs as primary`;
    if (input.compareWal && a.walBytes > myWalBytes) {
      ahead++;
      // the former leader, still reachable as a replica, may be ahead: it does not disqualify us
      if (!(sync && a.node === sync.leader)) return `${a.node} has more WAL`;
    } else if (quorumActive && a.walBytes > 0 && voting.has(a.node)) {
      votes++;
    }
  }
  if (!quorumActive || votes >= sync.quorum || (ahead === 0 && sync.leader === me)) return undefined;
  return `${Math.max(votes, 0)} of the ${sync.quorum} quorum votes`;
}
