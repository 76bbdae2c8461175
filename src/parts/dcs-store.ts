/**
 * The DCS's data and wire format (`dcs-member.ts` serves it, `dcs-client.ts` calls it): the
 * key-value map with etcd's revisions and TTLs, v3-style transactions and their results, the
 * replicated state, and the messages between clients and members and among members.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';

/** A key as stored: its value, revisions, and TTL if it has one. */
export interface DcsKey {
  value: unknown;
  /** Revision of the write that created the key (etcd `create_revision`). */
  createRev: number;
  /** Revision of its last write (etcd `mod_revision`). */
  modRev: number;
  ttlUs?: Micros;
}

/** The whole map. Never mutated: every write makes a new object, so messages may share it. */
export type DcsKeys = Readonly<Record<string, DcsKey>>;

/** An etcd v3 style transaction: if `compare` holds, apply `puts` and `deletes`. */
export interface DcsTxn {
  /** The key's value must be `value`; `value: undefined` means the key must be absent. */
  compare?: { key: string; value: unknown };
  puts?: { key: string; value: unknown; ttlUs?: Micros }[];
  deletes?: string[];
}

/** A committed transaction's answer: whether the compare held, and the map after it. */
export interface DcsResult {
  ok: boolean;
  rev: number;
  keys: DcsKeys;
}

/** The replicated state: the map at a revision, tagged with the term of the leader that proposed it. */
export interface DcsState {
  term: number;
  rev: number;
  keys: DcsKeys;
}

// --- messages ------------------------------------------------------------------------------

/** A client's transaction (`attempt` tells a retry's reply from a stale one). */
export interface DcsRequestMsg extends Msg {
  type: 'dcs-req';
  reqId: number;
  attempt: number;
  txn: DcsTxn;
}
/** The answer: a committed `result`, or an error with the leader if one is known. */
export interface DcsResponseMsg extends Msg {
  type: 'dcs-resp';
  reqId: number;
  attempt: number;
  error?: string;
  leader?: string;
  result?: DcsResult;
}
/** Watch the keys until one's value differs from the one given; `watcher` is set when a follower forwards it. */
export interface DcsWatchMsg extends Msg {
  type: 'dcs-watch';
  watchId: number;
  watched: Record<string, unknown>;
  watcher?: string;
}
export interface DcsWatchEventMsg extends Msg {
  type: 'dcs-watch-event';
  watchId: number;
}
export interface DcsVoteRequestMsg extends Msg {
  type: 'dcs-vote-req';
  term: number;
  preVote: boolean;
  lastTerm: number;
  lastRev: number;
}
export interface DcsVoteMsg extends Msg {
  type: 'dcs-vote';
  term: number;
  preVote: boolean;
  granted: boolean;
}
/** The leader's whole accepted state (heartbeat and replication in one). */
export interface DcsAppendMsg extends Msg {
  type: 'dcs-append';
  term: number;
  state: DcsState;
}
export interface DcsAppendAckMsg extends Msg {
  type: 'dcs-append-ack';
  term: number;
  rev: number;
}
/** A member on a replaced (empty) disk asks to be re-added (the operator's member remove + add). */
export interface DcsJoinMsg extends Msg {
  type: 'dcs-join';
}
/** The leader committed the re-add: the member takes part again, from this term. */
export interface DcsJoinedMsg extends Msg {
  type: 'dcs-joined';
  term: number;
}
/** Every message a member handles. */
export const MEMBER_MESSAGES = messageKinds<DcsRequestMsg | DcsWatchMsg | DcsVoteRequestMsg | DcsVoteMsg | DcsAppendMsg | DcsAppendAckMsg | DcsJoinMsg | DcsJoinedMsg>(
  'dcs-req',
  'dcs-watch',
  'dcs-vote-req',
  'dcs-vote',
  'dcs-append',
  'dcs-append-ack',
  'dcs-join',
  'dcs-joined',
);

/** Applies a transaction to a map; returns whether the compare held and the new map. */
export function applyTxn(keys: DcsKeys, txn: DcsTxn, rev: number): { ok: boolean; keys: DcsKeys } {
  if (txn.compare && keys[txn.compare.key]?.value !== txn.compare.value) return { ok: false, keys };
  if (!txn.puts?.length && !txn.deletes?.length) return { ok: true, keys };
  const next: Record<string, DcsKey> = { ...keys };
  for (const key of txn.deletes ?? []) delete next[key];
  for (const put of txn.puts ?? []) {
    next[put.key] = { value: put.value, createRev: keys[put.key]?.createRev ?? rev, modRev: rev, ttlUs: put.ttlUs };
  }
  return { ok: true, keys: next };
}
