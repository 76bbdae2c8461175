/**
 * Probes several parts emit (see world/probes.ts): replication, synchronous commit, elections,
 * promotion and demotion, Sentinel's states. Declared once here with their documentation;
 * each part that emits one names it with `emitsProbe(import.meta.url, ...)`, so
 * `hasim list --probes <design>` lists exactly what the design's parts can emit.
 */
import { defineProbe } from '../world/probes.ts';

const HERE = import.meta.url;
const shared = { shared: true } as const;

export const REPL_SENT = defineProbe(HERE, 'repl.sent', 'a primary shipped log entries (WAL, a write stream) to a standby', shared);
export const REPL_ACKED = defineProbe(HERE, 'repl.acked', 'a standby\'s acknowledgement of replicated entries reached the primary', shared);
export const COMMIT_WAITING = defineProbe(HERE, 'commit.waiting', 'a commit is durable locally and waits for its synchronous standby before the ack (subject: the order id)', shared);
export const ELECTION_STARTED = defineProbe(HERE, 'election.started', 'a node started an election (a candidate asks for votes)', shared);
export const ELECTION_WON = defineProbe(HERE, 'election.won', 'a node won an election or took the leader key / master role', shared);
export const PROMOTE_BEGIN = defineProbe(HERE, 'promote.begin', 'a standby begins its promotion to primary', shared);
export const DEMOTE_BEGIN = defineProbe(HERE, 'demote.begin', 'a primary begins to step down (lost its lease, key or quorum)', shared);
export const SENTINEL_ODOWN = defineProbe(HERE, 'sentinel.odown', 'a quorum of Sentinels agreed the master is down (+odown)', shared);
export const SENTINEL_TILT = defineProbe(HERE, 'sentinel.tilt', 'a Sentinel entered TILT mode (its timer jumped: clock step or long pause)', shared);
