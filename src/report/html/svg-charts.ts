/**
 * Small static SVG charts for the campaign and estimate pages, written on the server side as
 * markup (no script needed to see them, and byte-for-byte deterministic): horizontal bar
 * charts (grouped, with an optional target line), histograms over a log axis, trade-off curves
 * and intervals. Axes are linear, logarithmic, or in "nines" (availability 0.999 sits at 3),
 * the scale on which availabilities differ visibly. Every mark carries `data-*` attributes
 * with its category, series and value, for tests and for people reading the source.
 *
 * ```ts
 * barChart({ title: 'RTO p99', categories: ['raft', 'vrrp'], series: [{ name: 'p99', values: [1200, 3400] }], format: fmtMs });
 * ```
 */
import { esc } from './document.ts';

export type Scale = 'linear' | 'log' | 'nines';

export interface BarChart {
  title: string;
  categories: string[];
  /** `labels` replace the value written at the end of each bar (e.g. `15 in 9 runs`). */
  series: { name: string; values: (number | null)[]; labels?: string[] }[];
  format: (value: number) => string;
  /** Default: logarithmic when the positive values span more than two decades, else linear. */
  scale?: Scale;
  /** A reference line, e.g. the downtime budget. */
  target?: { value: number; label: string };
  note?: string;
}

export interface HistogramChart {
  title: string;
  /** Bins over positive values, in the unit `format` writes. */
  bins: { low: number; high: number; count: number }[];
  /** Values equal to 0 (drawn as their own bar: a log axis has no 0). */
  zeros: number;
  format: (value: number) => string;
  note?: string;
}

export interface CurveChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; points: { x: number; y: number | null; label: string }[] }[];
  xFormat: (value: number) => string;
  yFormat: (value: number) => string;
  note?: string;
}

export interface IntervalChart {
  title: string;
  rows: { label: string; mean: number; low: number; high: number; ideal?: number | null }[];
  format: (value: number) => string;
  note?: string;
}

const W = 640;
const r2 = (x: number) => Math.round(x * 100) / 100;

interface Axis {
  /** Position in [0, 1] of a value. */
  at(value: number): number;
  ticks: { value: number; label: string }[];
}

/** Nines of an availability: 0.99 -> 2, 0.999 -> 3; 1 is capped at `cap`. */
export const nines = (a: number, cap = 9) => (a >= 1 ? cap : Math.min(cap, -Math.log10(1 - a)));

export function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const pow = 10 ** Math.floor(Math.log10(x));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((k) => k * pow >= x * (1 - 1e-12))! * pow;
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) at least `x`. */
function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const pow = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].find((k) => k * pow >= x * (1 - 1e-12))! * pow;
}

function makeAxis(scale: Scale, values: number[], format: (v: number) => string): Axis {
  const finite = values.filter((v) => Number.isFinite(v));
  if (scale === 'log') {
    const positive = finite.filter((v) => v > 0);
    const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
    const hi = Math.max(lo + 1, positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1);
    const ticks = [];
    for (let k = lo; k <= hi; k++) ticks.push({ value: 10 ** k, label: format(10 ** k) });
    return { at: (v) => (v > 0 ? (Math.log10(v) - lo) / (hi - lo) : 0), ticks };
  }
  if (scale === 'nines') {
    // A perfect 100% has infinitely many nines: it sits one nine past the best finite value.
    const ns = finite.filter((v) => v < 1).map((v) => nines(v));
    const lo = Math.max(0, Math.floor(Math.min(...ns, 9)));
    const hi = Math.max(lo + 1, Math.ceil(Math.max(...ns, lo)) + (finite.some((v) => v >= 1) ? 1 : 0));
    const ticks = [];
    for (let k = lo; k <= hi; k++) ticks.push({ value: 1 - 10 ** -k, label: `${+(100 - 100 * 10 ** -k).toFixed(k)}%` });
    return { at: (v) => (nines(v, hi) - lo) / (hi - lo), ticks };
  }
  const top = Math.max(0, ...finite);
  // Counts get whole ticks: no axis of runs reads 0, 0.25, 0.5.
  const step = finite.every(Number.isInteger) ? Math.max(1, niceStep(top / 4)) : niceStep(top / 4);
  const max = Math.max(step, Math.ceil(top / step - 1e-9) * step);
  const ticks = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push({ value: v, label: format(v) });
  return { at: (v) => v / max, ticks };
}

