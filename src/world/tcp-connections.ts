/**
 * The kernel's side of TCP connections: which links carried a TCP message (a connection the
 * kernel can reset), and the resets themselves. A segment arriving at a host whose process is
 * gone is refused with a reset; a process that dies with its host up has the kernel reset every
 * connection it had (only those of that process, when the host runs several). A reset travels
 * like any segment: it takes a link latency and is lost if the path is down.
 */
import type { Simulator } from '../sim/simulator.ts';
import type { Msg } from './actor.ts';
import type { LinkFaults } from './link-faults.ts';
import type { Attachment } from './packet.ts';
import { TRACE_RESET } from '../sim/trace-codes.ts';

export class TcpConnections {
  /** tcpLink[from * n + to] = 1 once a TCP message went that way: a connection the kernel can reset. */
  private tcpLink = new Uint8Array(0);
  /** Per link touching an endpoint with several processes: the TCP message types it carried. */
  private readonly tcpTypes = new Map<number, Set<string>>();
  /** Whether any endpoint runs several processes (else `tcpTypes` stays empty). */
  severalProcesses = false;

  constructor(
    private readonly sim: Simulator,
    private readonly faults: LinkFaults,
    /** The one-way latency of a segment from `a` to `b` (µs, unrounded), drawn from the network's stream. */
    private readonly latency: (a: Attachment, b: Attachment) => number,
  ) {}

  /** An endpoint was attached: there are `n` now (before any message). */
  grow(n: number): void {
    this.tcpLink = new Uint8Array(n * n);
  }

  /** A TCP message of `type` is sent over `link` (a -> b): the kernels now hold a connection. */
  opened(a: Attachment, b: Attachment, link: number, type: string): void {
    this.tcpLink[link] = 1;
    if (this.severalProcesses) this.noteType(a, b, link, type);
  }

  /** Notes that a TCP message of `type` went over `link`, when one of its ends runs several processes. */
  private noteType(a: Attachment, b: Attachment, link: number, type: string): void {
    if (!a.endpoint.severalProcesses && !b.endpoint.severalProcesses) return;
    const types = this.tcpTypes.get(link);
    if (types) types.add(type);
    else this.tcpTypes.set(link, new Set([type]));
  }

  /**
   * `a`'s process died with its host up: the kernel resets every TCP connection it had with the
   * others of `attachments`. With `owns`, only one of the host's several processes died (named
   * `process`): only the connections that carried a message type it owns are reset.
   */
  resetConnectionsOf(a: Attachment, attachments: readonly Attachment[], owns?: (type: string) => boolean, process?: string): void {
    const n = attachments.length;
    for (const b of attachments) {
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

  /** `a`'s kernel resets its connection with `b`, refusing `about` (undefined: its process died). */
  sendReset(a: Attachment, b: Attachment, about: Msg | undefined, process?: string): void {
    const receiver = b.endpoint;
    if (!receiver.reset || !this.faults.pathUp(a, b)) return;
    const latency = this.latency(a, b);
    const from = a.endpoint.id;
    this.sim.after(Math.max(1, Math.round(latency)), () => {
      if (!this.faults.pathUp(a, b)) return;
      this.sim.trace.add(this.sim.now, TRACE_RESET, a.index, b.index);
      if (this.sim.trace.recording) this.sim.trace.line(this.sim.now, `reset ${from}->${receiver.id}${about ? ' ' + about.type : ''}`);
      receiver.reset!(from, about, process);
    });
  }
}
