/**
 * What the campaign commands (check, compare, sweep, merge) share on the command line: number
 * flags, the progress bar (on stderr, only when stderr is a terminal), Ctrl-C handling (stop
 * dispatching, keep the partial results), and writing outputs: the JSON result file, JUnit
 * XML and the failing schedules with their replay commands.
 */
import type { Progress } from '../campaign/campaign.ts';
import type { CampaignFile } from '../report/campaign-json.ts';
import { junitXml } from '../report/junit.ts';
import { InputError } from '../sim/input-error.ts';
import { writeOutput, writeOutputAtomically } from './output-path.ts';
import { err, out, stderrIsTty } from './io.ts';

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


/** Where progress goes: stderr, a terminal or a log. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Seconds between progress lines when stderr is a log, not a terminal. */
export const LOG_PROGRESS_INTERVAL_MS = 5000;

/**
 * Progress on stderr. On a terminal: one line redrawn at most ten times a second (a bar,
 * runs/s, ETA, failures so far), cleared at the end. In a log (CI, a pod): a short line every
 * few seconds, so a long campaign shows it is alive without flooding the log; a campaign
 * shorter than that prints nothing.
 */
export class ProgressBar {
  private lastDrawMs: number;
  private drawn = false;
  private readonly startedAt: number;
  private firstDone: number | undefined;
  private readonly stream: ProgressStream;

  constructor(
    stream?: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {
    this.stream = stream ?? { isTTY: stderrIsTty(), columns: process.stderr.columns, write: err };
    this.startedAt = now();
    this.lastDrawMs = this.stream.isTTY ? 0 : this.startedAt;
  }

  update = (p: Progress): void => {
    const now = this.now();
    if (!this.stream.isTTY) return this.log(p, now);
    if (p.done < p.total && now - this.lastDrawMs < 100) return;
    this.lastDrawMs = now;
    this.firstDone ??= p.done;
    const width = 24;
    const fraction = p.total ? p.done / p.total : 1;
    const filled = Math.round(fraction * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const what = p.phase === 'shrink' ? `shrinking failures ${p.done}/${p.total}` : `[${bar}] ${p.done}/${p.total} ${this.rate(p, now)}`;
    const line = `${what}  failures ${p.failedRuns}`;
    this.stream.write(`\r${line.padEnd(this.width() - 1)}`);
    this.drawn = true;
  };

  private log(p: Progress, now: number): void {
    this.firstDone ??= p.done;
    if (now - this.lastDrawMs < LOG_PROGRESS_INTERVAL_MS) return;
    this.lastDrawMs = now;
    const what = p.phase === 'shrink' ? `shrinking failures ${p.done}/${p.total}` : `${p.done}/${p.total} runs, ${this.rate(p, now)}`;
    this.stream.write(`hasim: ${what}, failures ${p.failedRuns}\n`);
  }

  private rate(p: Progress, now: number): string {
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? (p.done - (this.firstDone ?? 0)) / seconds : 0;
    return `${rate.toFixed(1)} runs/s ${rate > 0 ? `ETA ${formatSeconds((p.total - p.done) / rate)}` : 'ETA -'}`;
  }

  private width(): number {
    return Math.min(this.stream.columns ?? 80, 100);
  }

  /** Clears the line so the report starts on a clean one. */
  done(): void {
    if (this.drawn) this.stream.write(`\r${' '.repeat(this.width() - 1)}\r`);
    this.drawn = false;
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Exit codes after a stopping signal (128 + its number), as shells report them. */
export const EXIT_ON_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

export interface Interrupt {
  /** Aborts on the first SIGINT (Ctrl-C) or SIGTERM (a CI cancel, Kubernetes stopping a pod). */
  signal: AbortSignal;
  /** The exit code for the signal received (130 or 143), once one was. */
  exitCode(): number | undefined;
  dispose(): void;
}

/** What a campaign says when a signal stops it (after a newline: a progress bar may be on the line). */
const CAMPAIGN_STOPPING = (name: keyof typeof EXIT_ON_SIGNAL) =>
  `\nhasim: ${name === 'SIGINT' ? 'interrupted' : 'terminated'}; writing partial results (${name === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`;

/**
 * An AbortSignal that SIGINT or SIGTERM fires: the campaign stops dispatching, drops the runs
 * in flight and returns what is done, which the command writes out. A second signal ends the
 * process at once, the usual way. `stopping` is what the command says when the first arrives.
 */
export function interruptSignal(stopping: (name: keyof typeof EXIT_ON_SIGNAL) => string = CAMPAIGN_STOPPING): Interrupt {
  const controller = new AbortController();
  let received: keyof typeof EXIT_ON_SIGNAL | undefined;
  const handlers = (Object.keys(EXIT_ON_SIGNAL) as (keyof typeof EXIT_ON_SIGNAL)[]).map((name) => {
    const handler = () => {
      if (received) {
        dispose();
        process.kill(process.pid, name);
        return;
      }
      received = name;
      err(stopping(name));
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const dispose = () => handlers.forEach(([name, handler]) => process.removeListener(name, handler));
  return { signal: controller.signal, exitCode: () => (received ? EXIT_ON_SIGNAL[received] : undefined), dispose };
}

/**
 * Writes a campaign's result file as runs complete, at most every `intervalMs`, atomically (a
 * temporary file renamed over it), so a process killed outright loses only the runs in
 * flight and the last few seconds; `--resume` continues from the file.
 */
export class Checkpointer {
  private lastWriteMs = 0;
  /** Whether a checkpoint was written. */
  wrote = false;

  constructor(
    private readonly path: string,
    private readonly intervalMs = 2000,
  ) {}

  offer(snapshot: () => unknown): void {
    const now = Date.now();
    if (now - this.lastWriteMs < this.intervalMs) return;
    this.lastWriteMs = now;
    this.wrote = true;
    writeOutputAtomically(this.path, JSON.stringify(snapshot(), null, 2) + '\n');
  }
}

/** Writes each kept failure's schedule (shrunk when it could be) where its replay command says. */
export function writeFailureSchedules(file: CampaignFile): number {
  let written = 0;
  for (const design of file.designs) {
    for (const failure of design.failures) {
      if (!failure.scheduleFile || !failure.scheduleYaml) continue;
      writeOutput(failure.scheduleFile, failure.scheduleYaml);
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
 * Writes a command's JSON result to its `--json FILE`, or to stdout when `--json` was bare
 * (then it replaces the text report, so stdout stays parseable); returns whether stdout got it.
 */
export function writeJson(json: string | true | undefined, body: unknown): boolean {
  const text = JSON.stringify(body, null, 2) + '\n';
  if (typeof json === 'string') writeOutput(json, text);
  if (json === true) out(text);
  return json === true;
}

/**
 * Writes the JSON and JUnit outputs; returns whether the JSON went to stdout (then the text
 * report goes nowhere, so stdout stays parseable).
 */
export function writeOutputs(file: CampaignFile, flags: OutputFlags): boolean {
  if (flags.junit) writeOutput(flags.junit, junitXml(file));
  return writeJson(flags.json, file);
}
