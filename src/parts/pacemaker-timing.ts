/**
 * How long Pacemaker's own work takes, drawn per operation: the DC's scheduler round (CIB
 * updates, a scheduler run, the transition), and the resources' start and stop operations. The
 * real times spread widely around their medians: over the 50 recorded trials of
 * calibration/fixtures/pacemaker--host-death.jsonl and pacemaker--graceful-stop.jsonl, IPaddr2's
 * start took 76-636 ms (median 280), the round from the new membership to "Requesting fencing"
 * 124-416 ms (median 200, without the 1 s CIB re-ask), a graceful stop 194-512 ms. Each is close
 * to log-normal (a median times a skewed factor: the work waits behind other processes); the
 * log-standard deviations are 0.35-0.64, pooled 0.5 (`operationTimeSpread`). A draw keeps the
 * configured value as its median, so the median figures calibrated before stay.
 *
 * `PacemakerClock` draws one node's times: its scheduler rounds (with the CIB re-ask) and
 * operations, from the node's seeded stream.
 */
import { drawAroundMedian } from '../sim/distributions.ts';
import type { Rng } from '../sim/rng.ts';
import { SECOND, type Micros } from '../sim/time.ts';

/** An operation's time: log-normal around its calibrated median (`drawAroundMedian`). */
export const drawOperationTime = drawAroundMedian;

/** The controller's sleep before asking for the CIB again (controld_schedulerd.c: sleep(1)). */
export const CIB_REASK_SLEEP: Micros = SECOND;

/** A node's Pacemaker times: the medians, the re-ask shares and the spread (the design's params). */
export interface PacemakerTimes {
  /** The round after a DC election (measured on host death). */
  transitionDelay: Micros;
  /** The round of a node that already was the DC when the peer was lost. */
  dcTransitionDelay: Micros;
  cibReaskShare: number;
  dcCibReaskShare: number;
  operationTimeSpread: number;
}

/** Draws a node's Pacemaker times from its seeded stream (`rng` is read at each draw). */
export class PacemakerClock {
  constructor(
    private readonly source: { readonly rng: Rng },
    private readonly times: PacemakerTimes,
  ) {}

  /**
   * The DC's scheduler round after a node was lost: `transitionDelay` (`dcTransitionDelay` for a
   * sitting DC), and in a share of rounds (`cibReaskShare`, `dcCibReaskShare`) a second more,
   * when the controller finds other CIB updates pending as the scheduler's CIB query returns,
   * sleeps 1 s and asks again (controld_schedulerd.c, do_pe_invoke_callback: "Re-asking for
   * the CIB").
   */
  round(sittingDc = false): Micros {
    const share = sittingDc ? this.times.dcCibReaskShare : this.times.cibReaskShare;
    const reask = share > 0 && this.source.rng.float() < share;
    return this.operation(sittingDc ? this.times.dcTransitionDelay : this.times.transitionDelay) + (reask ? CIB_REASK_SLEEP : 0);
  }

  /** One run of Pacemaker's work whose median is `median` (`operationTimeSpread`). */
  operation(median: Micros): Micros {
    return drawOperationTime(this.source.rng, median, this.times.operationTimeSpread);
  }
}
