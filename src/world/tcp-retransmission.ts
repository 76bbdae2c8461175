/**
 * TCP under random loss: a lost segment is retransmitted after Linux's RTO and arrives late but
 * in order, holding back the segments behind it on its link (head-of-line blocking). The
 * retransmission schedule is drawn against the impairments in force when the segment is sent;
 * the packets of a link with a retransmitted one are kept in its in-flight queue, so that when
 * the loss ends the retransmissions it would still have lost are drawn again and the queue
 * moves up.
 */
import type { Simulator } from '../sim/simulator.ts';
import type { Micros } from '../sim/time.ts';
import type { LinkFaults } from './link-faults.ts';
import type { Packet } from './packet.ts';

const TCP_RTO_MIN: Micros = 200_000;
const TCP_RTO_MAX: Micros = 120_000_000;
const TCP_RETRIES2 = 15;

/**
 * How long TCP takes to get a lost segment through: Linux retransmits after the RTO, at least
 * TCP_RTO_MIN = 200 ms on a LAN (include/net/tcp.h), doubling after each lost retransmission
 * up to TCP_RTO_MAX = 120 s; after tcp_retries2 = 15 retransmissions the kernel gives up and
 * the connection breaks (-1: the segment is dropped). Fast retransmit on duplicate ACKs, which
 * can beat the RTO under steady traffic, is left out: the delay is an upper bound of reality.
 * Returns the offset of every retransmission from the first send, the last one the one that
 * got through, or undefined if the kernel gave up. Each retransmission is drawn against the
 * impairments in force now; those that fall after an impairment ends are drawn again then
 * (`InFlightQueues.redraw`): a retransmission after the loss is over gets through.
 */
export function retransmissionSchedule(faults: LinkFaults, from: string, to: string, offsets: number[] = [TCP_RTO_MIN]): number[] | undefined {
  let rto = Math.min(TCP_RTO_MIN * 2 ** (offsets.length - 1), TCP_RTO_MAX);
  while (faults.lost(from, to)) {
    if (offsets.length >= TCP_RETRIES2) return undefined;
    rto = Math.min(2 * rto, TCP_RTO_MAX);
    offsets.push(offsets[offsets.length - 1] + rto);
  }
  return offsets;
}

/** TCP packets in flight per link, in send order, kept while a loss impairment may have delayed one. */
export class InFlightQueues {
  private readonly queues = new Map<number, Packet[]>();

  /** How many links have a queue (0 in the common case: no loss, nothing kept). */
  get size(): number {
    return this.queues.size;
  }

  /**
   * A TCP packet was just scheduled on `link`: it joins the link's queue when the link has one
   * (it may be held back behind a retransmission) or it is itself retransmitted.
   */
  join(packet: Packet, link: number, natural: Micros, floor: Micros, retransmits: number[] | undefined): void {
    const queue = this.queues.get(link);
    if (queue || retransmits) {
      packet.flight = { link, natural, floor, retransmits: retransmits && retransmits.slice() };
      if (queue) queue.push(packet);
      else this.queues.set(link, [packet]);
    }
  }

  /** `p` is being delivered (or lost): it leaves its link's queue. */
  leave(p: Packet): void {
    const link = p.flight?.link;
    if (link === undefined) return; // it never joined a queue
    const queue = this.queues.get(link);
    if (!queue) return;
    const i = queue.indexOf(p);
    if (i >= 0) queue.splice(i, 1);
    if (!queue.length) this.queues.delete(link);
  }

  /**
   * A loss impairment on `endpoint` ended: every retransmission of a packet in flight to or from
   * it that falls after now was drawn against that loss, so it is drawn again against what
   * remains (`faults`), and the packets behind it on its link (held back for in-order delivery)
   * move up. `lastDeliveryAt[link]` is the link's latest delivery, which follows them.
   */
  redraw(endpoint: string, sim: Simulator, faults: LinkFaults, lastDeliveryAt: Float64Array): void {
    const now = sim.now;
    for (const [link, queue] of this.queues) {
      const first = queue[0];
      if (first.a.endpoint.id !== endpoint && first.b.endpoint.id !== endpoint) continue;
      let previous = first.flight!.floor;
      for (let i = 0; i < queue.length; i++) {
        let p = queue[i];
        const flight = p.flight!;
        const offsets = flight.retransmits;
        if (offsets && p.sentAt + offsets[offsets.length - 1] > now) {
          const next = offsets.findIndex((offset) => p.sentAt + offset > now);
          const redrawn = retransmissionSchedule(faults, p.a.endpoint.id, p.b.endpoint.id, offsets.slice(0, next + 1));
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
          sim.schedule(p);
          queue[i] = p;
        }
        previous = p.time;
      }
      lastDeliveryAt[link] = previous;
    }
  }
}
