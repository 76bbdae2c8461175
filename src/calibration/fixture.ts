/**
 * Calibration fixtures: what the harness in calibration/ recorded from the real systems, one
 * JSON-lines file per experiment (calibration/fixtures/<system>--<experiment>.jsonl). The first
 * line is the header (versions, settings, machine load, date); each further line is one trial:
 * the time of each protocol step in milliseconds from the fault (null: the step did not happen),
 * and the acked writes lost.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../campaign/catalog.ts';
import { InputError } from '../sim/input-error.ts';

export const FIXTURES_DIR = join(PACKAGE_ROOT, 'calibration', 'fixtures');

export interface FixtureHeader {
  system: string;
  experiment: string;
  description: string;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  recordedAt: string;
  cores: number;
  loadAvgAtStart: number[];
}

export interface FixtureTrial {
  trial: number;
  completed: boolean;
  /** Step name -> ms from the fault, or null when the step was not seen. */
  steps: Record<string, number | null>;
  lostAckedWrites: number | null;
  /** Election rounds (candidate terms), where the system has them. */
  rounds?: number;
  loadAvg: number[];
}

export interface Fixture {
  header: FixtureHeader;
  trials: FixtureTrial[];
}

/** Parses a fixture's text; `source` names the file in errors. */
export function parseFixture(text: string, source: string): Fixture {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const rows = lines.map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InputError(source, `line ${i + 1}`, 'a JSON object');
    }
  });
  const [head, ...rest] = rows;
  if (!head || head.header !== true) throw new InputError(source, 'line 1', 'a header line with "header": true');
  for (const key of ['system', 'experiment', 'versions', 'settings']) {
    if (head[key] === undefined) throw new InputError(source, `line 1.${key}`, 'a value');
  }
  rest.forEach((row, i) => {
    if (typeof row.steps !== 'object' || row.steps === null) throw new InputError(source, `line ${i + 2}.steps`, 'an object of step -> ms');
  });
  return { header: head as unknown as FixtureHeader, trials: rest as unknown as FixtureTrial[] };
}

/** Loads calibration/fixtures/<id>.jsonl. */
export function loadFixture(id: string, dir = FIXTURES_DIR): Fixture {
  const path = join(dir, `${id}.jsonl`);
  if (!existsSync(path)) throw new InputError(path, '', 'a recorded fixture (run npm run calibrate)');
  return parseFixture(readFileSync(path, 'utf8'), path);
}

/** The values of one step over the completed trials (nulls dropped). */
export function stepValues(fixture: Fixture, step: string): number[] {
  return fixture.trials.filter((t) => t.completed).map((t) => t.steps[step]).filter((v): v is number => typeof v === 'number');
}
