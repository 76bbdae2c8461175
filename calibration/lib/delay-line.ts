/**
 * A TCP relay on loopback standing for a network link the harness can stall: it accepts on one
 * port and forwards each connection to a target port, both ways. `hold()` stops forwarding what
 * the target sends (the replication stream, when the target is a primary's PostgreSQL) and keeps
 * it, as a link that has stopped delivering keeps the data in the sender's socket buffers;
 * `cut()` drops every connection and what was held, as the sender's host dying does.
 *
 * Used where a per-link fault is needed but the machine's own loopback (shared with everything
 * else on it) must not be given a qdisc.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class DelayLine {
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; held: Buffer[] }>();
  private holding = false;

  private constructor(server: Server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1:`port`, relaying to 127.0.0.1:`targetPort`. */
  static async open(port: number, targetPort: number): Promise<DelayLine> {
    const server = createServer();
    const line = new DelayLine(server);
    server.on('connection', (client) => line.relay(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return line;
  }

  private relay(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, held: [] as Buffer[] };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (this.holding) pair.held.push(chunk);
      else client.write(chunk);
    });
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // a held link delivers nothing, not even the end of the stream
    upstream.on('close', () => {
      if (!this.holding) close();
    });
    client.on('close', close);
    client.on('error', close);
    upstream.on('error', () => {
      if (!this.holding) close();
    });
  }

  /** From now on what the target sends is kept, not delivered. */
  hold(): void {
    this.holding = true;
  }

  /** Drops every connection, and what was held, and stops accepting. */
  cut(): void {
    this.holding = true;
    for (const pair of this.pairs) {
      pair.held.length = 0;
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    this.server.close();
  }

  /** Closes the relay (end of a trial). */
  close(): void {
    this.cut();
  }
}
