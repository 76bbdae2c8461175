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
 * This file is the delivery path; the fault state is in link-faults.ts, TCP's retransmission
 * and in-order queues in tcp-retransmission.ts, the kernel's resets in tcp-connections.ts.
 */
import type { Sampler } from '../sim/distributions.ts';
import type { Rng } from '../sim/rng.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';
import type { Msg } from './actor.ts';
import { LinkFaults, type Impairment } from './link-faults.ts';
import { MessageFate, type MessageLog } from './message-log.ts';
import type { Attachment, Endpoint, Packet, Port } from './packet.ts';
import { TcpConnections } from './tcp-connections.ts';
import { InFlightQueues, retransmissionSchedule } from './tcp-retransmission.ts';
import { TRACE_DELIVER, TRACE_DROP, TRACE_RETRANSMIT } from '../sim/trace-codes.ts';

export type { Endpoint, Port } from './packet.ts';
export type { Impairment } from './link-faults.ts';

/** What the network knows of a message type (see `Network.typeInfo`). */
interface MessageType {
  /** Its trace id (Trace.id). */
  id: number;
  datagram: boolean;
}

export class Network {
  private readonly byId = new Map<string, Attachment>();
  private readonly attachments: Attachment[] = [];
  private readonly rng: Rng;
  /** NICs and switches down, cuts, impairments. */
  private readonly faults: LinkFaults;
  /** Which links carried TCP, and the kernel's resets over them. */
  private readonly connections: TcpConnections;
  /**
   * TCP packets in flight per link, in send order, kept while a loss impairment may have delayed
   * one: when the impairment ends, retransmissions it would have lost are drawn again, and the
   * packets queued behind them move up.
   */
  private readonly inFlight = new InFlightQueues();
  private lastDeliveryAt = new Float64Array(0);
  /** Message types sent as datagrams (VRRP adverts, corosync, gratuitous ARP): no connection, no reset. */
  private readonly datagrams: ReadonlySet<string>;
  /**
   * Per message type seen so far: its trace id and whether it is a datagram, so a send looks
   * the type up once rather than once in the trace's interning and three times in `datagrams`.
   * Filled on a type's first send, the moment the trace would intern it anyway (so ids and
   * hashes are those of an uncached lookup).
   */
  private readonly typeInfo = new Map<string, MessageType>();
  /**
   * Delivered packets, to be reused by the next sends: a packet is one heap event per message,
   * and nothing holds it once it is delivered (its endpoint gets the message, not the packet),
   * unless it joined its link's in-flight queue, and those are not reused. Reusing them keeps
   * the young generation's garbage per message to the design's own message object: the mesh
   * runs ~15 % faster (hash-neutral: a reused packet gets a new seq like a new one).
   */
  private readonly freePackets: Packet[] = [];
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
    this.faults = new LinkFaults(this.rng);
    this.connections = new TcpConnections(sim, this.faults, (a, b) => {
      let latency = this.localLatency(this.rng);
      if (a.dc !== b.dc) latency += this.interDc(a, b);
      return latency;
    });
    this.datagrams = new Set(['garp', ...datagramMessages]);
  }

  /** Whether messages of `type` are datagrams (lost outright, never reset) rather than TCP. */
  isDatagram(type: string): boolean {
    return this.datagrams.has(type);
  }

  attach(endpoint: Endpoint, switchId: string, dc: string): void {
    if (this.byId.has(endpoint.id)) throw new Error(`endpoint ${endpoint.id} attached twice`);
    const a: Attachment = { endpoint, index: this.attachments.length, switchId, dc };
    if (endpoint.severalProcesses) this.connections.severalProcesses = true;
    this.byId.set(endpoint.id, a);
    this.attachments.push(a);
    const n = this.attachments.length;
    this.faults.grow(n);
    this.connections.grow(n);
    this.lastDeliveryAt = new Float64Array(n * n);
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
    return this.faults.pathUp(a, b);
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
    if (this.faults.impairments.length === 0 && this.faults.pathUp(a, b)) this.schedule(a, b, msg, type, false, undefined);
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
    const faults = this.faults;
    const up = faults.pathUp(a, b);
    if (up && faults.impairments.length && faults.lost(from, to)) {
      if (type.datagram) lostDatagram = true;
      else {
        retransmits = retransmissionSchedule(faults, from, to);
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
    if (faults.impairments.length !== 0 && faults.duplicated(from, to)) this.schedule(a, b, msg, type, true, retransmits);
  }

  private typeOf(name: string): MessageType {
    let type = this.typeInfo.get(name);
    if (type === undefined) {
      type = { id: this.sim.trace.id(name), datagram: this.datagrams.has(name) };
      this.typeInfo.set(name, type);
    }
    return type;
  }

  private schedule(a: Attachment, b: Attachment, msg: Msg, type: MessageType, copy: boolean, retransmits: number[] | undefined): void {
    const sim = this.sim;
    const now = sim.now;
    let latency = this.localLatency(this.rng);
    if (retransmits !== undefined) latency += retransmits[retransmits.length - 1];
    if (a.dc !== b.dc) latency += this.interDc(a, b);
    if (this.faults.impairments.length !== 0) latency += this.faults.extraLatency(a.endpoint.id, b.endpoint.id);
    const link = a.index * this.attachments.length + b.index;
    // TCP delivers in order, so a segment waits behind one being retransmitted; a datagram
    // (a VRRP advert, a corosync packet) is its own flow: nothing holds it back, and it holds
    // back nothing (calibration/fixtures/keepalived--advert-loss-50.jsonl)
    const datagram = type.datagram;
    if (!datagram) this.connections.opened(a, b, link, msg.type);
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
    if ((retransmits !== undefined || this.inFlight.size !== 0) && !datagram) this.inFlight.join(packet, link, natural, floor, retransmits);
  }

  /** Extra one-way latency between the datacenters of `a` and `b`. */
  private interDc(a: Attachment, b: Attachment): Micros {
    return this.interDcLatency[`${a.dc}>${b.dc}`] ?? this.interDcLatency[`${b.dc}>${a.dc}`] ?? 0;
  }

  private readonly deliver = (p: Packet): void => {
    if (this.inFlight.size !== 0) this.inFlight.leave(p);
    // a link that went down while the message was in flight loses it
    if (!this.faults.pathUp(p.a, p.b)) {
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

  /**
   * Whether the endpoint's NIC has carrier: its own NIC works and its access switch is up (a
   * dead switch port drops the link). What the host's kernel reports as the interface's
   * link state (`ip link`: LOWER_UP), which keepalived's interface tracking watches.
   */
  carrier(id: string): boolean {
    return this.faults.carrier(this.get(id));
  }

  // --- the kernel's resets (tcp-connections.ts) ------------------------------------------

  /**
   * `deadNode`'s process is gone but its kernel lives, and `msg` arrived from `sender`: a TCP
   * segment to a port nobody listens on is answered with a reset; a datagram is dropped.
   */
  refuse(deadNode: string, sender: string, msg: Msg, process?: string): void {
    if (this.datagrams.has(msg.type)) return;
    this.connections.sendReset(this.get(deadNode), this.get(sender), msg, process);
  }

  /**
   * `node`'s process died with its host up: the kernel resets every TCP connection it had.
   * With `owns`, only one of the host's several processes died (named `process`): only the
   * connections that carried a message type it owns are reset.
   */
  resetConnectionsOf(node: string, owns?: (type: string) => boolean, process?: string): void {
    this.connections.resetConnectionsOf(this.get(node), this.attachments, owns, process);
  }

  // --- fault controls (link-faults.ts) ---------------------------------------------------

  nicDown(id: string): void {
    this.faults.nicDown(this.get(id).index);
  }

  nicUp(id: string): void {
    this.faults.nicUp(this.get(id).index);
  }

  switchDown(switchId: string): void {
    this.faults.switchDown(switchId);
  }

  switchUp(switchId: string): void {
    this.faults.switchUp(switchId);
  }

  /** Drops every message from `from` to `to` (one direction) until `uncut`. */
  cut(from: string, to: string): void {
    this.faults.cut(this.get(from).index, this.get(to).index);
  }

  uncut(from: string, to: string): void {
    this.faults.uncut(this.get(from).index, this.get(to).index);
  }

  impair(impairment: Impairment): Impairment {
    this.get(impairment.endpoint);
    this.faults.impair(impairment);
    return impairment;
  }

  /** Ends `impairment`; when it was a loss, the retransmissions it would have lost are drawn again. */
  unimpair(impairment: Impairment): void {
    this.faults.unimpair(impairment);
    if (impairment.lossProbability && this.inFlight.size) this.inFlight.redraw(impairment.endpoint, this.sim, this.faults, this.lastDeliveryAt);
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
