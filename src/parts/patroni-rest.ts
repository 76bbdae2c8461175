/**
 * Patroni's REST calls from one member to the others (ha.py `fetch_nodes_statuses` and the
 * failsafe POST): a query goes to every named member at once and ends when all have answered,
 * when the 2 s timeout fires, or early when the last member still waited for is found gone
 * (its Patroni's connection refused). The answering side (GET /patroni, POST /failsafe) is the
 * node's own (patroni-node.ts): it reports the node's role and WAL position.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import type { MemberStatus } from './patroni-sync.ts';

/** GET /patroni (`patroni-status`) or the failsafe POST (`patroni-failsafe`) to another member. */
export interface PatroniQuery extends Msg {
  type: 'patroni-status' | 'patroni-failsafe';
  queryId: number;
}
export interface PatroniStatusReply extends Msg {
  type: 'patroni-status-reply';
  queryId: number;
  role: 'primary' | 'replica';
  walBytes: number;
}
export interface PatroniFailsafeReply extends Msg {
  type: 'patroni-failsafe-reply';
  queryId: number;
  ok: boolean;
}
/** Patroni's timeout for one REST call to another member (`fetch_node_status`: 2 s). */
const REST_TIMEOUT_US: Micros = 2_000_000;
/** The timer that ends a query whose members have not all answered (data: the query's id). */
export const REST_TIMEOUT_TIMER = 'patroni-rest-timeout';

interface Query {
  waiting: Set<string>;
  answers: MemberStatus[];
  ok: boolean;
  done: (answers: MemberStatus[], allOk: boolean) => void;
}

export class PatroniRestCalls {
  private readonly queries = new Map<number, Query>();
  private nextQueryId = 1;

  constructor(private readonly ctx: NodeContext) {}

  /** Asks `members`; `done` gets the status answers and whether every member answered ok. */
  query(members: string[], type: PatroniQuery['type'], done: (answers: MemberStatus[], allOk: boolean) => void): void {
    if (members.length === 0) return done([], true);
    const queryId = this.nextQueryId++;
    this.queries.set(queryId, { waiting: new Set(members), answers: [], ok: true, done });
    for (const m of members) this.ctx.send(m, { type, queryId } satisfies PatroniQuery);
    this.ctx.setTimer(REST_TIMEOUT_US, REST_TIMEOUT_TIMER, queryId);
  }

  /**
   * A member's Patroni is gone while its host lives: the REST call to it is refused at once
   * (requests raises ConnectionError on ECONNREFUSED; ha.py counts the member as not answering)
   * instead of running into the 2 s timeout.
   */
  refuse(peer: string): void {
    for (const [queryId, q] of [...this.queries]) {
      if (!q.waiting.delete(peer)) continue;
      q.ok = false;
      if (q.waiting.size === 0) this.finish(queryId);
    }
  }

  onReply(from: string, msg: PatroniStatusReply | PatroniFailsafeReply): void {
    const queryId = msg.queryId;
    const q = this.queries.get(queryId);
    if (!q || !q.waiting.delete(from)) return;
    if (msg.type === 'patroni-failsafe-reply') q.ok &&= msg.ok === true;
    else q.answers.push({ node: from, role: msg.role, walBytes: msg.walBytes });
    if (q.waiting.size === 0) this.finish(queryId);
  }

  /** The query's timeout fired (or its last member answered): it ends with what it has. */
  finish(queryId: number): void {
    const q = this.queries.get(queryId);
    if (!q) return;
    this.queries.delete(queryId);
    q.done(q.answers, q.ok && q.waiting.size === 0);
  }

  /** Patroni's process died: its outstanding calls die with it (their callbacks never run). */
  clear(): void {
    this.queries.clear();
  }
}
