/**
 * Primaryship as a lease granted by a majority of voters: the two data nodes and a witness.
 * A node may act as primary only while it holds grants from a majority (its own vote plus the
 * witness's or its peer's), and it renews them by heartbeat every `renewInterval`. A voter
 * that granted a lease promises not to grant another node one until the grant has expired on
 * *its* clock plus a `safetyMargin`; the holder counts its lease from the moment it *sent* the
 * request and gives it up `safetyMargin` before the end, so with bounded clock drift the old
 * holder has stopped before anyone else can start:
 *
 *   holder:  sent ─────────── lease ───────────| stops (sent + lease - margin)
 *   voter:        received ──────── lease ─────────────|── margin ──| may grant another node
 *
 * Every ack and exchange send checks the lease at that moment (`LeaseHolder.valid`). Lease
 * times use the monotonic clock, which drifts but never jumps; drift beyond what the margin
 * covers (or a paused holder that wakes up without checking) breaks the guarantee, as it does
 * for every lease.
 *
 * A voter that restarts has forgotten its grants, so it grants nothing for one lease plus the
 * margin after boot (as Chubby's master does after fail-over). A data node's vote for its own
 * candidacy protects nobody once that candidacy has not made it primary (it never acted on
 * it), so it may give way to a higher-epoch candidate (`yieldsOwnCandidacy`), as a Raft
 * candidate that sees a higher term steps down and votes: without that, two candidates that
 * each vote for themselves first refuse each other for ever, however often they retry. A voter may also refuse a *new*
 * holder for its own reasons (`mayGrantNewHolder`): a data node refuses a candidate whose log
 * is behind its own, the witness one it knows to be out of date. Epochs order the holders:
 * each new holder takes a higher one, durable on every voter, and carries it in its log
 * entries and as its fencing token.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';

export interface LeaseRequest extends Msg {
  type: 'lease-request';
  requestId: number;
  epoch: number;
  /** The candidate's log position, for voters that check it (term of its last entry, length). */
  lastTerm: number;
  length: number;
}

export interface LeaseReply extends Msg {
  type: 'lease-reply';
  requestId: number;
  epoch: number;
  granted: boolean;
  /** The highest epoch this voter has granted: a refused candidate retries above it. */
  promisedEpoch: number;
}

/** The holder gives its lease back early (after it has stopped acting): voters are free at once. */
export interface LeaseRelease extends Msg {
  type: 'lease-release';
  epoch: number;
}

/** Every message of the lease protocol. */
export type LeaseMessage = LeaseRequest | LeaseReply | LeaseRelease;
const VOTER_MESSAGES = messageKinds<LeaseRequest | LeaseRelease>('lease-request', 'lease-release');
const HOLDER_MESSAGES = messageKinds<LeaseReply>('lease-reply');

export interface LeaseVoterOptions {
  leaseDuration: Micros;
  safetyMargin: Micros;
  /** This boot follows a crash: earlier grants are forgotten, so grant nothing for a while. */
  recovering: boolean;
  /** A further condition for granting to a node that does not hold the lease now. */
  mayGrantNewHolder?(candidate: string, request: LeaseRequest): boolean;
  /** A lease was granted at a new epoch (the witness resets its bookkeeping). */
  onNewHolder?(holder: string, epoch: number): void;
  /**
   * This voter's outstanding grant is to its own node, which is not primary on it (a candidacy
   * under way or abandoned, or a lease it has already stepped down from): whether the node
   * gives that candidacy up for `candidate`'s higher-epoch request (and has stopped acquiring).
   * Called only past the post-restart quiet time, and `mayGrantNewHolder` still applies.
   */
  yieldsOwnCandidacy?(candidate: string, request: LeaseRequest): boolean;
}

const PROMISED_KEY = 'lease.promisedEpoch';

