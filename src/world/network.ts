/**
 * The network: endpoints (nodes, clients, the exchange, the power controller) attached through
 * a NIC to an access switch in a datacenter. A message from a to b crosses
 *
 *     NIC(a) -> switch(a) -> [core / inter-DC link] -> switch(b) -> NIC(b)
 *
 * and is lost if any hop is down or if the ordered pair a->b is cut (partitions may be one-way).
 * Random loss (`loss` faults) treats the two transports differently: a datagram (VRRP adverts,
 * corosync, ARP: the design's `datagramMessages`) is simply lost; a TCP segment is retransmitted
 * after Linux's RTO (200 ms, doubling) and arrives late but in order, holding back the messages
 * behind it (head-of-line blocking), unless the kernel gives up (tcp_retries2). Latency is drawn
 * per message from the link's distribution plus any added delay; links are FIFO, so a message
 * never overtakes an earlier one on the same link. A cut link still drops what is sent on it:
 * the applications' own timeouts close such connections long before TCP would give up.
 *
 * Fault state is kept as counters, so overlapping faults compose and each heals its own part.
 */
import type { Sampler } from '../sim/distributions.ts';
import type { Rng } from '../sim/rng.ts';
import type { SimEvent, Simulator } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';
import type { Msg } from './actor.ts';
import { MessageFate, type MessageLog } from './message-log.ts';
import { TRACE_DELIVER, TRACE_DROP, TRACE_RESET, TRACE_RETRANSMIT } from '../sim/trace-codes.ts';

const TCP_RTO_MIN: Micros = 200_000;
const TCP_RTO_MAX: Micros = 120_000_000;
const TCP_RETRIES2 = 15;

export interface Endpoint {
  readonly id: string;
  /** `copy`: this delivery is a second copy made by a `duplicate` fault. */
  receive(from: string, msg: Msg, copy?: boolean): void;
  /**
   * The kernel of `from` reset a TCP connection: `about` is the message it refused (nothing
   * listens there), undefined when `from`'s process died with the connection open. `process`
   * names which of `from`'s processes, when its host runs several (undefined: all of them).
   */
  reset?(from: string, about: Msg | undefined, process?: string): void;
  /**
   * Whether the endpoint runs several processes that die separately: the network then keeps,
   * per link, which message types its TCP connections carried, so that the death of one
   * process resets only the connections of that process (`resetConnectionsOf` with `owns`).
   */
  readonly severalProcesses?: boolean;
}

interface Attachment {
  endpoint: Endpoint;
  index: number;
  switchId: string;
  dc: string;
}

/**
 * An endpoint's attachment, as its owner holds it to send without looking itself up by name
 * (`Network.port`, `Network.sendFrom`): a node sends from its port on every message.
 */
export type Port = Readonly<Attachment>;

/** A time-limited impairment on one endpoint's traffic (both directions). */
export interface Impairment {
  endpoint: string;
  extraLatency?: Sampler;
  lossProbability?: number;
  duplicateProbability?: number;
}

/**
 * A message in flight: its own heap event (`run` delivers it, `arg` is the packet itself). Kept
 * small, since one is allocated per message: what only a TCP packet held in its link's in-flight
 * queue needs (`Flight`) hangs off it, and only such packets have it.
 */
interface Packet extends SimEvent {
  a: Attachment;
  b: Attachment;
  msg: Msg;
  typeId: number;
  sentAt: Micros;
  /** A second copy made by a `duplicate` fault. */
  copy: boolean;
  /** Set when the packet joined its link's in-flight queue (`Network.inFlight`). */
  flight: Flight | undefined;
}

/** What redrawing a packet's retransmissions needs (`Network.redrawRetransmissions`). */
interface Flight {
  /** a.index * n + b.index. */
  link: number;
  /** When it would arrive on its own: its send time, retransmissions and latency (no queueing). */
  natural: Micros;
  /** The link's latest delivery before it was sent: it never overtakes those (in-order delivery). */
  floor: Micros;
  /** Offsets from sentAt of its TCP retransmissions, the last one the one that got through. */
  retransmits: number[] | undefined;
}

