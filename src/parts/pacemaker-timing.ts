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
 */
import type { Rng } from '../sim/rng.ts';
import type { Micros } from '../sim/time.ts';

/** A duration drawn log-normally with median `median` and log-standard deviation `spread` (0: `median` itself). */
export function drawOperationTime(rng: Rng, median: Micros, spread: number): Micros {
  if (median <= 0 || spread <= 0) return median;
  return Math.round(median * Math.exp(spread * rng.gaussian()));
}
