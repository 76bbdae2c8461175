/**
 * What an incident log pins of the code that simulated its incidents, so `hasim estimate-replay`
 * can tell "the model changed since the log was written" (a trace hash that differs is then
 * expected) from "the replay is not faithful" (a bug).
 *
 * The code is the design's module and every module it imports, followed through imports
 * by path (a bundled model's parts, world and simulator; a user's design file and its own helper
 * files; absolute paths too), together with the estimate's incident simulation (`chunk.ts` and what it imports: the
 * fast-forward, the plant's faults, the sampler). Each file is hashed by its bytes; the design's
 * source hash is one hash over the sorted (path, file hash) pairs. Files inside hasim are named by
 * their path from the package root (`models/dr-site.ts`, `src/parts/heartbeat.ts`), a user's files
 * by their path from the design file's folder (`user:my-design.ts`), so the hash depends on the
 * files' contents and their names only: the same for a checkout moved elsewhere, different for a
 * byte changed in any of them. `import type` lines are skipped (they carry no code); a specifier
 * in a comment that names an existing file only adds that file (a false alarm at worst, never a
 * missed change). Packages (seedrandom, yaml) are pinned by hasim's version, which the log's
 * header holds beside.
 *
 * The parameters are pinned the same way: a hash of every parameter's resolved value (the
 * `--set` values over the design's defaults), so a changed default shows too.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_EXT, CODE_ROOT, designPath } from '../campaign/catalog.ts';
import type { ParamValues } from '../world/design.ts';

/** The code a design's incidents ran: one hash, and each file's, by name. */
export interface DesignSource {
  /** sha256 over the sorted (name, file hash) pairs, 16 hex digits. */
  hash: string;
  /** Each file's sha256 (16 hex digits) by its name (see the file comment). */
  files: Record<string, string>;
}

/** The estimate's incident simulation: every incident runs through this module (`runChunk`). */
const INCIDENT_SIMULATION = join(dirname(fileURLToPath(import.meta.url)), `chunk${CODE_EXT}`);

/** A design's code (by bundled name or path) with the incident simulation's, read from disk now. */
export function designSource(nameOrPath: string): DesignSource {
  const path = designPath(nameOrPath);
  const userDir = dirname(path);
  const files: Record<string, string> = {};
  for (const file of importClosure([path, INCIDENT_SIMULATION])) files[sourceName(file, userDir)] = sha(readFileSync(file));
  return { hash: combinedHash(files), files };
}

/** One hash over named file hashes, independent of the order they were found in. */
export function combinedHash(files: Record<string, string>): string {
  const names = Object.keys(files).sort();
  return sha(names.map((name) => `${name}\0${files[name]}\0`).join(''));
}

/** A hash of the resolved parameter values (keys sorted, so declaration order does not count). */
export function paramsHash(params: ParamValues): string {
  const sorted = Object.fromEntries(Object.keys(params).sort().map((key) => [key, params[key]]));
  return sha(JSON.stringify(sorted));
}

/**
 * The files that differ between a logged source and the current one, named: changed, added
 * (imported now, not then) and removed. Empty when the hashes agree.
 */
export function sourceChanges(logged: DesignSource, now: DesignSource): string[] {
  if (logged.hash === now.hash) return [];
  const names = [...new Set([...Object.keys(logged.files), ...Object.keys(now.files)])].sort();
  return names.flatMap((name) => {
    const before = logged.files[name];
    const after = now.files[name];
    if (before === after) return [];
    return [before === undefined ? `${name} (new)` : after === undefined ? `${name} (gone)` : name];
  });
}

/** Every file reachable from `roots` through imports by path, sorted. */
export function importClosure(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of localImports(readFileSync(file, 'utf8'))) {
      const target = resolveImport(dirname(file), specifier);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

/**
 * The files a module imports or re-exports by path (relative or absolute: static, side-effect
 * and literal dynamic imports), not `import type` / `export type` ones, nor packages.
 */
export function localImports(text: string): string[] {
  const found: string[] = [];
  const path = `((?:\\.{1,2})?\\/[^'"]+)`;
  const patterns = [
    new RegExp(`\\b(?:import|export)\\s+(?!type\\b)[^;'"]*?\\bfrom\\s*['"]${path}['"]`, 'g'),
    new RegExp(`\\bimport\\s*['"]${path}['"]`, 'g'),
    new RegExp(`\\bimport\\s*\\(\\s*['"]${path}['"]\\s*\\)`, 'g'),
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

/** The file a path specifier names: as written, or with the other code extension (`.ts` sources, `.js` build). */
function resolveImport(from: string, specifier: string): string | undefined {
  const path = resolve(from, specifier);
  const candidates = [path, path.replace(/\.js$/, '.ts'), path.replace(/\.ts$/, '.js'), `${path}${CODE_EXT}`];
  return candidates.find((candidate) => /\.[cm]?[jt]s$/.test(candidate) && existsSync(candidate));
}

/** A file's name in the log: from hasim's root inside it, else from the user's design folder. */
function sourceName(file: string, userDir: string): string {
  const inside = relative(CODE_ROOT, file);
  if (!inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
  return `user:${relative(userDir, file).split(sep).join('/')}`;
}

function sha(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}
