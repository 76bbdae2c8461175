/**
 * What the network carries and between whom: an endpoint (a node, a client, the exchange, the
 * power controller), its attachment to an access switch in a datacenter, and a packet in flight
 * from one attachment to another. Shared by the delivery path (network.ts), the fault state
 * (link-faults.ts), TCP's retransmission (tcp-retransmission.ts) and the kernel's resets
 * (tcp-connections.ts).
 */
import type { SimEvent } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';
import type { Msg } from './actor.ts';

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

export interface Attachment {
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

/**
 * A message in flight: its own heap event (`run` delivers it, `arg` is the packet itself). Kept
 * small, since one is taken per message (a delivered one is reused): what only a TCP packet held in its link's in-flight
 * queue needs (`Flight`) hangs off it, and only such packets have it.
 */
export interface Packet extends SimEvent {
  a: Attachment;
  b: Attachment;
  msg: Msg;
  typeId: number;
  sentAt: Micros;
  /** A second copy made by a `duplicate` fault. */
  copy: boolean;
  /** Set when the packet joined its link's in-flight queue (`InFlightQueues`). */
  flight: Flight | undefined;
}

/** What redrawing a packet's retransmissions needs (`InFlightQueues.redraw`). */
export interface Flight {
  /** a.index * n + b.index. */
  link: number;
  /** When it would arrive on its own: its send time, retransmissions and latency (no queueing). */
  natural: Micros;
  /** The link's latest delivery before it was sent: it never overtakes those (in-order delivery). */
  floor: Micros;
  /** Offsets from sentAt of its TCP retransmissions, the last one the one that got through. */
  retransmits: number[] | undefined;
}