/** One vote: grants, renews or refuses leases. */
export class LeaseVoter {
  holder: string | undefined;
  holderEpoch = 0;
  /** Monotonic time the current grant expires (before the margin). */
  private expiresAt = -Infinity;
  private readonly quietUntil: Micros;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: LeaseVoterOptions,
  ) {
    const { leaseDuration, safetyMargin, recovering } = options;
    this.quietUntil = recovering ? ctx.monotonic() + leaseDuration + safetyMargin : -Infinity;
  }

  /** The highest epoch ever granted by this voter (durable). */
  get promisedEpoch(): number {
    return (this.ctx.disk.get(PROMISED_KEY) as number | undefined) ?? 0;
  }

  /** No grant is outstanding (expired plus the margin) and the post-restart quiet time is over. */
  free(): boolean {
    const now = this.ctx.monotonic();
    return now >= this.expiresAt + this.options.safetyMargin && now >= this.quietUntil;
  }

  /** Votes on `request` from `candidate` (this node itself included). */
  vote(candidate: string, request: LeaseRequest): boolean {
    const now = this.ctx.monotonic();
    const { epoch } = request;
    if (candidate === this.holder && epoch === this.holderEpoch) {
      this.expiresAt = now + this.options.leaseDuration; // renewal
      return true;
    }
    if (epoch <= this.promisedEpoch) return false;
    if (candidate !== this.holder && !this.free() && !this.yields(candidate, request)) return false;
    if (candidate !== this.holder && this.options.mayGrantNewHolder?.(candidate, request) === false) return false;
    const newHolder = candidate !== this.holder || epoch !== this.holderEpoch;
    this.holder = candidate;
    this.holderEpoch = epoch;
    this.expiresAt = now + this.options.leaseDuration;
    this.ctx.disk.put(PROMISED_KEY, epoch);
    if (newHolder) this.options.onNewHolder?.(candidate, epoch);
    return true;
  }

  /** Busy only with a grant to its own node, which gives that candidacy up for `candidate`. */
  private yields(candidate: string, request: LeaseRequest): boolean {
    if (this.holder !== this.ctx.id || this.ctx.monotonic() < this.quietUntil) return false;
    if (this.options.mayGrantNewHolder?.(candidate, request) === false) return false;
    return this.options.yieldsOwnCandidacy?.(candidate, request) === true;
  }

  /** The holder released its lease (it stopped acting first): the grant ends now. */
  released(holder: string, epoch: number): void {
    if (holder === this.holder && epoch === this.holderEpoch) this.expiresAt = -Infinity;
  }

  handle(from: string, msg: Msg): boolean {
    if (!VOTER_MESSAGES.has(msg)) return false;
    if (msg.type === 'lease-release') {
      this.released(from, msg.epoch);
      return true;
    }
    const request = msg;
    const granted = this.vote(from, request);
    const reply: LeaseReply = { type: 'lease-reply', requestId: request.requestId, epoch: request.epoch, granted, promisedEpoch: this.promisedEpoch };
    this.ctx.send(from, reply);
    return true;
  }
}

export interface LeaseHolderOptions {
  /** The other voters (this node's own vote is `selfVoter`). */
  voters: readonly string[];
  selfVoter: LeaseVoter;
  leaseDuration: Micros;
  renewInterval: Micros;
  safetyMargin: Micros;
  /** This node's log position, sent with every request. */
  logPosition(): { lastTerm: number; length: number };
  /** A voter granted (or renewed) the lease at `epoch`. */
  onGrant?(voter: string, epoch: number): void;
  /** A majority granted the lease at `epoch`; `grantedBy` names the other voters in it. */
  onAcquired(epoch: number, grantedBy: readonly string[]): void;
  /** The lease ran out (it could not be renewed): stop acting as primary now. */
  onLost(): void;
}

