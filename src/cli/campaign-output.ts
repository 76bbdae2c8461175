/**
 * What the campaign commands (check, compare, sweep, merge) share on the command line: number
 * flags, the progress bar (on stderr, only when stderr is a terminal), Ctrl-C handling (stop
 * dispatching, keep the partial results), and writing outputs: the JSON result file, JUnit
 * XML and the failing schedules with their replay commands.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Progress } from '../campaign/campaign.ts';
import type { CampaignFile } from '../report/campaign-json.ts';
import { junitXml } from '../report/junit.ts';
import { InputError } from '../sim/input-error.ts';
import { out, err } from './io.ts';

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

export function parseCount(raw: string, flag: string, min = 0): number {
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new InputError(flag, '', `an integer >= ${min}`, JSON.stringify(raw));
  return n;
}

/** Parses `--invariants a,b`. */
export function parseList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}


/**
 * A progress line on stderr (runs/s, ETA, failures so far), redrawn at most ten times a
 * second, or nothing at all when stderr is not a terminal (CI logs stay clean).
 */
export class ProgressBar {
  private lastDrawMs = 0;
  private drawn = false;
  private readonly enabled: boolean;
  private readonly startedAt = Date.now();
  private firstDone: number | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = stream.isTTY === true;
  }

  update = (p: Progress): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (p.done < p.total && now - this.lastDrawMs < 100) return;
    this.lastDrawMs = now;
    this.firstDone ??= p.done;
    const width = 24;
    const fraction = p.total ? p.done / p.total : 1;
    const filled = Math.round(fraction * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? (p.done - this.firstDone) / seconds : 0;
    const eta = rate > 0 ? `ETA ${formatSeconds((p.total - p.done) / rate)}` : 'ETA -';
    const what = p.phase === 'shrink' ? `shrinking failures ${p.done}/${p.total}` : `[${bar}] ${p.done}/${p.total} ${rate.toFixed(1)} runs/s ${eta}`;
    const line = `${what}  failures ${p.failedRuns}`;
    this.stream.write(`\r${line.padEnd(Math.min(this.stream.columns ?? 80, 100) - 1)}`);
    this.drawn = true;
  };

  /** Clears the line so the report starts on a clean one. */
  done(): void {
    if (this.drawn) this.stream.write(`\r${' '.repeat(Math.min(this.stream.columns ?? 80, 100) - 1)}\r`);
    this.drawn = false;
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * An AbortSignal that Ctrl-C fires: the campaign stops dispatching and returns its partial
 * results. A second Ctrl-C kills the process the usual way.
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    err('\nhasim: interrupted; writing partial results (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes each kept failure's schedule (shrunk when it could be) where its replay command says. */
export function writeFailureSchedules(file: CampaignFile): number {
  let written = 0;
  for (const design of file.designs) {
    for (const failure of design.failures) {
      if (!failure.scheduleFile || !failure.scheduleYaml) continue;
      writeText(failure.scheduleFile, failure.scheduleYaml);
      written++;
    }
  }
  return written;
}

export interface OutputFlags {
  json?: string | true;
  junit?: string;
}

/**
 * Writes the JSON and JUnit outputs; returns whether the JSON went to stdout (then the text
 * report goes nowhere, so stdout stays parseable).
 */
export function writeOutputs(file: CampaignFile, flags: OutputFlags): boolean {
  const json = JSON.stringify(file, null, 2) + '\n';
  if (typeof flags.json === 'string') writeText(flags.json, json);
  if (flags.junit) writeText(flags.junit, junitXml(file));
  if (flags.json === true) {
    out(json);
    return true;
  }
  return false;
}
