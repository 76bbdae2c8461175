/**
 * Finds designs and scenarios by name or path. A bundled design is named by its file stem in
 * `models/` (`hot-standby-naive`), a bundled schedule by its stem in `scenarios/` or
 * `scenarios/published/` (the published cases, each written for one design); a user's own
 * file is named by its path (anything with a slash or a file extension). Unknown names and
 * files that are not designs are input errors listing what exists.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { composeInvariants } from '../check/index.ts';
import { loadSchedule, type Schedule } from '../faults/schedule.ts';
import { InputError } from '../sim/input-error.ts';
import type { Design } from '../world/design.ts';

/** The package root (where models/ and scenarios/ live). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MODELS_DIR = join(PACKAGE_ROOT, 'models');
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');
/** Published failure cases: schedules written for one design (they name its nodes and probes). */
export const PUBLISHED_DIR = join(SCENARIOS_DIR, 'published');

const looksLikePath = (name: string) => name.includes('/') || name.includes('\\') || extname(name) !== '';

function stems(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => basename(f, ext))
    .sort();
}

export function designNames(): string[] {
  return stems(MODELS_DIR, '.ts');
}

/** Bundled fixed schedules (random profiles, `random-*`, are not schedules). */
export function scenarioNames(): string[] {
  return stems(SCENARIOS_DIR, '.yaml').filter((n) => !n.startsWith('random-'));
}

/** The file a design name or path refers to. */
export function designPath(nameOrPath: string): string {
  if (looksLikePath(nameOrPath)) {
    const path = resolve(nameOrPath);
    if (!existsSync(path)) throw new InputError(nameOrPath, '', 'an existing design file');
    return path;
  }
  const path = join(MODELS_DIR, `${nameOrPath}.ts`);
  if (!existsSync(path)) throw new InputError('design', nameOrPath, `a bundled design (${designNames().join(', ')}) or a path to a design file`);
  return path;
}

export async function loadDesign(nameOrPath: string): Promise<Design> {
  const path = designPath(nameOrPath);
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new InputError(nameOrPath, '', 'a design module that loads as an ES module (its package.json needs "type": "module", or name it .mts)', error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  const design = module.default as Design | undefined;
  if (!design || typeof design !== 'object' || typeof design.createNode !== 'function' || typeof design.topology !== 'function') {
    throw new InputError(nameOrPath, 'default export', 'a design made with defineDesign({ name, description, params, topology, createNode })');
  }
  if (design.invariants !== undefined) checkDesignInvariants(design.invariants, nameOrPath);
  return design;
}

/** A design's own invariants: a list of named checks whose names no built-in invariant has. */
function checkDesignInvariants(invariants: unknown, source: string): void {
  const expected = 'a list of invariants { name, description, check(history) }';
  if (!Array.isArray(invariants)) throw new InputError(source, 'invariants', expected);
  invariants.forEach((inv, i) => {
    if (inv === null || typeof inv !== 'object' || typeof inv.name !== 'string' || typeof inv.check !== 'function') throw new InputError(source, `invariants[${i}]`, expected);
  });
  try {
    composeInvariants(invariants);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(source, `invariants.${error.field}`, error.expected);
    throw error;
  }
}

/** Bundled published cases (`scenarios/published/`), each for one design. */
export function publishedScenarioNames(): string[] {
  return stems(PUBLISHED_DIR, '.yaml');
}

export function scenarioPath(nameOrPath: string): string {
  if (looksLikePath(nameOrPath)) return resolve(nameOrPath);
  const published = join(PUBLISHED_DIR, `${nameOrPath}.yaml`);
  const path = existsSync(published) ? published : join(SCENARIOS_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(path)) throw new InputError('scenario', nameOrPath, `a bundled scenario (${scenarioNames().join(', ')}) or a path to a schedule file`);
  return path;
}

export function loadScenario(nameOrPath: string): Schedule {
  return loadSchedule(scenarioPath(nameOrPath));
}

/** Bundled random fault profiles (`scenarios/random-*.yaml`). */
export function profileNames(): string[] {
  return stems(SCENARIOS_DIR, '.yaml').filter((n) => n.startsWith('random-'));
}

/** The file a random profile name (`random-default`, or just `default`) or path refers to. */
export function profilePath(nameOrPath: string): string {
  if (looksLikePath(nameOrPath)) {
    const path = resolve(nameOrPath);
    if (!existsSync(path)) throw new InputError(nameOrPath, '', 'an existing random profile file');
    return path;
  }
  for (const stem of [nameOrPath, `random-${nameOrPath}`]) {
    const path = join(SCENARIOS_DIR, `${stem}.yaml`);
    if (stem.startsWith('random-') && existsSync(path)) return path;
  }
  throw new InputError('profile', nameOrPath, `a bundled random profile (${profileNames().join(', ') || 'none yet'}) or a path to a profile file`);
}
