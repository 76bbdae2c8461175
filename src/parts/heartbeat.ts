/**
 * Heartbeat failure detection between peers, on its own `heartbeat` thread. Two detectors:
 *
 * - `PingMonitor`: the HA document's `monitorPeer` loop. Send one ping, wait up to
 *   `answerTimeout` for its answer, report the verdict (with the count of consecutive
 *   misses), sleep `interval`, repeat. The design decides how many misses condemn the peer;
 *   the document's code acts on the first.
 *
 *       ping --answer?--> verdict --sleep interval--> ping ...
 *
 * - `SilenceDetector`: every node beats to its peers every `beatInterval` (optionally with a
 *   payload, e.g. its role); a peer is lost once nothing has been heard from it for `timeout`
 *   (corosync's token timeout) and found again at its next beat.
 *
 * Both answer pings and beats on the `heartbeat` thread (see `heartbeatThreadOf`): a deadlock
 * that stops the order thread leaves them beating, so the peer keeps seeing a healthy node
 * that serves nothing. That is the classic gray failure, and it is deliberate: the document's
 * heartbeat thread is a separate `std::thread`. Times are read from the monotonic clock, so a
 * clock jump neither condemns nor revives a peer.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';

export const HEARTBEAT_THREAD = 'heartbeat';

/** Message and timer kinds handled on the heartbeat thread. */
export const HEARTBEAT_KINDS: ReadonlySet<string> = new Set(['hb-ping', 'hb-answer', 'hb-next', 'hb-timeout', 'hb-beat', 'hb-send', 'hb-tick']);

/** `Actor.threadOf` for designs whose only extra thread is the heartbeat. */
export function heartbeatThreadOf(kind: string): string {
  return HEARTBEAT_KINDS.has(kind) ? HEARTBEAT_THREAD : 'main';
}

/** Answers a peer's ping (any node that can be monitored does this). */
export function answerPing(ctx: NodeContext, from: string, msg: Msg): boolean {
  if (msg.type !== 'hb-ping') return false;
  ctx.send(from, { type: 'hb-answer', seq: msg.seq });
  return true;
}

export interface PingMonitorOptions {
  peer: string;
  /** Sleep between the end of one check (answer or timeout) and the next ping. */
  interval: Micros;
  /** How long one ping waits for its answer. */
  answerTimeout: Micros;
  /** Called after every check, answered or not, with the count of consecutive misses. */
  onVerdict(answered: boolean, consecutiveMisses: number): void;
}

/** The synchronous ping-and-wait loop of the document's `monitorPeer`. */
export class PingMonitor {
  private seq = 0;
  private awaiting: number | undefined;
  private timeout: TimerHandle | undefined;
  private misses = 0;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: PingMonitorOptions,
  ) {}

  /** Starts the loop with a ping now. */
  start(): void {
    this.stopped = false;
    this.ping();
  }

  stop(): void {
    this.stopped = true;
    this.ctx.cancelTimer(this.timeout);
    this.awaiting = undefined;
  }

  /** Handles `hb-answer` messages and the loop's timers; false for anything else. */
  handle(from: string, msg: Msg): boolean {
    if (msg.type !== 'hb-answer') return false;
    if (from === this.options.peer && msg.seq === this.awaiting) this.verdict(true);
    return true;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'hb-timeout') {
      if (data === this.awaiting) this.verdict(false);
      return true;
    }
    if (kind === 'hb-next') {
      if (!this.stopped) this.ping();
      return true;
    }
    return false;
  }

  private ping(): void {
    const seq = ++this.seq;
    this.awaiting = seq;
    this.ctx.send(this.options.peer, { type: 'hb-ping', seq });
    this.timeout = this.ctx.setTimer(this.options.answerTimeout, 'hb-timeout', seq);
  }

  private verdict(answered: boolean): void {
    this.awaiting = undefined;
    this.ctx.cancelTimer(this.timeout);
    this.misses = answered ? 0 : this.misses + 1;
    this.options.onVerdict(answered, this.misses);
    if (!this.stopped) this.ctx.setTimer(this.options.interval, 'hb-next');
  }
}

