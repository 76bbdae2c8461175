/**
 * The figures of `npm run bench`, and the previous bench's beside them. Every part of the bench
 * returns named figures; the run prints them in one table with the committed previous figures
 * (bench/previous.json) and the change, and `--save` makes this run's figures the previous ones.
 *
 * Timings on a shared machine move with its load, so the file also records the load average
 * (`uptime`) and the speed of a bare event-heap loop measured in the same process: a speed
 * figure divided by it is a ratio that the machine's speed cancels out of, and the "normalised"
 * change compares those ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface Figure {
  /** Stable key, e.g. `design.raft.10000.simPerWall`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** Which way is better: speeds up, memory down. */
  better: 'higher' | 'lower';
  /** A speed (divided by the bare-heap speed to normalise) rather than a size. */
  speed?: boolean;
  goal?: string;
  note?: string;
}

export interface BenchRecord {
  /** When and where it was measured (for people; nothing reads it back). */
  measuredAt: string;
  commit: string;
  loadAverage: number[];
  /** Events per wall second of the bare heap loop in this process: the machine's speed. */
  bareHeapEventsPerSecond: number;
  figures: Record<string, { label: string; value: number; unit: string; note?: string }>;
}

export const PREVIOUS_FILE = new URL('./previous.json', import.meta.url);

export function loadPrevious(): BenchRecord | undefined {
  return existsSync(PREVIOUS_FILE) ? (JSON.parse(readFileSync(PREVIOUS_FILE, 'utf8')) as BenchRecord) : undefined;
}

export function record(figures: Figure[], bareHeapEventsPerSecond: number, previous?: BenchRecord): BenchRecord {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  // a partial bench (--parts) keeps the previous figures of the parts it did not run
  const kept = { ...(previous?.figures ?? {}) };
  for (const f of figures) kept[f.key] = { label: f.label, value: f.value, unit: f.unit, ...(f.note ? { note: f.note } : {}) };
  return { measuredAt: new Date().toISOString(), commit, loadAverage: loadavg().map((x) => Number(x.toFixed(2))), bareHeapEventsPerSecond: Math.round(bareHeapEventsPerSecond), figures: kept };
}

export function save(rec: BenchRecord): void {
  writeFileSync(PREVIOUS_FILE, JSON.stringify(rec, null, 2) + '\n');
}

const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : Math.abs(x) >= 10 ? x.toFixed(1) : x.toPrecision(3));

/** The figures beside the previous ones: previous, now, now/previous, and machine-normalised for speeds. */
export function table(figures: Figure[], bare: number, previous: BenchRecord | undefined): string {
  const rows: string[][] = [['figure', 'previous', 'now', 'now/prev', 'normalised', 'goal']];
  for (const f of figures) {
    const p = previous?.figures[f.key];
    const ratio = p && p.value > 0 ? f.value / p.value : undefined;
    const normalised = ratio !== undefined && f.speed && previous ? ratio / (bare / previous.bareHeapEventsPerSecond) : undefined;
    rows.push([
      f.label,
      p ? `${num(p.value)} ${p.unit}` : '-',
      `${num(f.value)} ${f.unit}`,
      ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      normalised === undefined ? '-' : `${normalised.toFixed(2)}x`,
      f.goal ?? '',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}
