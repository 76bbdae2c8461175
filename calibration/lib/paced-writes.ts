/**
 * The calibration clients' write loop: one write every 1/writesPerSecond s, each retried after
 * `retryBackoffMs` until it is served (a failed attempt reports its error, then the caller's
 * connection is dropped), paced from a schedule so a slow write does not shift the rest, and
 * catching up at once when it falls behind. Shared by the Sentinel client and the Patroni client,
 * which differ only in how one attempt writes.
 */
import { nowMs, sleep } from './procs.ts';

export interface PacedWrites {
  writesPerSecond: number;
  retryBackoffMs: number;
  stopped(): boolean;
  /** One attempt at write number `seq`; throws when it was not served. */
  attempt(seq: number): Promise<void>;
  /** After a failed attempt, before the back-off: record it and drop the connection. */
  failed(error: Error): void;
}

export async function pacedWrites(p: PacedWrites): Promise<void> {
  const gapMs = 1000 / p.writesPerSecond;
  let next = nowMs();
  for (let seq = 1; !p.stopped(); seq++) {
    for (;;) {
      if (p.stopped()) return;
      try {
        await p.attempt(seq);
        break;
      } catch (error) {
        p.failed(error as Error);
        await sleep(p.retryBackoffMs);
      }
    }
    next += gapMs;
    const wait = next - nowMs();
    if (wait > 0) await sleep(wait);
    else next = nowMs();
  }
}
