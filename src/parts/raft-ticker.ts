/**
 * A Raft node's ticker: etcd's raft counts every timeout in ticks of a free-running ticker
 * (`raftNode.start` calls `Tick()` every `TickMs`, the server's `--heartbeat-interval`), and
 * each node's ticker started with its process, so it has its own phase:
 *
 *   node a:  |    |    |    |    |    |        ticks at phase_a + k x tick (its monotonic clock)
 *   node b:    |    |    |    |    |    |
 *   leader heard at h:  ^ electionElapsed = 0 ... the R-th tick after h campaigns
 *
 * So a timeout of R ticks fires R - 1 ticks plus a fraction of one after the event that reset
 * it (etcd-io/raft raft.go: `tickElection` increments `electionElapsed` and campaigns once it
 * reaches `randomizedElectionTimeout`; a MsgApp or MsgHeartbeat sets it to 0), and two nodes
 * with the same R fire up to a tick apart. This is what makes etcd's elections start about one
 * tick sooner than a continuous timer would, and what makes CheckQuorum's lease ("electionElapsed
 * < electionTimeout", counted in the voter's own ticks) ignore a vote that arrives early.
 *
 * The ticker is lazy: nothing runs per tick. Instants are computed from the phase
 * (`nthTickAfter`, `ticksBetween`), so a node costs one timer per deadline, as before.
 *
 * `tickUs = 1` is "no ticker": the simulator's resolution (1 us) with phase 0, so counts in
 * ticks are counts in microseconds and every timeout is continuous (the Raft paper's LogCabin
 * runs real timers; the Figure 16 test uses this).
 */
import type { Micros } from '../sim/time.ts';

export class RaftTicker {
  constructor(
    /** The tick's length (1: no ticker, microsecond resolution). */
    readonly tickUs: Micros,
    /** Where this node's ticks fall: at phaseUs + k x tickUs of its monotonic clock, 0 <= phase < tick. */
    readonly phaseUs: Micros,
  ) {}

  /** The index of the last tick at or before `atUs`. */
  private tickIndex(atUs: Micros): number {
    return Math.floor((atUs - this.phaseUs) / this.tickUs);
  }

  /** How many ticks fall in (fromUs, toUs]: etcd's `electionElapsed` counted since `fromUs`. */
  ticksBetween(fromUs: Micros, toUs: Micros): number {
    if (fromUs === -Infinity) return Infinity;
    return this.tickIndex(toUs) - this.tickIndex(fromUs);
  }

  /** The instant of the `n`-th tick strictly after `fromUs` (n >= 1). */
  nthTickAfter(fromUs: Micros, n: number): Micros {
    return this.phaseUs + (this.tickIndex(fromUs) + n) * this.tickUs;
  }
}
