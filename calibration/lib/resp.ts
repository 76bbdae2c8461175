/**
 * A minimal Redis (RESP2) client for the harness: commands as arrays of strings, replies as
 * strings, integers, arrays, errors or null; pub/sub messages to a callback. Enough for SET,
 * RPUSH, LRANGE, INFO, SENTINEL and PSUBSCRIBE; written here so the harness needs no package.
 */
import { connect, type Socket } from 'node:net';

export type Reply = string | number | null | Reply[] | RedisError;

export class RedisError {
  constructor(readonly message: string) {}
}

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/** Parses one reply at `pos`; returns [reply, next] or undefined if incomplete. */
function parse(buf: Buffer, pos: number): [Reply, number] | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[pos])) {
    case '+':
      return [line, next];
    case '-':
      return [new RedisError(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`bad RESP byte ${buf[pos]}`);
  }
}

export class RedisConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private closedError: Error | undefined;
  onPush: ((reply: Reply[]) => void) | undefined;
  private subscribed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closedError ??= error;
      for (const w of this.waiting.splice(0)) w.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RedisConnection(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const r = parse(this.buf, pos);
      if (!r) break;
      pos = r[1];
      const reply = r[0];
      if (this.subscribed && Array.isArray(reply) && (reply[0] === 'pmessage' || reply[0] === 'message')) {
        this.onPush?.(reply);
        continue;
      }
      this.waiting.shift()?.resolve(reply);
    }
    this.buf = this.buf.subarray(pos);
  }

  /** Sends a command; rejects on a connection error or after `timeoutMs`. */
  command(args: (string | number)[], timeoutMs = 1000): Promise<Reply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('timeout'));
        this.close();
      }, timeoutMs);
      this.waiting.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(encode(args));
    });
  }

  /** PSUBSCRIBE; messages arrive at `onPush` as ['pmessage', pattern, channel, payload]. */
  async psubscribe(pattern: string, onPush: (reply: Reply[]) => void): Promise<void> {
    this.onPush = onPush;
    this.subscribed = true;
    await this.command(['PSUBSCRIBE', pattern]);
  }

  close(): void {
    this.closedError ??= new Error('closed');
    this.socket.destroy();
  }
}

/** One command on a fresh connection. */
export async function once(port: number, args: (string | number)[], timeoutMs = 1000, host = '127.0.0.1'): Promise<Reply> {
  const c = await RedisConnection.open(port, host, timeoutMs);
  try {
    return await c.command(args, timeoutMs);
  } finally {
    c.close();
  }
}
