/**
 * The message log: every network message of a run with when it was sent and when (if ever) it
 * arrived, for the Lamport message diagram of the HTML report. It is off unless a run asks for
 * it (`simulate({ recordMessages: true })`); then the network appends one entry per message
 * into growable typed columns (about 24 bytes a message), so a 10-minute run of a 5-node
 * design stays in tens of megabytes. Recording never draws randomness or schedules events, so
 * it cannot change a run.
 *
 *   sent ──────────────► received        (delivered: `receivedAt >= sentAt`)
 *   sent ──────X                         (dropped when sent: cut link, loss)
 *   sent ──────────X lostAt              (lost in flight: the path went down meanwhile)
 */
import type { Micros } from '../sim/time.ts';

/** What became of a message. */
export const MessageFate = {
  Delivered: 0,
  /** Dropped when sent: the path was down, or the link lost it. */
  Dropped: 1,
  /** Lost in flight: the path went down before it arrived (`endAt` is when). */
  LostInFlight: 2,
} as const;
export type MessageFate = (typeof MessageFate)[keyof typeof MessageFate];

/** One message, as `MessageLog.entry` returns it. */
export interface LoggedMessage {
  sentAt: Micros;
  /** Arrival (delivered), the drop instant (= sentAt), or when it was lost in flight. */
  endAt: Micros;
  from: string;
  to: string;
  type: string;
  fate: MessageFate;
}

export class MessageLog {
  /** Endpoint ids and message types, in first-seen order (entries refer to them by index). */
  readonly endpoints: string[] = [];
  readonly types: string[] = [];
  private readonly endpointIndex = new Map<string, number>();
  private readonly typeIndex = new Map<string, number>();
  private sentAt = new Float64Array(4096);
  private endAt = new Float64Array(4096);
  /** from (16 bits) | to (16 bits) of each entry. */
  private route = new Uint32Array(4096);
  /** type index << 2 | fate. */
  private kind = new Uint32Array(4096);
  /** Entries recorded. Entries are in the order they ended (arrival or drop), not by send time. */
  length = 0;

  record(sentAt: Micros, endAt: Micros, from: string, to: string, type: string, fate: MessageFate): void {
    if (this.length === this.sentAt.length) this.grow();
    const i = this.length++;
    this.sentAt[i] = sentAt;
    this.endAt[i] = endAt;
    this.route[i] = (intern(this.endpointIndex, this.endpoints, from) << 16) | intern(this.endpointIndex, this.endpoints, to);
    this.kind[i] = (intern(this.typeIndex, this.types, type) << 2) | fate;
  }

  /** Moves every time by `-by` (a finished run's times count from the end of boot). */
  shift(by: Micros): void {
    for (let i = 0; i < this.length; i++) {
      this.sentAt[i] -= by;
      this.endAt[i] -= by;
    }
  }

  entry(i: number): LoggedMessage {
    const route = this.route[i];
    const kind = this.kind[i];
    return { sentAt: this.sentAt[i], endAt: this.endAt[i], from: this.endpoints[route >>> 16], to: this.endpoints[route & 0xffff], type: this.types[kind >>> 2], fate: (kind & 3) as MessageFate };
  }

  /** Indices of the entries whose [sentAt, endAt] meets [from, to], in send order (ties: log order). */
  between(from: Micros, to: Micros): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.sentAt[i] <= to && this.endAt[i] >= from) out.push(i);
    return out.sort((a, b) => this.sentAt[a] - this.sentAt[b] || a - b);
  }

  /** How many entries meet [from, to], without building the list. */
  countBetween(from: Micros, to: Micros): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (this.sentAt[i] <= to && this.endAt[i] >= from) n++;
    return n;
  }

  private grow(): void {
    const size = this.sentAt.length * 2;
    const widen = <T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.sentAt = widen(this.sentAt, (n) => new Float64Array(n));
    this.endAt = widen(this.endAt, (n) => new Float64Array(n));
    this.route = widen(this.route, (n) => new Uint32Array(n));
    this.kind = widen(this.kind, (n) => new Uint32Array(n));
  }
}

function intern(index: Map<string, number>, names: string[], name: string): number {
  let n = index.get(name);
  if (n === undefined) {
    n = names.length;
    index.set(name, n);
    names.push(name);
  }
  return n;
}