export interface SilenceDetectorOptions {
  peers: readonly string[];
  /** How often this node beats to each peer. */
  beatInterval: Micros;
  /** Silence after which a peer is lost. */
  timeout: Micros;
  /**
   * The loss timer restarts only once per this period, on the grid it set when first armed,
   * however often beats come (0 or absent: every beat restarts it). Corosync's token timer
   * restarts when the token comes round, once per rotation, while Pacemaker's state moves at
   * once: beats stand for both (see corosync-membership.ts).
   */
  rearmEvery?: Micros;
  /** What each beat carries (e.g. the sender's role and log position). */
  payload?: () => Record<string, unknown>;
  /** A beat arrived (with its payload); `wasLost` when the peer had been lost or never heard. */
  onHeard?(peer: string, payload: Record<string, unknown>, wasLost: boolean): void;
  /** Nothing heard from `peer` for `timeout`. */
  onLost(peer: string): void;
}

/** Beats both ways; a peer silent for `timeout` is lost. */
export class SilenceDetector {
  /** Absent: not heard since start. */
  private readonly state = new Map<string, 'alive' | 'lost'>();
  private readonly checks = new Map<string, TimerHandle>();
  /** When each peer's loss timer was last (notionally) restarted, for `rearmEvery`. */
  private readonly armedAt = new Map<string, Micros>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: SilenceDetectorOptions,
  ) {}

  /**
   * Starts beating, the first beat after `firstBeatDelay` (nodes that boot together do not
   * beat in lockstep); a peer not heard within `timeout` from now is lost.
   */
  start(firstBeatDelay: Micros = 0): void {
    if (firstBeatDelay > 0) this.ctx.setTimer(firstBeatDelay, 'hb-send');
    else this.beat();
    for (const peer of this.options.peers) this.armCheck(peer);
  }

  /** Whether `peer` has been heard within the timeout. */
  alive(peer: string): boolean {
    return this.state.get(peer) === 'alive';
  }

  handle(from: string, msg: Msg): boolean {
    if (msg.type !== 'hb-beat') return false;
    if (!this.options.peers.includes(from)) return true;
    const wasLost = this.state.get(from) !== 'alive';
    this.state.set(from, 'alive');
    // a peer found again restarts the timer at once; a live one on the rotation's grid
    this.armCheck(from, !wasLost);
    this.options.onHeard?.(from, (msg.payload ?? {}) as Record<string, unknown>, wasLost);
    return true;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'hb-send') {
      this.beat();
      return true;
    }
    if (kind === 'hb-tick') {
      const peer = data as string;
      this.checks.delete(peer);
      if (this.state.get(peer) !== 'lost') {
        this.state.set(peer, 'lost');
        this.options.onLost(peer);
      }
      return true;
    }
    return false;
  }

  private beat(): void {
    const payload = this.options.payload?.() ?? {};
    for (const peer of this.options.peers) this.ctx.send(peer, { type: 'hb-beat', payload });
    this.ctx.setTimer(this.options.beatInterval, 'hb-send');
  }

  /** One silence timer per peer, pushed back at every beat heard. */
  private armCheck(peer: string, beat = false): void {
    const now = this.ctx.monotonic();
    let armAt = now;
    const every = this.options.rearmEvery ?? 0;
    const last = this.armedAt.get(peer);
    if (beat && every > 0 && last !== undefined) {
      // the last restart on the rotation grid at or before now (none yet: keep the timer)
      const periods = Math.floor((now - last) / every);
      if (periods === 0) return;
      armAt = last + periods * every;
    }
    this.armedAt.set(peer, armAt);
    this.ctx.cancelTimer(this.checks.get(peer));
    this.checks.set(peer, this.ctx.setTimer(armAt + this.options.timeout - now, 'hb-tick', peer));
  }
}
