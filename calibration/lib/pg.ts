/**
 * A minimal PostgreSQL client (protocol 3, trust authentication, simple queries) for the
 * harness: enough to INSERT and SELECT through HAProxy without a package. A query resolves on
 * ReadyForQuery with the rows' first column, or rejects on an ErrorResponse, a closed
 * connection or its timeout.
 */
import { connect, type Socket } from 'node:net';

interface Pending {
  resolve: (rows: string[]) => void;
  reject: (e: Error) => void;
  rows: string[];
  error?: string;
}

export class PgConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private ready: (() => void) | undefined;
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (e: Error) => {
      this.closedError ??= e;
      for (const p of this.pending.splice(0)) p.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number, user: string, database: string, timeoutMs = 1000): Promise<PgConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      const c = new PgConnection(socket);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error('closed during startup'));
      });
      c.ready = () => {
        clearTimeout(timer);
        resolve(c);
      };
      socket.once('connect', () => {
        const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
        const head = Buffer.alloc(8);
        head.writeInt32BE(8 + params.length, 0);
        head.writeInt32BE(196608, 4);
        socket.write(Buffer.concat([head, params]));
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 5) {
      const type = String.fromCharCode(this.buf[0]);
      const len = this.buf.readInt32BE(1);
      if (this.buf.length < 1 + len) break;
      const body = this.buf.subarray(5, 1 + len);
      this.buf = this.buf.subarray(1 + len);
      this.onMessage(type, body);
    }
  }

  private onMessage(type: string, body: Buffer): void {
    const head = this.pending[0];
    switch (type) {
      case 'R':
        if (body.readInt32BE(0) !== 0) this.socket.destroy(new Error('authentication other than trust requested'));
        return;
      case 'Z':
        if (this.ready) {
          const ready = this.ready;
          this.ready = undefined;
          return ready();
        }
        if (!head) return;
        this.pending.shift();
        if (head.error) head.reject(new Error(head.error));
        else head.resolve(head.rows);
        return;
      case 'D': {
        if (!head) return;
        const n = body.readInt16BE(0);
        if (n > 0) {
          const len = body.readInt32BE(2);
          head.rows.push(len < 0 ? '' : body.toString('utf8', 6, 6 + len));
        }
        return;
      }
      case 'E': {
        const fields = body.toString('utf8').split('\0');
        const message = fields.find((f) => f.startsWith('M'))?.slice(1) ?? 'error';
        if (head) head.error = message;
        else this.socket.destroy(new Error(message));
        return;
      }
      default:
        return;
    }
  }

  query(sql: string, timeoutMs = 1000): Promise<string[]> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('timeout'));
        this.close();
      }, timeoutMs);
      this.pending.push({
        rows: [],
        resolve: (rows) => {
          clearTimeout(timer);
          resolve(rows);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const text = Buffer.from(sql + '\0');
      const head = Buffer.alloc(5);
      head.write('Q', 0);
      head.writeInt32BE(4 + text.length, 1);
      this.socket.write(Buffer.concat([head, text]));
    });
  }

  close(): void {
    this.closedError ??= new Error('closed');
    this.socket.destroy();
  }
}
