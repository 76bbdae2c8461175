/**
 * Writes a calibration fixture: JSON lines, the first a header (system, experiment, versions,
 * settings, machine load, date), then one line per trial. Times in a trial are milliseconds
 * from the fault, measured on this machine's clock from the systems' own event channels.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { killAll } from './procs.ts';

export const FIXTURES = join(dirname(new URL(import.meta.url).pathname), '..', 'fixtures');

export function loadAvg(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** `command --version`'s first line, or 'unknown'. */
export function versionOf(command: string, args = ['--version']): string {
  try {
    // some tools (keepalived) print their version on stderr
    const out = spawnSync(command, args, { encoding: 'utf8' });
    return `${out.stdout ?? ''}${out.stderr ?? ''}`.split('\n')[0].trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface FixtureHeader {
  system: string;
  experiment: string;
  description: string;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
}

/**
 * Trials go to `<fixture>.partial` as they finish; `finish()` renames it over the fixture, so an
 * interrupted or shorter run never replaces a committed fixture.
 */
export class FixtureWriter {
  readonly path: string;
  private readonly partial: string;

  constructor(header: FixtureHeader, file = `${header.system}--${header.experiment}.jsonl`) {
    this.path = join(FIXTURES, file);
    this.partial = `${this.path}.partial`;
    mkdirSync(dirname(this.path), { recursive: true });
    const cores = execFileSync('nproc', { encoding: 'utf8' }).trim();
    writeFileSync(this.partial, JSON.stringify({ header: true, ...header, recordedAt: new Date().toISOString(), cores: Number(cores), loadAvgAtStart: loadAvg() }) + '\n');
  }

  trial(record: Record<string, unknown>): void {
    appendFileSync(this.partial, JSON.stringify({ ...record, loadAvg: loadAvg() }) + '\n');
  }

  finish(): void {
    renameSync(this.partial, this.path);
  }
}

/** Reads the `--trials N` and `--only NAME` style flags shared by every harness script. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/**
 * The trials' source of random fault phases: `--seed N` replays a recording's phases, and
 * without it each recording draws its own (the wall clock is fine here: this is the harness
 * around the real systems, not simulated code).
 */
export function trialRng(): () => number {
  let seed = Number(flag('seed', String(Date.now() % 100000)));
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * A trial's set-up failed before any fault was injected (a cluster that did not come up on a
 * loaded machine): the trial is retried from scratch rather than recorded.
 */
export class SetupError extends Error {}

/**
 * Runs `count` trials, each at a fault phase drawn from `trialRng()`, writes each record to the
 * fixture as it comes (so an interrupted recording keeps what it has) and prints one progress
 * line per trial; the fixture is finished once all have run. A trial whose set-up failed
 * (`SetupError`) is run again, up to `count` retries in all.
 */
export async function recordTrials(
  writer: FixtureWriter,
  count: number,
  trial: (index: number, rng: () => number) => Promise<Record<string, unknown>>,
  summary: (record: Record<string, unknown>, steps: Record<string, number | null>) => string,
): Promise<void> {
  const rng = trialRng();
  let retries = 0;
  for (let i = 1; i <= count; i++) {
    let record: Record<string, unknown>;
    try {
      record = await trial(i, rng);
    } catch (error) {
      if (!(error instanceof SetupError) || ++retries > count) throw error;
      console.error(`trial ${i}: set-up failed (${error.message}); retrying`);
      await killAll();
      i--;
      continue;
    }
    writer.trial(record);
    console.log(`trial ${i}/${count}: ${summary(record, record.steps as Record<string, number | null>)}`);
  }
  writer.finish();
  console.log(`wrote ${writer.path}`);
}
