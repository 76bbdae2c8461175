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
import { guardUserCode } from './user-code-guard.ts';
import { loadSchedule, type Schedule } from '../faults/schedule.ts';
import { describeValue, InputError } from '../sim/input-error.ts';
import { checkParamSpec, defaultParams } from '../world/params.ts';
import { checkedTopology } from '../world/topology-check.ts';
import type { Design } from '../world/design.ts';

/** The package root (where models/ and scenarios/ live). */
const HERE = dirname(fileURLToPath(import.meta.url));
/** Where src/ and models/ are: the package root, or `dist/` in the published build. */
export const CODE_ROOT = resolve(HERE, '../..');
/** Whether this runs from the published build (dist/src/campaign/catalog.js), not the sources. */
const BUILT = basename(CODE_ROOT) === 'dist' && !existsSync(join(CODE_ROOT, 'src', 'campaign', 'catalog.ts'));
/** The package root (where scenarios/ and schemas/ live). */
export const PACKAGE_ROOT = BUILT ? resolve(CODE_ROOT, '..') : CODE_ROOT;
/** The extension of hasim's own modules: `.ts` from the sources, `.js` in the build. */
export const CODE_EXT = BUILT ? '.js' : '.ts';
export const MODELS_DIR = join(CODE_ROOT, 'models');
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');
/** Published failure cases: schedules written for one design (they name its nodes and probes). */
export const PUBLISHED_DIR = join(SCENARIOS_DIR, 'published');

/** Whether a design is named by a path (a user's file) rather than a bundled name. */
export const isDesignPath = (name: string): boolean => name.includes('/') || name.includes('\\') || extname(name) !== '';

function stems(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => basename(f, ext))
    .sort();
}

export function designNames(): string[] {
  return stems(MODELS_DIR, CODE_EXT).filter((n) => !n.endsWith('.d'));
}

/** Bundled fixed schedules (random profiles, `random-*`, are not schedules). */
export function scenarioNames(): string[] {
  return stems(SCENARIOS_DIR, '.yaml').filter((n) => !n.startsWith('random-'));
}

/** The file a design name or path refers to. */
export function designPath(nameOrPath: string): string {
  if (isDesignPath(nameOrPath)) {
    const path = resolve(nameOrPath);
    if (!existsSync(path)) throw new InputError(nameOrPath, '', 'an existing design file');
    return path;
  }
  const path = join(MODELS_DIR, `${nameOrPath}${CODE_EXT}`);
  if (!existsSync(path)) throw new InputError('design', nameOrPath, `a bundled design (${designNames().join(', ')}) or a path to a design file`);
  return path;
}

/**
 * Loads a design file and checks it: its default export, its parameter declarations and the
 * topology its defaults give. A user's file goes past the thread's user-code guard first
 * (`user-code-guard.ts`: the CLI tries it in a worker it can stop). Every problem is an InputError naming the file (a syntax error
 * with its line and column, a missing package by name, an exception thrown at import).
 */