function frame(title: string, height: number, body: string, note: string | undefined, kind: string): string {
  return `<figure class="chart" data-chart="${esc(kind)}"><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(title)}">${body}</svg>${note ? `<div class="note">${esc(note)}</div>` : ''}</figure>`;
}

function legend(names: string[], x: number, y: number): string {
  return names.map((name, i) => `<rect class="bar s${i}" x="${x + i * 120}" y="${y - 9}" width="10" height="10"/><text x="${x + i * 120 + 14}" y="${y}">${esc(name)}</text>`).join('');
}

/** Horizontal grouped bars, one group per category. */
export function barChart(c: BarChart): string {
  const left = Math.min(220, 12 + Math.max(40, ...c.categories.map((s) => s.length * 6.4)));
  const right = 70;
  const plot = W - left - right;
  const barH = 12;
  const groupH = c.series.length * (barH + 2) + 10;
  const top = c.series.length > 1 ? 34 : 20;
  const height = top + c.categories.length * groupH + (c.target ? 22 : 8);
  const all = c.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const positive = all.filter((v) => v > 0);
  const scale = c.scale ?? (positive.length && Math.max(...positive) > 100 * Math.min(...positive) ? 'log' : 'linear');
  const axis = makeAxis(scale, c.target ? [...all, c.target.value] : all, c.format);
  const x = (v: number) => left + Math.max(0, Math.min(1, axis.at(v))) * plot;
  let body = c.series.length > 1 ? legend(c.series.map((s) => s.name), left, 14) : '';
  for (const t of axis.ticks) body += `<line class="lane-line" x1="${r2(x(t.value))}" x2="${r2(x(t.value))}" y1="${top - 4}" y2="${height - 6}"/><text class="muted" x="${r2(x(t.value))}" y="${top - 6}" text-anchor="middle">${esc(t.label)}</text>`;
  c.categories.forEach((category, i) => {
    const y0 = top + i * groupH + 4;
    body += `<text x="${left - 8}" y="${r2(y0 + (groupH - 10) / 2 + 4)}" text-anchor="end">${esc(category)}</text>`;
    c.series.forEach((s, k) => {
      const v = s.values[i];
      const y = y0 + k * (barH + 2);
      const attrs = `data-category="${esc(category)}" data-series="${esc(s.name)}" data-value="${v === null ? '' : v}"`;
      if (v === null) {
        body += `<text class="muted" x="${left + 4}" y="${y + 10}" ${attrs}>no data</text>`;
        return;
      }
      const w = Math.max(1, x(v) - left);
      const label = s.labels?.[i] ?? c.format(v);
      body += `<rect class="bar s${k}" x="${left}" y="${y}" width="${r2(w)}" height="${barH}" ${attrs}><title>${esc(`${category} ${s.name}: ${label}`)}</title></rect><text x="${r2(left + w + 4)}" y="${y + 10}">${esc(label)}</text>`;
    });
  });
  if (c.target) {
    const tx = r2(x(c.target.value));
    body += `<line class="target-line" x1="${tx}" x2="${tx}" y1="${top - 2}" y2="${height - 4}" data-target="${c.target.value}"/><text x="${tx + 3}" y="${height - 6}" class="muted">${esc(c.target.label)}</text>`;
  }
  return frame(c.title, height, body, c.note, 'bar');
}

