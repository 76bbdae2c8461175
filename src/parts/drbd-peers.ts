/**
 * The primary's side of a DRBD 9 resource with several peers in protocol C: a write completes
 * once every peer still connected has it on disk (DRBD 9, "Replication modes": protocol C is
 * synchronous to every peer), one synchronous stream (`sync-replicator.ts`) per peer. A peer
 * that is fenced, has left cleanly or is Diskless stops holding writes back (`continueAlone`:
 * with `fencing resource-and-stonith` DRBD freezes I/O to a lost peer until the fence is
 * confirmed, which is the design's call); it is synchronous again once it has caught up.
 * Writes fail when there is no stream at all (not primary).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import { SyncReplicator } from './sync-replicator.ts';

type Entry = Parameters<SyncReplicator['replicate']>[0];

export class DrbdPeers {
  /** The primary's synchronous stream to each peer (empty when not primary). */
  private streams = new Map<string, SyncReplicator>();

  constructor(private readonly ctx: NodeContext) {}

  /** Becomes primary in `epoch`: a stream to every peer; those in `out` (fenced, lost, diskless) do not hold acks back. */
  start(peers: readonly string[], epoch: number, out: readonly string[], stallTimeout: Micros): void {
    this.streams = new Map(peers.map((peer) => [peer, new SyncReplicator(this.ctx, { peer, epoch, startAlone: out.includes(peer), stallTimeout, stallPolicy: 'block' })]));
  }

  /** Steps down: every stream stops. */
  stop(): void {
    for (const r of this.streams.values()) r.stop();
    this.streams = new Map();
  }

  /** The primary's write: acked once every peer still in sync has it (DRBD protocol C). */
  replicate(entry: Entry, done: (ok: boolean) => void, index: number): void {
    if (this.streams.size === 0) return done(false);
    let waiting = this.streams.size;
    let failed = false;
    for (const r of this.streams.values()) {
      r.replicate(entry, (ok) => {
        failed ||= !ok;
        if (--waiting === 0) done(!failed);
      }, index);
    }
  }

  /** `peer` no longer holds writes back (fenced, left cleanly). */
  continueAlone(peer: string): void {
    this.streams.get(peer)?.continueAlone();
  }

  /** `peer`'s disk failed (Diskless): the primary goes on without it. */
  peerDiskless(peer: string): void {
    if (this.streams.get(peer)?.mode === 'sync') this.streams.get(peer)!.continueAlone();
  }

  /** A peer's ack or resync request; false for other messages. */
  handle(from: string, msg: Msg): boolean {
    if (msg.type !== 'repl-ack' && msg.type !== 'resync-request') return false;
    this.streams.get(from)?.handle(from, msg);
    return true;
  }

  onTimer(kind: string): void {
    for (const r of this.streams.values()) r.onTimer(kind);
  }
}
