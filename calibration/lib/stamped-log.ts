/**
 * Reading daemons' own log files by their millisecond timestamps (corosync with `timestamp:
 * hires`, Pacemaker's PCMK_logfile: "Dec 05 18:03:15.591 ..."): each line's time on this
 * machine's clock, so a harness can measure protocol steps from the logs rather than from when
 * it happened to read them.
 */
import { existsSync, readFileSync } from 'node:fs';

/** A log line's own timestamp, as ms since the epoch (this machine's zone), near `nearMs`. */
export function stampOf(line: string, nearMs: number): number | undefined {
  const m = /^(\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})/.exec(line);
  if (!m) return undefined;
  const near = new Date(nearMs);
  const t = new Date(near.getFullYear(), near.getMonth(), near.getDate(), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
  // a line from just before or after midnight
  if (t - nearMs > 12 * 3600_000) return t - 86_400_000;
  if (nearMs - t > 12 * 3600_000) return t + 86_400_000;
  return t;
}

export interface Stamped {
  ms: number;
  text: string;
}

/** The stamped lines of the log at `path` (none if it does not exist yet). */
export function readStamped(path: string, nearMs: number): Stamped[] {
  if (!existsSync(path)) return [];
  const out: Stamped[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const ms = stampOf(text, nearMs);
    if (ms !== undefined) out.push({ ms, text });
  }
  return out;
}
