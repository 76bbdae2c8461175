/**
 * The client side of the DCS (`dcs-member.ts`), as Patroni's etcd client uses it: every request is
 * retried across the members until `retryTimeout` has passed since it was issued, each attempt
 * waiting `retryTimeout / members` (Patroni's `_calculate_timeouts` splits the retry budget
 * evenly between the etcd nodes). A member that is not the leader answers with the leader's
 * name (the client goes there at once) or with "no leader" (the client tries the next member
 * after a short back-off). A request that runs out of time reports `undefined`: Patroni's
 * `DCSError`. A member whose etcd is not running resets the connection (it exited, or the
 * kernel refuses the port): the client moves on to the next member at once, as Patroni's etcd
 * client does on a socket error (patroni/dcs/etcd.py `_do_http_request`: the next machine of its
 * cache, in the same pass), and pauses as after "no leader" once every member refused in a row.
 *
 * A watch asks the DCS leader to say when one of some keys' values changes or a key goes away;
 * it fires at most once and is replaced by the next watch.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import type { DcsRequestMsg, DcsResponseMsg, DcsResult, DcsTxn, DcsWatchEventMsg, DcsWatchMsg } from './dcs-store.ts';

/** Pause before retrying after a "no leader" answer (Patroni's Retry starts at 0.1 s). */
const NO_LEADER_BACKOFF_US: Micros = 100_000;
const CLIENT_MESSAGES = messageKinds<DcsResponseMsg | DcsWatchEventMsg>('dcs-resp', 'dcs-watch-event');

interface Pending {
  txn: DcsTxn;
  done: (result: DcsResult | undefined) => void;
  deadlineUs: Micros;
  member: number;
  attempt: number;
  timer: TimerHandle | undefined;
  /** Members that refused this request's connection in a row (reset). */
  refused: number;
}

export class DcsClient {
  private nextReqId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The member that answered last (tried first). */
  private preferred = 0;
  private watchId = 0;
  private onWatchFired: (() => void) | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly members: readonly string[],
    private readonly retryTimeoutUs: Micros,
  ) {}

  /** Runs a transaction; `done(undefined)` if no member answered within the retry timeout. */
  request(txn: DcsTxn, done: (result: DcsResult | undefined) => void): void {
    const reqId = this.nextReqId++;
    const p: Pending = { txn, done, deadlineUs: this.ctx.monotonic() + this.retryTimeoutUs, member: this.preferred, attempt: 0, timer: undefined, refused: 0 };
    this.pending.set(reqId, p);
    this.attempt(reqId, p);
  }

  /** Watches keys (each with the value the caller last saw); `fired` once one differs. */
  watch(watched: Record<string, unknown>, fired: () => void): void {
    this.watchId++;
    this.onWatchFired = fired;
    this.ctx.send(this.members[this.preferred], { type: 'dcs-watch', watchId: this.watchId, watched } satisfies DcsWatchMsg);
  }

  cancelWatch(): void {
    this.watchId++;
    this.onWatchFired = undefined;
  }

  handle(_from: string, msg: Msg): boolean {
    if (!CLIENT_MESSAGES.has(msg)) return false;
    if (msg.type === 'dcs-watch-event') {
      if (msg.watchId === this.watchId && this.onWatchFired) {
        const fired = this.onWatchFired;
        this.onWatchFired = undefined;
        fired();
      }
      return true;
    }
    const reqId = msg.reqId;
    const p = this.pending.get(reqId);
    if (!p) return true;
    // a result from any attempt is a committed transaction; an error only counts for the current one
    if (msg.result) {
      this.finish(reqId, p, msg.result);
      return true;
    }
    if (msg.attempt !== p.attempt) return true;
    p.refused = 0;
    this.ctx.cancelTimer(p.timer);
    const hinted = msg.leader === undefined ? -1 : this.members.indexOf(msg.leader);
    if (hinted >= 0 && hinted !== p.member) {
      p.member = hinted;
      this.attempt(reqId, p);
    } else {
      p.member = (p.member + 1) % this.members.length;
      p.timer = this.ctx.setTimer(NO_LEADER_BACKOFF_US, 'dcs-retry', reqId);
    }
    return true;
  }

  /** The kernel reset our connection to `peer`: its etcd is not running. Requests waiting on it move on. */
  onConnectionReset(peer: string): void {
    const index = this.members.indexOf(peer);
    if (index < 0) return;
    for (const [reqId, p] of this.pending) {
      if (p.member !== index) continue;
      this.ctx.cancelTimer(p.timer);
      p.member = (index + 1) % this.members.length;
      if (++p.refused < this.members.length) {
        this.attempt(reqId, p);
      } else {
        p.refused = 0;
        p.timer = this.ctx.setTimer(NO_LEADER_BACKOFF_US, 'dcs-retry', reqId);
      }
    }
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind !== 'dcs-attempt' && kind !== 'dcs-retry') return false;
    const reqId = data as number;
    const p = this.pending.get(reqId);
    if (!p) return true;
    if (kind === 'dcs-attempt') p.member = (p.member + 1) % this.members.length;
    this.attempt(reqId, p);
    return true;
  }

  private attempt(reqId: number, p: Pending): void {
    const remaining = p.deadlineUs - this.ctx.monotonic();
    if (remaining <= 0) return this.finish(reqId, p, undefined);
    p.attempt++;
    const perMember = Math.floor(this.retryTimeoutUs / this.members.length);
    p.timer = this.ctx.setTimer(Math.min(perMember, remaining), 'dcs-attempt', reqId);
    // the attempt number travels with the request so a late answer to an earlier attempt is recognised
    this.ctx.send(this.members[p.member], { type: 'dcs-req', reqId, attempt: p.attempt, txn: p.txn } satisfies DcsRequestMsg);
  }

  private finish(reqId: number, p: Pending, result: DcsResult | undefined): void {
    this.ctx.cancelTimer(p.timer);
    this.pending.delete(reqId);
    if (result) this.preferred = p.member;
    p.done(result);
  }
}