/** Vertical bars over a log axis of values; zeros get their own bar on the left. */
export function histogramChart(c: HistogramChart): string {
  const height = 190;
  const left = 46;
  const zeroW = c.zeros ? 30 : 0;
  const plotLeft = left + zeroW + (c.zeros ? 22 : 6);
  const plot = W - plotLeft - 16;
  const top = 12;
  const bottom = height - 30;
  const total = c.zeros + c.bins.reduce((n, b) => n + b.count, 0);
  if (total === 0) return frame(c.title, 50, `<text class="muted" x="${left}" y="28">no data: nothing was measured</text>`, c.note, 'histogram');
  const axis = makeAxis('log', c.bins.flatMap((b) => [b.low, b.high]), c.format);
  const x = (v: number) => plotLeft + axis.at(v) * plot;
  const maxCount = niceMax(Math.max(c.zeros, ...c.bins.map((b) => b.count)));
  const y = (n: number) => bottom - (n / maxCount) * (bottom - top);
  let body = '';
  for (const k of [0, 0.5, 1]) body += `<line class="lane-line" x1="${left}" x2="${W - 16}" y1="${r2(y(k * maxCount))}" y2="${r2(y(k * maxCount))}"/><text class="muted" x="${left - 4}" y="${r2(y(k * maxCount) + 4)}" text-anchor="end">${Math.round(k * maxCount)}</text>`;
  for (const t of axis.ticks) body += `<text class="muted" x="${r2(x(t.value))}" y="${bottom + 14}" text-anchor="middle">${esc(t.label)}</text>`;
  if (c.zeros) body += `<rect class="bar s1" x="${left + 4}" y="${r2(y(c.zeros))}" width="${zeroW - 8}" height="${r2(bottom - y(c.zeros))}" data-low="0" data-high="0" data-count="${c.zeros}"><title>0: ${c.zeros}</title></rect><text class="muted" x="${left + 4 + (zeroW - 8) / 2}" y="${bottom + 14}" text-anchor="middle">0</text>`;
  for (const b of c.bins) {
    const x0 = x(b.low);
    body += `<rect class="bar" x="${r2(x0)}" y="${r2(y(b.count))}" width="${r2(Math.max(1, x(b.high) - x0 - 1))}" height="${r2(bottom - y(b.count))}" data-low="${b.low}" data-high="${b.high}" data-count="${b.count}"><title>${esc(`${c.format(b.low)}–${c.format(b.high)}: ${b.count}`)}</title></rect>`;
  }
  body += `<text class="muted" x="${W - 16}" y="${height - 2}" text-anchor="end">${total} values</text>`;
  return frame(c.title, height, body, c.note, 'histogram');
}

/** Points joined in order (one curve per series), each labelled: a trade-off across values. */
export function curveChart(c: CurveChart): string {
  const height = 300;
  const left = 64;
  const right = 24;
  const top = 30;
  const bottom = height - 40;
  const xs = c.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = c.series.flatMap((s) => s.points.map((p) => p.y).filter((v): v is number => v !== null));
  const xAxis = makeAxis('linear', xs.length ? xs : [1], c.xFormat);
  const yAxis = makeAxis('linear', ys.length ? ys : [1], c.yFormat);
  const x = (v: number) => left + xAxis.at(v) * (W - left - right);
  const y = (v: number) => bottom - yAxis.at(v) * (bottom - top);
  let body = legend(c.series.map((s) => s.name), left, 14);
  for (const t of yAxis.ticks) body += `<line class="lane-line" x1="${left}" x2="${W - right}" y1="${r2(y(t.value))}" y2="${r2(y(t.value))}"/><text class="muted" x="${left - 4}" y="${r2(y(t.value) + 4)}" text-anchor="end">${esc(t.label)}</text>`;
  for (const t of xAxis.ticks) body += `<text class="muted" x="${r2(x(t.value))}" y="${bottom + 14}" text-anchor="middle">${esc(t.label)}</text>`;
  body += `<text class="muted" x="${(left + W - right) / 2}" y="${height - 6}" text-anchor="middle">${esc(c.xLabel)}</text><text class="muted" x="12" y="${(top + bottom) / 2}" transform="rotate(-90 12 ${(top + bottom) / 2})" text-anchor="middle">${esc(c.yLabel)}</text>`;
  const taken = new Set<string>();
  c.series.forEach((s, k) => {
    const pts = s.points.filter((p) => p.y !== null);
    body += `<path class="curve s${k}" d="${pts.map((p, i) => `${i ? 'L' : 'M'}${r2(x(p.x))} ${r2(y(p.y!))}`).join('')}"/>`;
    for (const p of pts) {
      body += `<circle class="dot s${k}" cx="${r2(x(p.x))}" cy="${r2(y(p.y!))}" r="4" data-series="${esc(s.name)}" data-label="${esc(p.label)}" data-x="${p.x}" data-y="${p.y}"><title>${esc(`${p.label}: ${c.xLabel} ${c.xFormat(p.x)}, ${s.name} ${c.yFormat(p.y!)}`)}</title></circle>`;
      if (k !== c.series.length - 1) continue;
      // Label the last series' points; a label whose spot is taken moves down a line.
      const nearEnd = x(p.x) > W - right - 50;
      let ly = y(p.y!) - 7;
      while (taken.has(`${Math.round(x(p.x) / 40)}:${Math.round(ly / 12)}`)) ly += 12;
      taken.add(`${Math.round(x(p.x) / 40)}:${Math.round(ly / 12)}`);
      body += `<text x="${r2(x(p.x) + (nearEnd ? -7 : 7))}" y="${r2(ly)}"${nearEnd ? ' text-anchor="end"' : ''}>${esc(p.label)}</text>`;
    }
  });
  return frame(c.title, height, body, c.note, 'curve');
}

