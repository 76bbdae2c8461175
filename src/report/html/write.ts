/**
 * What the commands call to write an HTML report: the file (its directory made when missing)
 * and the parsing of `--html-window FROM..TO`, the message-diagram windows a reader asks for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../sim/input-error.ts';
import { DURATION_EXPECTED, tryParseDuration, type Micros } from '../../sim/time.ts';

export function writeHtml(path: string, html: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
}

/** `30s..32s` (or `30.5s..31s`, `1m..1m2s`) as a window in µs; an InputError otherwise. */
export function parseHtmlWindow(raw: string): { startUs: Micros; endUs: Micros } {
  const parts = raw.split('..');
  const [start, end] = parts.map((p) => tryParseDuration(p));
  if (parts.length !== 2 || start === undefined || end === undefined || end <= start) {
    throw new InputError('--html-window', '', `FROM..TO, two instants as durations with FROM < TO (e.g. 30s..32s; ${DURATION_EXPECTED})`, JSON.stringify(raw));
  }
  return { startUs: start, endUs: end };
}