/** Acquires, renews and gives up the lease. */
export class LeaseHolder {
  state: 'idle' | 'acquiring' | 'holding' = 'idle';
  epoch = 0;
  /** Per other voter: monotonic time until which its grant counts for this holder. */
  private readonly grantValidUntil = new Map<string, Micros>();
  private readonly sent = new Map<number, { voter: string; sentAt: Micros; epoch: number }>();
  private highestSeenEpoch = 0;
  private nextRequestId = 1;
  private checkTimer: TimerHandle | undefined;
  private renewTimer: TimerHandle | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: LeaseHolderOptions,
  ) {}

  /** Grants needed from the other voters: a majority of all voters, minus this node's own. */
  private get othersNeeded(): number {
    return Math.floor((this.options.voters.length + 1) / 2);
  }

  /** Whether this node holds the lease right now (checked at every ack and exchange send). */
  valid(): boolean {
    return this.state === 'holding' && this.ctx.monotonic() < this.expiry();
  }

  /** Tries to take the lease at a new epoch; the answer comes through `onAcquired`. */
  acquire(): void {
    if (this.state !== 'idle') return;
    const epoch = Math.max(this.highestSeenEpoch, this.options.selfVoter.promisedEpoch) + 1;
    const request = this.request(epoch);
    if (!this.options.selfVoter.vote(this.ctx.id, request)) return;
    this.state = 'acquiring';
    this.epoch = epoch;
    this.grantValidUntil.clear();
    this.broadcast(epoch);
    // an acquisition that gathers no majority within one renewal interval is abandoned
    this.ctx.cancelTimer(this.checkTimer);
    this.checkTimer = this.ctx.setTimer(this.options.renewInterval, 'lease-check');
  }

  /** Whether this node is primary on its lease (holding it, not merely asking for it). */
  get holding(): boolean {
    return this.state === 'holding';
  }

  /**
   * An epoch seen in another candidate's request: the next acquisition starts above it, as a
   * Raft node adopts the higher term of a RequestVote it refuses. Otherwise a candidate with the
   * better log, learning the others' epochs only from replies, always asks one epoch too low
   * while a stale candidate keeps raising its own, and neither ever wins.
   */
  observeEpoch(epoch: number): void {
    this.highestSeenEpoch = Math.max(this.highestSeenEpoch, epoch);
  }

  /** Gives up an acquisition under way (another candidate has the better claim); no-op otherwise. */
  abandon(): void {
    if (this.state !== 'acquiring') return;
    this.state = 'idle';
    this.ctx.cancelTimer(this.checkTimer);
    this.checkTimer = undefined;
  }

  /**
   * Gives the lease up at once (e.g. on seeing a newer primary). `onLost` runs first, so the
   * node has stopped acting before, with `tellVoters`, the voters are told they are free.
   */
  release(tellVoters = false): void {
    const wasHolding = this.state === 'holding';
    this.state = 'idle';
    this.ctx.cancelTimer(this.checkTimer);
    this.ctx.cancelTimer(this.renewTimer);
    this.checkTimer = this.renewTimer = undefined;
    if (wasHolding) this.options.onLost();
    if (wasHolding && tellVoters) {
      const msg: LeaseRelease = { type: 'lease-release', epoch: this.epoch };
      this.options.selfVoter.released(this.ctx.id, this.epoch);
      for (const voter of this.options.voters) this.ctx.send(voter, msg);
    }
  }

  handle(from: string, msg: Msg): boolean {
    if (!HOLDER_MESSAGES.has(msg)) return false;
    const reply = msg;
    this.highestSeenEpoch = Math.max(this.highestSeenEpoch, reply.promisedEpoch);
    const sent = this.sent.get(reply.requestId);
    this.sent.delete(reply.requestId);
    if (!sent || !reply.granted || sent.epoch !== this.epoch || this.state === 'idle') return true;
    const until = sent.sentAt + this.options.leaseDuration - this.options.safetyMargin;
    this.grantValidUntil.set(from, Math.max(until, this.grantValidUntil.get(from) ?? -Infinity));
    this.options.onGrant?.(from, this.epoch);
    if (this.state === 'acquiring' && this.grantsValid() >= this.othersNeeded) {
      this.state = 'holding';
      this.scheduleCheck();
      this.renewTimer = this.ctx.setTimer(this.options.renewInterval, 'lease-renew');
      const now = this.ctx.monotonic();
      const grantedBy = [...this.grantValidUntil].filter(([, t]) => t > now).map(([voter]) => voter);
      this.options.onAcquired(this.epoch, grantedBy);
    } else if (this.state === 'holding') {
      this.scheduleCheck();
    }
    return true;
  }

  onTimer(kind: string): boolean {
    if (kind === 'lease-renew') {
      if (this.state !== 'holding') return true;
      this.options.selfVoter.vote(this.ctx.id, this.request(this.epoch));
      this.broadcast(this.epoch);
      this.renewTimer = this.ctx.setTimer(this.options.renewInterval, 'lease-renew');
      return true;
    }
    if (kind === 'lease-check') {
      this.checkTimer = undefined;
      if (this.state === 'acquiring') this.state = 'idle';
      else if (this.state === 'holding' && !this.valid()) this.release();
      else if (this.state === 'holding') this.scheduleCheck();
      return true;
    }
    return false;
  }

  /** When the lease ends unless renewed: the `othersNeeded`-th latest grant of another voter. */
  private expiry(): Micros {
    const ends = [...this.grantValidUntil.values()].sort((x, y) => y - x);
    return ends[this.othersNeeded - 1] ?? -Infinity;
  }

  private grantsValid(): number {
    const now = this.ctx.monotonic();
    let n = 0;
    for (const t of this.grantValidUntil.values()) if (t > now) n++;
    return n;
  }

  /** One timer at the lease's end: the step-down happens there unless a renewal moved it. */
  private scheduleCheck(): void {
    this.ctx.cancelTimer(this.checkTimer);
    this.checkTimer = this.ctx.setTimer(Math.max(0, this.expiry() - this.ctx.monotonic()), 'lease-check');
  }

  private request(epoch: number): LeaseRequest {
    const { lastTerm, length } = this.options.logPosition();
    return { type: 'lease-request', requestId: this.nextRequestId++, epoch, lastTerm, length };
  }

  private broadcast(epoch: number): void {
    const sentAt = this.ctx.monotonic();
    for (const voter of this.options.voters) {
      const request = this.request(epoch);
      this.sent.set(request.requestId, { voter, sentAt, epoch });
      this.ctx.send(voter, request);
    }
    if (this.sent.size > 1000) this.forgetOldRequests(sentAt);
  }

  /** Requests never answered (lost in a partition) would pile up: drop those older than a lease. */
  private forgetOldRequests(now: Micros): void {
    for (const [id, s] of this.sent) if (now - s.sentAt > this.options.leaseDuration) this.sent.delete(id);
  }
}