/** What the network knows of a message type (see `Network.typeInfo`). */
interface MessageType {
  /** Its trace id (Trace.id). */
  id: number;
  datagram: boolean;
}

export class Network {
  private readonly byId = new Map<string, Attachment>();
  private readonly attachments: Attachment[] = [];
  private nicDownCount: number[] = [];
  private readonly switchDownCount = new Map<string, number>();
  /** cutCount[from * n + to] > 0: messages from -> to are dropped. */
  private cutCount = new Int32Array(0);
  private lastDeliveryAt = new Float64Array(0);
  /** tcpLink[from * n + to] = 1 once a TCP message went that way: a connection the kernel can reset. */
  private tcpLink = new Uint8Array(0);
  /** Per link touching an endpoint with several processes: the TCP message types it carried. */
  private readonly tcpTypes = new Map<number, Set<string>>();
  /** Whether any endpoint runs several processes (else `tcpTypes` stays empty). */
  private severalProcesses = false;
  /** Message types sent as datagrams (VRRP adverts, corosync, gratuitous ARP): no connection, no reset. */
  private readonly datagrams: ReadonlySet<string>;
  /**
   * Per message type seen so far: its trace id and whether it is a datagram, so a send looks
   * the type up once rather than once in the trace's interning and three times in `datagrams`.
   * Filled on a type's first send, the moment the trace would intern it anyway (so ids and
   * hashes are those of an uncached lookup).
   */
  private readonly typeInfo = new Map<string, MessageType>();
  private impairments: Impairment[] = [];
  /**
   * Delivered packets, to be reused by the next sends: a packet is one heap event per message,
   * and nothing holds it once it is delivered (its endpoint gets the message, not the packet),
   * unless it joined its link's in-flight queue, and those are not reused. Reusing them keeps
   * the young generation's garbage per message to the design's own message object: the mesh
   * runs ~15 % faster (hash-neutral: a reused packet gets a new seq like a new one).
   */
  private readonly freePackets: Packet[] = [];
  /**
   * TCP packets in flight per link, in send order, kept while a loss impairment may have delayed
   * one: when the impairment ends, retransmissions it would have lost are drawn again
   * (`redrawRetransmissions`), and the packets queued behind them move up.
   */
  private readonly inFlight = new Map<number, Packet[]>();
  private readonly rng: Rng;
  messagesSent = 0;
  messagesDropped = 0;
  /** Set to log every message with its send and arrival times (the HTML report's message diagram). */
  messageLog: MessageLog | undefined;

  constructor(
    private readonly sim: Simulator,
    /** One-way latency within a datacenter. */
    private readonly localLatency: Sampler,
    /** Extra one-way latency between two datacenters (µs), keyed `dcA>dcB`. */
    private readonly interDcLatency: Record<string, Micros>,
    datagramMessages: readonly string[] = [],
  ) {
    this.rng = sim.rng('net');
    this.datagrams = new Set(['garp', ...datagramMessages]);
  }

  /** Whether messages of `type` are datagrams (lost outright, never reset) rather than TCP. */
  isDatagram(type: string): boolean {
    return this.datagrams.has(type);
  }