export async function loadDesign(nameOrPath: string): Promise<Design> {
  const path = designPath(nameOrPath);
  if (isDesignPath(nameOrPath)) await guardUserCode(nameOrPath, path, 'design');
  let module: { default?: unknown };
  try {
    const url = pathToFileURL(path).href;
    const bundled = bundledDesigns()?.get(url);
    if (!bundled) await typeScriptLoader(path);
    module = bundled ? await bundled() : await import(url);
  } catch (error) {
    throw importError(nameOrPath, path, error);
  }
  const design = module.default as Design | undefined;
  if (!design || typeof design !== 'object' || typeof design.createNode !== 'function' || typeof design.topology !== 'function') {
    throw new InputError(nameOrPath, 'default export', 'a design made with defineDesign({ name, description, params, topology, createNode })');
  }
  checkDesign(design, nameOrPath);
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

/** In a bundled worker (`worker-bundle.ts`): the bundled designs' modules by file URL. */
const bundledDesigns = () => (globalThis as unknown as Record<symbol, Map<string, () => Promise<{ default?: unknown }>> | undefined>)[Symbol.for('hasim.bundled-designs')];

/** Set by whoever registered tsx in this thread (the bin, the worker boots, this file). */
const TSX_REGISTERED = Symbol.for('hasim.tsx-registered');

/**
 * Makes a TypeScript design importable: from the sources hasim already runs under tsx; from
 * a bundled worker or the build (an installed package, e.g. `loadDesign('./my-design.ts')` in a user's vitest
 * suite, which runs hasim as plain JavaScript) tsx is registered here, once per thread.
 */
async function typeScriptLoader(path: string): Promise<void> {
  const global = globalThis as unknown as Record<symbol, unknown>;
  // a bundled worker runs without tsx too, until a user's file needs it (pools give user code
  // to the tsx boot, so this is a safety net)
  if ((!BUILT && !bundledDesigns()) || global[TSX_REGISTERED] || !/\.[cm]?tsx?$/.test(path)) return;
  const { register } = await import('tsx/esm/api');
  register();
  global[TSX_REGISTERED] = true;
}

/** The declarations of a loaded design: names, parameter specs, and the default topology. */
function checkDesign(design: Design, source: string): void {
  if (typeof design.name !== 'string' || design.name.trim() === '') throw new InputError(source, 'name', 'a non-empty design name', describeValue(design.name));
  if (design.description !== undefined && typeof design.description !== 'string') throw new InputError(source, 'description', 'one line of text', describeValue(design.description));
  if (design.params === null || typeof design.params !== 'object' || Array.isArray(design.params)) throw new InputError(source, 'params', 'a mapping of parameter declarations ({} when none)', describeValue(design.params));
  for (const [name, spec] of Object.entries(design.params)) checkParamSpec(spec, source, `params.${name}`);
  checkedTopology(design, defaultParams(design.params, source), source);
}

/** What an import failure means, in one line: the file and position of a syntax error, a missing package, an exception. */
function importError(source: string, path: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  // esbuild (tsx): "Transform failed with 1 error:\n/path/file.ts:4:43: ERROR: Expected ..."
  const transform = /^(\S+?):(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (transform) return new InputError(`${transform[1]}:${transform[2]}:${transform[3]}`, '', 'valid TypeScript', transform[4]);
  if (error instanceof SyntaxError) {
    const at = new RegExp(`${escapeRegExp(path)}:(\\d+)`).exec(error.stack ?? '');
    return new InputError(at ? `${path}:${at[1]}` : path, '', 'valid JavaScript', oneLine(error));
  }
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message);
  if (code === 'ERR_MODULE_NOT_FOUND' && missing) {
    const pkg = missing[1];
    const hint = pkg === 'hasim' ? 'npm install hasim (or a tarball or git URL of it) in the project holding the design' : `the module it imports (${pkg}) to exist`;
    return new InputError(source, `import '${pkg}'`, hint, 'not found from ' + dirname(path));
  }
  // a .ts/.js file in a package without "type": "module" is CommonJS to Node (and tsx)
  if (/Cannot use import statement outside a module|require\(\) (of )?ES Module|exports is not defined|ERR_REQUIRE_ESM|ERR_REQUIRE_CYCLE_MODULE/.test(`${message} ${code}`)) {
    return new InputError(source, '', 'an ES module (its package.json needs "type": "module", or name the file .mts)', oneLine(error));
  }
  const where = (error instanceof Error ? error.stack ?? '' : '').split('\n').find((l) => l.includes(path))?.trim().replace(/^at\s+/, '');
  return new InputError(source, '', 'a design that loads without throwing', `${oneLine(error)}${where ? ` at ${where}` : ''}`);
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : error.name + ': '}${error.message}` : String(error);
  return JSON.stringify(text.split('\n')[0].slice(0, 200));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function scenarioPath(nameOrPath: string): string {
  if (isDesignPath(nameOrPath)) return resolve(nameOrPath);
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
  if (isDesignPath(nameOrPath)) {
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

export const RELIABILITY_DIR = join(SCENARIOS_DIR, 'reliability');

/** Bundled reliability data files (`scenarios/reliability/*.yaml`), for `estimate --reliability`. */
export function reliabilityNames(): string[] {
  return stems(RELIABILITY_DIR, '.yaml');
}

/** The file a reliability name (`p1`) or path refers to. */
export function reliabilityPath(nameOrPath: string): string {
  if (isDesignPath(nameOrPath)) return resolve(nameOrPath);
  const path = join(RELIABILITY_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(path)) throw new InputError('--reliability', nameOrPath, `bundled reliability data (${reliabilityNames().join(', ')}) or a path to a reliability file`);
  return path;
}
