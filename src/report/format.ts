/**
 * How numbers read in every report (text, tables, HTML): one place, so a run's text report and
 * its HTML page, or a campaign table and its chart, print the same figure the same way.
 *
 *   fmt.pct(0.99995)   99.9950%    campaign and estimate tables: more digits the closer to 1
 *   fmt.ms(61_000)     1.0min      durations in ms; '-' for no data
 *   runPct(0.99995)    99.9950%    one run's availability: 2 decimals, 4 in [99.99 %, 100 %)
 *   runMs(1500, ' ')   1.50 s      one run's durations; the HTML page puts a space before units
 *   finePct(x)         5 decimals  an estimate's availability, where the fifth nine matters
 *   probability(3e-4)  3.0e-4      an estimate's yearly P(data loss), P(split brain)
 *   instantS(12345678) 12.346s     a virtual instant on a timeline
 *   pValue, ratio, stepMs, wholeMs, spread, wholePct: the calibration report (Markdown, HTML)
 */

/** Campaign and estimate tables: a dash for "no data". */
export const fmt = {
  pct(x: number | null): string {
    if (x === null) return '-';
    if (x >= 1) return '100%';
    const digits = x >= 0.9999 ? 4 : x >= 0.99 ? 3 : 2;
    return `${(x * 100).toFixed(digits)}%`;
  },
  ms(x: number | null): string {
    if (x === null) return '-';
    if (x >= 60_000) return `${(x / 60_000).toFixed(1)}min`;
    if (x >= 1000) return `${(x / 1000).toFixed(2)}s`;
    return `${x.toFixed(x < 10 ? 2 : 0)}ms`;
  },
  tally(t: { total: number; runs: number }): string {
    return t.total === 0 ? '0' : `${t.total} (${t.runs} run${t.runs === 1 ? '' : 's'})`;
  },
};

/** A fraction of one run as a percentage: 2 decimals, 4 between 99.99 % and 100 %. */
export function runPct(x: number): string {
  return `${(x * 100).toFixed(x >= 0.9999 && x < 1 ? 4 : 2)}%`;
}

/** A duration of one run in ms: `ms` below a second, `s` above; `unitSpace` goes before the unit. */
export function runMs(x: number, unitSpace = ''): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)}${unitSpace}s` : `${x.toFixed(x < 10 ? 2 : 0)}${unitSpace}ms`;
}

/** A virtual instant (µs) in seconds with ms precision: `12.345s`. */
export function instantS(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}

/** A fraction as a percentage with 5 decimals (an availability near 1, to the fifth nine). */
export function finePct(x: number): string {
  return `${(x * 100).toFixed(5)}%`;
}

/** A test's p-value as the calibration reports print it: three decimals, `<0.001` below. */
export function pValue(p: number): string {
  return Number.isNaN(p) ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** A ratio of medians (real vs hasim), two decimals; `–` where a side has no value. */
export function ratio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '–';
}

/** A calibration step's time in ms: whole ms from 100 ms, one decimal below; `–` for no value. */
export function stepMs(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? Math.round(x).toString() : x.toFixed(1)) : '–';
}

/** Whole ms (the HTML calibration page); `–` for no value. */
export function wholeMs(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toString() : '–';
}

/** A step's spread, `min / median / p90 / max`, each by `each`; `mark` wraps the median (Markdown's `**`). */
export function spread(s: { min: number; median: number; p90: number; max: number }, each: (x: number) => string, mark = ''): string {
  return `${each(s.min)} / ${mark}${each(s.median)}${mark} / ${each(s.p90)} / ${each(s.max)}`;
}

/** A share in whole percent, without the sign: `0.123` -> `12`. */
export function wholePct(x: number): string {
  return String(Math.round(100 * x));
}

/** A yearly probability: three decimals from 0.01, one significant digit below (`3.0e-4`); `0` for none. */
export function probability(x: number): string {
  if (x === 0) return '0';
  return x >= 0.01 ? x.toFixed(3) : x.toExponential(1);
}