  attach(endpoint: Endpoint, switchId: string, dc: string): void {
    if (this.byId.has(endpoint.id)) throw new Error(`endpoint ${endpoint.id} attached twice`);
    const a: Attachment = { endpoint, index: this.attachments.length, switchId, dc };
    if (endpoint.severalProcesses) this.severalProcesses = true;
    this.byId.set(endpoint.id, a);
    this.attachments.push(a);
    this.nicDownCount.push(0);
    const n = this.attachments.length;
    this.cutCount = new Int32Array(n * n);
    this.lastDeliveryAt = new Float64Array(n * n);
    this.tcpLink = new Uint8Array(n * n);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  endpointIds(): string[] {
    return this.attachments.map((a) => a.endpoint.id);
  }

  switchOf(id: string): string {
    return this.get(id).switchId;
  }

  dcOf(id: string): string {
    return this.get(id).dc;
  }

  /** Whether a message sent now from `from` to `to` would get through (ignoring random loss). */
  connected(from: string, to: string): boolean {
    const a = this.get(from);
    const b = this.get(to);
    return this.pathUp(a, b);
  }

  /** The attachment of endpoint `id`, for `sendFrom`. */
  port(id: string): Port {
    return this.get(id);
  }

  send(from: string, to: string, msg: Msg): void {
    this.sendFrom(this.get(from), to, msg);
  }

  /** Sends `msg` from the endpoint attached at `port` (as `send`, one lookup fewer). */
  sendFrom(port: Port, to: string, msg: Msg): void {
    const a = port as Attachment;
    const b = this.byId.get(to);
    if (b === undefined) throw new Error(`send from ${a.endpoint.id} to unknown endpoint ${to}`);
    this.messagesSent++;
    const type = this.typeOf(msg.type);
    // the common case, kept small: no impairment in force (so no random draw) and the path up
    if (this.impairments.length === 0 && this.pathUp(a, b)) this.schedule(a, b, msg, type, false, undefined);
    else this.sendImpaired(a, b, msg, type);
  }

  /** A send with an impairment in force or the path down: random loss, retransmission, duplicates, drops. */
  private sendImpaired(a: Attachment, b: Attachment, msg: Msg, type: MessageType): void {
    const from = a.endpoint.id;
    const to = b.endpoint.id;
    const trace = this.sim.trace;
    const typeId = type.id;
    // random loss: a datagram is gone; a TCP segment is retransmitted (later, still in order)
    let retransmitDelay = 0;
    let retransmits: number[] | undefined;
    let lostDatagram = false;
    const up = this.pathUp(a, b);
    if (up && this.impairments.length && this.lost(from, to)) {
      if (type.datagram) lostDatagram = true;
      else {
        retransmits = this.retransmissionSchedule(from, to);
        retransmitDelay = retransmits === undefined ? -1 : retransmits[retransmits.length - 1];
        if (retransmitDelay > 0) {
          trace.add(this.sim.now, TRACE_RETRANSMIT, a.index, b.index, typeId);
          if (trace.recording) trace.line(this.sim.now, `retransmit ${from}->${to} ${msg.type} +${retransmitDelay}us`);
        }
      }
    }
    if (!up || lostDatagram || retransmitDelay < 0) {
      this.messagesDropped++;
      trace.add(this.sim.now, TRACE_DROP, a.index, b.index, typeId);
      if (trace.recording) trace.line(this.sim.now, `drop ${from}->${to} ${msg.type}`);
      this.messageLog?.record(this.sim.now, this.sim.now, from, to, msg.type, MessageFate.Dropped);
      return;
    }
    this.schedule(a, b, msg, type, false, retransmits);
    if (this.impairments.length !== 0 && this.duplicated(from, to)) this.schedule(a, b, msg, type, true, retransmits);
  }

  private typeOf(name: string): MessageType {
    let type = this.typeInfo.get(name);
    if (type === undefined) {
      type = { id: this.sim.trace.id(name), datagram: this.datagrams.has(name) };
      this.typeInfo.set(name, type);
    }
    return type;
  }

  /**
   * How long TCP takes to get a lost segment through: Linux retransmits after the RTO, at least
   * TCP_RTO_MIN = 200 ms on a LAN (include/net/tcp.h), doubling after each lost retransmission
   * up to TCP_RTO_MAX = 120 s; after tcp_retries2 = 15 retransmissions the kernel gives up and
   * the connection breaks (-1: the segment is dropped). Fast retransmit on duplicate ACKs, which
   * can beat the RTO under steady traffic, is left out: the delay is an upper bound of reality.
   * Returns the offset of every retransmission from the first send, the last one the one that
   * got through, or undefined if the kernel gave up. Each retransmission is drawn against the
   * impairments in force now; those that fall after an impairment ends are drawn again then
   * (`redrawRetransmissions`): a retransmission after the loss is over gets through.
   */
  private retransmissionSchedule(from: string, to: string, offsets: number[] = [TCP_RTO_MIN]): number[] | undefined {
    let rto = Math.min(TCP_RTO_MIN * 2 ** (offsets.length - 1), TCP_RTO_MAX);
    while (this.lost(from, to)) {
      if (offsets.length >= TCP_RETRIES2) return undefined;
      rto = Math.min(2 * rto, TCP_RTO_MAX);
      offsets.push(offsets[offsets.length - 1] + rto);
    }
    return offsets;
  }

  /**
   * A loss impairment on `endpoint` ended: every retransmission of a packet in flight to or from
   * it that falls after now was drawn against that loss, so it is drawn again against what
   * remains, and the packets behind it on its link (held back for in-order delivery) move up.
   */
  private redrawRetransmissions(endpoint: string): void {
    const now = this.sim.now;
    for (const [link, queue] of this.inFlight) {
      const first = queue[0];
      if (first.a.endpoint.id !== endpoint && first.b.endpoint.id !== endpoint) continue;
      let previous = first.flight!.floor;
      for (let i = 0; i < queue.length; i++) {
        let p = queue[i];
        const flight = p.flight!;
        const offsets = flight.retransmits;
        if (offsets && p.sentAt + offsets[offsets.length - 1] > now) {
          const next = offsets.findIndex((offset) => p.sentAt + offset > now);
          const redrawn = this.retransmissionSchedule(p.a.endpoint.id, p.b.endpoint.id, offsets.slice(0, next + 1));
          if (redrawn) {
            flight.natural += redrawn[redrawn.length - 1] - offsets[offsets.length - 1];
            flight.retransmits = redrawn;
          }
        }
        const at = Math.max(flight.natural, previous);
        if (at !== p.time) {
          p.cancelled = true;
          p = { ...p, time: at, seq: 0, cancelled: false };
          p.arg = p;
          this.sim.schedule(p);
          queue[i] = p;
        }
        previous = p.time;
      }
      this.lastDeliveryAt[link] = previous;
    }
  }

  private leaveFlight(p: Packet): void {
    const link = p.flight?.link;
    if (link === undefined) return; // it never joined a queue
    const queue = this.inFlight.get(link);
    if (!queue) return;
    const i = queue.indexOf(p);
    if (i >= 0) queue.splice(i, 1);
    if (!queue.length) this.inFlight.delete(link);
  }

  private schedule(a: Attachment, b: Attachment, msg: Msg, type: MessageType, copy: boolean, retransmits: number[] | undefined): void {
    const sim = this.sim;
    const now = sim.now;
    let latency = this.localLatency(this.rng);
    if (retransmits !== undefined) latency += retransmits[retransmits.length - 1];
    if (a.dc !== b.dc) latency += this.interDc(a, b);
    if (this.impairments.length !== 0) latency += this.extraLatency(a.endpoint.id, b.endpoint.id);
    const link = a.index * this.attachments.length + b.index;
    // TCP delivers in order, so a segment waits behind one being retransmitted; a datagram
    // (a VRRP advert, a corosync packet) is its own flow: nothing holds it back, and it holds
    // back nothing (calibration/fixtures/keepalived--advert-loss-50.jsonl)
    const datagram = type.datagram;
    if (!datagram) {
      this.tcpLink[link] = 1;
      if (this.severalProcesses) this.noteTcpType(a, b, link, msg.type);
    }
    const natural = now + Math.max(1, Math.round(latency));
    const floor = datagram ? 0 : this.lastDeliveryAt[link];
    const at = natural > floor ? natural : floor;
    if (!datagram) this.lastDeliveryAt[link] = at;
    // a delivered packet, reused (`freePackets`), or a new one
    let packet = this.freePackets.pop();
    if (packet === undefined) {
      packet = { time: at, seq: 0, cancelled: false, run: this.deliver, arg: undefined, a, b, msg, typeId: type.id, sentAt: now, copy, flight: undefined };
      packet.arg = packet;
    } else {
      packet.time = at;
      packet.a = a;
      packet.b = b;
      packet.msg = msg;
      packet.typeId = type.id;
      packet.sentAt = now;
      packet.copy = copy;
    }
    sim.schedule(packet);
    // a TCP packet joins its link's in-flight queue when it has one (or is itself retransmitted)
    if ((retransmits !== undefined || this.inFlight.size !== 0) && !datagram) {
      const queue = this.inFlight.get(link);
      if (queue || retransmits) {
        packet.flight = { link, natural, floor, retransmits: retransmits && retransmits.slice() };
        if (queue) queue.push(packet);
        else this.inFlight.set(link, [packet]);
      }
    }
  }

  /** Extra one-way latency between the datacenters of `a` and `b`. */
  private interDc(a: Attachment, b: Attachment): Micros {
    return this.interDcLatency[`${a.dc}>${b.dc}`] ?? this.interDcLatency[`${b.dc}>${a.dc}`] ?? 0;
  }

  /** Notes that a TCP message of `type` went over `link`, when one of its ends runs several processes. */
  private noteTcpType(a: Attachment, b: Attachment, link: number, type: string): void {
    if (!a.endpoint.severalProcesses && !b.endpoint.severalProcesses) return;
    const types = this.tcpTypes.get(link);
    if (types) types.add(type);
    else this.tcpTypes.set(link, new Set([type]));
  }

  private readonly deliver = (p: Packet): void => {
    if (this.inFlight.size !== 0) this.leaveFlight(p);
    // a link that went down while the message was in flight loses it
    if (!this.pathUp(p.a, p.b)) {
      this.lostInFlight(p);
      return;
    }
    const sim = this.sim;
    const trace = sim.trace;
    trace.add(sim.now, TRACE_DELIVER, p.a.index, p.b.index, p.typeId);
    if (trace.lines !== undefined) trace.line(sim.now, `recv ${p.a.endpoint.id}->${p.b.endpoint.id} ${p.msg.type}`);
    if (this.messageLog !== undefined) this.messageLog.record(p.sentAt, sim.now, p.a.endpoint.id, p.b.endpoint.id, p.msg.type, MessageFate.Delivered);
    // freed before the endpoint runs, so that its own sends can reuse it at once
    const msg = p.msg;
    const from = p.a.endpoint.id;
    const to = p.b.endpoint;
    const copy = p.copy;
    if (p.flight === undefined) {
      p.msg = undefined as unknown as Msg;
      this.freePackets.push(p);
    }
    to.receive(from, msg, copy);
  };

  private lostInFlight(p: Packet): void {
    this.messagesDropped++;
    this.messageLog?.record(p.sentAt, this.sim.now, p.a.endpoint.id, p.b.endpoint.id, p.msg.type, MessageFate.LostInFlight);
  }

  private pathUp(a: Attachment, b: Attachment): boolean {
    if (this.nicDownCount[a.index] !== 0 || this.nicDownCount[b.index] !== 0) return false;
    if (this.cutCount[a.index * this.attachments.length + b.index] !== 0) return false;
    if (this.switchDownCount.size !== 0 && (this.switchDownCount.get(a.switchId) || this.switchDownCount.get(b.switchId))) return false;
    return true;
  }

  private lost(from: string, to: string): boolean {
    if (!this.impairments.length) return false;
    for (const imp of this.impairments) {
      if (imp.lossProbability && (imp.endpoint === from || imp.endpoint === to) && this.rng.chance(imp.lossProbability)) return true;
    }
    return false;
  }

  private duplicated(from: string, to: string): boolean {
    for (const imp of this.impairments) {
      if (imp.duplicateProbability && (imp.endpoint === from || imp.endpoint === to) && this.rng.chance(imp.duplicateProbability)) return true;
    }
    return false;
  }

  private extraLatency(from: string, to: string): number {
    let extra = 0;
    for (const imp of this.impairments) {
      if (imp.extraLatency && (imp.endpoint === from || imp.endpoint === to)) extra += imp.extraLatency(this.rng);
    }
    return extra;
  }

  /**
   * Whether the endpoint's NIC has carrier: its own NIC works and its access switch is up (a
   * dead switch port drops the link). What the host's kernel reports as the interface's
   * link state (`ip link`: LOWER_UP), which keepalived's interface tracking watches.
   */
  carrier(id: string): boolean {
    const at = this.get(id);
    return !this.nicDownCount[at.index] && !this.switchDownCount.get(at.switchId);
  }

  // --- the kernel's resets ---------------------------------------------------------------

  /**
   * `deadNode`'s process is gone but its kernel lives, and `msg` arrived from `sender`: a TCP
   * segment to a port nobody listens on is answered with a reset; a datagram is dropped.
   */
  refuse(deadNode: string, sender: string, msg: Msg, process?: string): void {
    if (this.datagrams.has(msg.type)) return;
    this.sendReset(this.get(deadNode), this.get(sender), msg, process);
  }

  /**
   * `node`'s process died with its host up: the kernel resets every TCP connection it had.
   * With `owns`, only one of the host's several processes died (named `process`): only the
   * connections that carried a message type it owns are reset.
   */
  resetConnectionsOf(node: string, owns?: (type: string) => boolean, process?: string): void {
    const a = this.get(node);
    const n = this.attachments.length;
    for (const b of this.attachments) {
      if (b === a) continue;
      const out = a.index * n + b.index;
      const back = b.index * n + a.index;
      if (!this.tcpLink[out] && !this.tcpLink[back]) continue;
      if (owns && !this.carried(out, owns) && !this.carried(back, owns)) continue;
      this.sendReset(a, b, undefined, process);
    }
  }

  private carried(link: number, owns: (type: string) => boolean): boolean {
    for (const type of this.tcpTypes.get(link) ?? []) if (owns(type)) return true;
    return false;
  }

  /** A reset travels like any segment: it takes a link latency and is lost if the path is down. */
  private sendReset(a: Attachment, b: Attachment, about: Msg | undefined, process?: string): void {
    const receiver = b.endpoint;
    if (!receiver.reset || !this.pathUp(a, b)) return;
    let latency = this.localLatency(this.rng);
    if (a.dc !== b.dc) latency += this.interDcLatency[`${a.dc}>${b.dc}`] ?? this.interDcLatency[`${b.dc}>${a.dc}`] ?? 0;
    const from = a.endpoint.id;
    this.sim.after(Math.max(1, Math.round(latency)), () => {
      if (!this.pathUp(a, b)) return;
      this.sim.trace.add(this.sim.now, TRACE_RESET, a.index, b.index);
      if (this.sim.trace.recording) this.sim.trace.line(this.sim.now, `reset ${from}->${receiver.id}${about ? ' ' + about.type : ''}`);
      receiver.reset!(from, about, process);
    });
  }

  // --- fault controls -------------------------------------------------------------------

  nicDown(id: string): void {
    this.nicDownCount[this.get(id).index]++;
  }

  nicUp(id: string): void {
    const i = this.get(id).index;
    if (this.nicDownCount[i] > 0) this.nicDownCount[i]--;
  }

  switchDown(switchId: string): void {
    this.switchDownCount.set(switchId, (this.switchDownCount.get(switchId) ?? 0) + 1);
  }

  switchUp(switchId: string): void {
    const n = (this.switchDownCount.get(switchId) ?? 0) - 1;
    if (n > 0) this.switchDownCount.set(switchId, n);
    else this.switchDownCount.delete(switchId);
  }

  /** Drops every message from `from` to `to` (one direction) until `uncut`. */
  cut(from: string, to: string): void {
    this.cutCount[this.get(from).index * this.attachments.length + this.get(to).index]++;
  }

  uncut(from: string, to: string): void {
    const k = this.get(from).index * this.attachments.length + this.get(to).index;
    if (this.cutCount[k] > 0) this.cutCount[k]--;
  }

  impair(impairment: Impairment): Impairment {
    this.get(impairment.endpoint);
    this.impairments.push(impairment);
    return impairment;
  }

  unimpair(impairment: Impairment): void {
    this.impairments = this.impairments.filter((i) => i !== impairment);
    if (impairment.lossProbability && this.inFlight.size) this.redrawRetransmissions(impairment.endpoint);
  }

  switches(): string[] {
    return [...new Set(this.attachments.map((a) => a.switchId))];
  }

  private get(id: string): Attachment {
    const a = this.byId.get(id);
    if (!a) throw new Error(`unknown endpoint ${id}`);
    return a;
  }
}
