/**
 * The harness's Sentinel-following Redis client: it learns the master from the Sentinels and
 * asks again after any error, exactly as redis-py's SentinelConnectionPool does
 * (Sentinel.discover_master, check_master_state), and writes (RPUSH of a unique id) at a steady
 * rate, each write optionally followed by `WAIT numreplicas timeout` as an application that
 * wants a copy on a replica sends it. A write is acked when RPUSH (and WAIT, whatever it
 * returns: the application has no better option) has answered; WAIT's count is kept, so the
 * writes WAIT confirmed on a replica can be told apart.
 */
import { pacedWrites } from './paced-writes.ts';
import { nowMs } from './procs.ts';
import { RedisConnection, RedisError, once, type Reply } from './resp.ts';

export interface Address {
  host: string;
  port: number;
}

export interface SentinelClientOptions {
  sentinels: Address[];
  writesPerSecond: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** `WAIT replicas timeoutMs` after each write (absent: no WAIT). */
  wait?: { replicas: number; timeoutMs: number };
  /** Prefix of the written ids (several clients write to one list). */
  idPrefix?: string;
  /** Called on each outcome as it happens (a client in a namespace prints them). */
  onAck?: (ack: Ack) => void;
  onFail?: (fail: Fail) => void;
}

export interface Ack {
  id: string;
  ms: number;
  master: Address;
  /** WAIT's reply: replicas that acknowledged the write (undefined without WAIT). */
  replicas?: number;
}

export interface Fail {
  ms: number;
  reason: string;
}

/** SENTINEL MASTER mymaster as a map. */
export async function sentinelMaster(at: Address, timeoutMs = 1000): Promise<Map<string, string>> {
  const r = await once(at.port, ['SENTINEL', 'MASTER', 'mymaster'], timeoutMs, at.host);
  const out = new Map<string, string>();
  if (Array.isArray(r)) for (let i = 0; i + 1 < r.length; i += 2) out.set(String(r[i]), String(r[i + 1]));
  return out;
}

export class SentinelClient {
  private conn: RedisConnection | undefined;
  private master: Address | undefined;
  private stopped = false;
  readonly acked = new Set<string>();
  readonly acks: Ack[] = [];
  /** Wall-clock times of failed requests (ms). */
  readonly fails: number[] = [];
  readonly served: { ms: number; port: number; host: string }[] = [];
  /** The Sentinels in the order asked; the one that answered moves to the front (redis-py). */
  private readonly sentinels: Address[];

  constructor(private readonly options: SentinelClientOptions) {
    this.sentinels = [...options.sentinels];
  }

  /**
   * redis-py's Sentinel.discover_master: ask each Sentinel for SENTINEL MASTERS' entry of the
   * service and take the first whose master is flagged master and neither s_down nor o_down
   * (check_master_state); move that Sentinel to the front. No usable answer: MasterNotFoundError,
   * which the application retries after its back-off.
   */
  private async discover(): Promise<void> {
    this.conn?.close();
    this.conn = undefined;
    for (const [i, sentinel] of this.sentinels.entries()) {
      try {
        const state = await sentinelMaster(sentinel, 300);
        const flags = (state.get('flags') ?? '').split(',');
        if (!flags.includes('master') || flags.includes('s_down') || flags.includes('o_down')) continue;
        [this.sentinels[0], this.sentinels[i]] = [this.sentinels[i], this.sentinels[0]];
        this.master = { host: state.get('ip') ?? sentinel.host, port: Number(state.get('port')) };
        this.conn = await RedisConnection.open(this.master.port, this.master.host, this.options.requestTimeoutMs);
        return;
      } catch {
        // next Sentinel
      }
    }
  }

  private async write(id: string): Promise<number | undefined> {
    const { requestTimeoutMs, wait } = this.options;
    const check = (reply: Reply) => {
      if (reply instanceof RedisError) throw new Error(reply.message);
      return reply;
    };
    check(await this.conn!.command(['RPUSH', 'orders', id], requestTimeoutMs));
    if (!wait) return undefined;
    // WAIT blocks up to its own timeout: the request timeout counts from then
    return Number(check(await this.conn!.command(['WAIT', wait.replicas, wait.timeoutMs], wait.timeoutMs + requestTimeoutMs)));
  }

  async run(): Promise<void> {
    const { writesPerSecond, retryBackoffMs, idPrefix = 'w' } = this.options;
    await pacedWrites({
      writesPerSecond,
      retryBackoffMs,
      stopped: () => this.stopped,
      attempt: async (seq) => {
        const id = `${idPrefix}${seq}`;
        if (!this.conn || this.conn.closed) await this.discover();
        if (!this.conn) throw new Error('no master known');
        const replicas = await this.write(id);
        const ack: Ack = { id, ms: nowMs(), master: this.master!, replicas };
        this.acked.add(id);
        this.acks.push(ack);
        this.served.push({ ms: ack.ms, port: ack.master.port, host: ack.master.host });
        this.options.onAck?.(ack);
      },
      failed: (error) => {
        const fail = { ms: nowMs(), reason: error.message };
        this.fails.push(fail.ms);
        this.options.onFail?.(fail);
        this.conn?.close();
        this.conn = undefined;
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.conn?.close();
  }
}