/** Availability intervals on a nines axis: a whisker from low to high, the mean, and the ideal. */
export function intervalChart(c: IntervalChart): string {
  const left = Math.min(220, 12 + Math.max(40, ...c.rows.map((r) => r.label.length * 6.4)));
  const plot = W - left - 44;
  const top = 34;
  const rowH = 28;
  const height = top + c.rows.length * rowH + 10;
  const axis = makeAxis('nines', c.rows.flatMap((r) => [r.low, r.high, r.mean, ...(r.ideal != null ? [r.ideal] : [])]), c.format);
  const x = (v: number) => left + Math.max(0, Math.min(1, axis.at(v))) * plot;
  let body = `<circle class="dot" cx="${left + 4}" cy="10" r="4"/><text x="${left + 12}" y="14">estimate with its interval</text><path class="ideal" d="M${left + 206} 5l5 5l-5 5l-5 -5Z"/><text x="${left + 216}" y="14">ideal (no protocol effects)</text>`;
  for (const t of axis.ticks) body += `<line class="lane-line" x1="${r2(x(t.value))}" x2="${r2(x(t.value))}" y1="${top - 4}" y2="${height - 6}"/><text class="muted" x="${r2(x(t.value))}" y="${top - 8}" text-anchor="middle">${esc(t.label)}</text>`;
  c.rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const attrs = `data-category="${esc(r.label)}" data-mean="${r.mean}" data-low="${r.low}" data-high="${r.high}"`;
    body += `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(r.label)}</text>`;
    body += `<g ${attrs}><title>${esc(`${r.label}: ${c.format(r.mean)} (${c.format(r.low)} – ${c.format(r.high)})${r.ideal != null ? `, ideal ${c.format(r.ideal)}` : ''}`)}</title><line class="whisker" x1="${r2(x(r.low))}" x2="${r2(x(r.high))}" y1="${y}" y2="${y}"/><line class="whisker" x1="${r2(x(r.low))}" x2="${r2(x(r.low))}" y1="${y - 5}" y2="${y + 5}"/><line class="whisker" x1="${r2(x(r.high))}" x2="${r2(x(r.high))}" y1="${y - 5}" y2="${y + 5}"/><circle class="dot" cx="${r2(x(r.mean))}" cy="${y}" r="5"/></g>`;
    if (r.ideal != null) body += `<path class="ideal" d="M${r2(x(r.ideal))} ${y - 6}l6 6l-6 6l-6 -6Z" data-ideal="${r.ideal}"/>`;
  });
  return frame(c.title, height, body, c.note, 'interval');
}
