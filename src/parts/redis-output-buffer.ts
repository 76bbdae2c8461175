/**
 * A Redis master's output buffer for one replica, and the limit that drops the replica when the
 * buffer outgrows it: `client-output-buffer-limit replica <hard> <soft> <soft seconds>`
 * (redis.conf of Redis 7: `replica 256mb 64mb 60`).
 *
 * What the buffer holds (redis-master-replication.ts decides what is sent): the replication
 * stream the master has not yet written to the replica's socket. Redis 7 writes to a socket as
 * long as the kernel takes it, so the buffer grows only once the replica stops reading (a
 * stopped process, a cut link with TCP retransmitting, a full resync's transfer and load, during
 * which the stream is kept until the replica's first ACK) and the two kernels' socket buffers
 * are full. Its size is the stream from the block the replica still references to the end
 * (networking.c getClientOutputBufferMemoryUsage, 7.2.4 l. 3762).
 *
 * The check, as networking.c checkClientOutputBufferLimits (7.2.4 l. 3851) runs it, each time
 * the stream grows by a block (replication.c feedReplicationBuffer l. 406,
 * `if (add_new_block) closeClientOnOutputBufferLimitReached(slave, 1)`):
 * - hard: the buffer is at least the hard limit (raised to repl-backlog-size if set below it);
 * - soft: the buffer has been at least the soft limit since a time, in whole seconds
 *   (`server.unixtime`), more than `soft seconds` ago; the first check above it starts the
 *   clock, and any check below it stops it.
 * Over either, the master logs "Client ... scheduled to be closed ASAP for overcoming of output
 * buffer limits" and closes the connection (freeClientAsync): whatever the buffer held is gone.
 */
import type { Micros } from '../sim/time.ts';

export interface OutputBufferLimit {
  /** 0: no hard limit. */
  hardBytes: number;
  /** 0: no soft limit. */
  softBytes: number;
  softUs: Micros;
}

/** The limit's state for one replica connection: when its buffer first reached the soft limit. */
export class OutputBufferCheck {
  /** Whole second (as server.unixtime) the soft limit was first reached, -1: below it. */
  private softSinceS = -1;

  constructor(
    private readonly limit: OutputBufferLimit,
    /** repl-backlog-size: a hard limit below it is raised to it. */
    private readonly backlogBytes: number,
  ) {}

  /** Whether a buffer of `usedBytes` at `now` is over the limit (updates the soft limit's clock). */
  overLimit(usedBytes: number, now: Micros): boolean {
    const { hardBytes, softBytes, softUs } = this.limit;
    if (hardBytes > 0 && usedBytes >= Math.max(hardBytes, this.backlogBytes)) return true;
    if (softBytes > 0 && usedBytes >= softBytes) {
      const nowS = Math.floor(now / 1_000_000);
      if (this.softSinceS < 0) {
        this.softSinceS = nowS;
        return false;
      }
      return nowS - this.softSinceS > Math.floor(softUs / 1_000_000);
    }
    this.softSinceS = -1;
    return false;
  }
}
