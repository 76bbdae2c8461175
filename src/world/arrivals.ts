/**
 * When a client submits its orders: the arrival process of the workload (`--arrivals`, or
 * `arrivals:` in a schedule's workload section). Each client carries its share of the rate.
 *
 * - `poisson` (the default, hasim's behaviour before processes existed): exponential gaps drawn
 *   from the client's stream, as independent traders' orders arrive.
 * - `constant`: evenly spaced orders, an algorithm sending at a fixed pace; the clients are
 *   staggered so that all of them together are evenly spaced too.
 * - `burst:<m>x:<from>..<to>` (e.g. `burst:10x:30s..35s`): Poisson whose rate is multiplied by m
 *   from `from` to `to` of the run, as at the market open, when the order rate of a trading day
 *   peaks. Like a schedule's fault times, the window counts from the end of boot. The gap is drawn exactly for the piecewise rate (the unit-rate exponential draw is
 *   spent along the rate, segment by segment), so one draw makes one arrival, as with `poisson`.
 */
import { InputError } from '../sim/input-error.ts';
import { parseDuration, type Micros } from '../sim/time.ts';
import { us } from './retry-policy.ts';

export type ArrivalProcess =
  | { kind: 'poisson' }
  | { kind: 'constant' }
  | { kind: 'burst'; multiplier: number; from: Micros; to: Micros };

export const ARRIVALS_EXPECTED = 'poisson, constant or burst:<multiplier>x:<from>..<to> (e.g. burst:10x:30s..35s)';

export function parseArrivals(raw: unknown, source: string, field: string): ArrivalProcess {
  const bad = (): never => {
    throw new InputError(source, field, ARRIVALS_EXPECTED, JSON.stringify(raw));
  };
  if (typeof raw !== 'string') return bad();
  const text = raw.trim();
  if (text === 'poisson' || text === 'constant') return { kind: text };
  const m = /^burst:(\d+(?:\.\d+)?)x:([^.]+)\.\.(.+)$/.exec(text);
  if (!m) return bad();
  const multiplier = Number(m[1]);
  const from = parseDuration(m[2].trim(), source, field);
  const to = parseDuration(m[3].trim(), source, field);
  if (!(multiplier > 0) || to <= from) bad();
  return { kind: 'burst', multiplier, from, to };
}

/** The process as `--arrivals` spells it. */
export function arrivalsText(a: ArrivalProcess): string {
  return a.kind === 'burst' ? `burst:${a.multiplier}x:${a.from === 0 ? '0s' : us(a.from)}..${us(a.to)}` : a.kind;
}

/**
 * The next arrival after `now` under a burst, from a unit exponential draw `e`: the draw is
 * spent at the base rate (1/meanGap) outside the window and m times as fast inside it.
 */
export function burstArrival(now: Micros, e: number, meanGap: number, burst: { multiplier: number; from: Micros; to: Micros }): Micros {
  let t = now;
  let left = e * meanGap; // time still to pass, measured at the base rate
  if (t < burst.from) {
    if (t + left <= burst.from) return t + left;
    left -= burst.from - t;
    t = burst.from;
  }
  if (t < burst.to) {
    const inWindow = left / burst.multiplier;
    if (t + inWindow <= burst.to) return t + inWindow;
    left -= (burst.to - t) * burst.multiplier;
    t = burst.to;
  }
  return t + left;
}
