/**
 * The code worker threads start from. From a checkout, a worker that boots through tsx
 * (`worker-boot.mjs`) loads ~200 TypeScript modules, each resolved and loaded by a synchronous
 * request to tsx's loader thread: ~0.6 s of CPU per worker before its first run, paid again by
 * every pool of every command (a 60-run `check` spends about as long starting two workers as
 * running its first ten runs). So a pool whose jobs run only hasim's own code (bundled designs,
 * no user design or invariant module) starts from one JavaScript file instead: the worker and
 * every bundled design, bundled by esbuild once and cached under `node_modules/.cache/`, keyed
 * by a hash of every file in src/ and models/ (and the checkout's path), so an edited source
 * makes a new bundle and a stale one is never used.
 *
 * The bundle runs the same code as the tsx worker, event for event:
 * - the transform is tsx's (esbuild, target this Node, `keepNames`, the tsconfig);
 * - `import.meta.url` is replaced in each module by that module's own file URL, so probes keep
 *   the module that declared them (`design-probes.ts` follows the files) and the catalog
 *   finds models/ and scenarios/ where they are;
 * - the designs are imported lazily, on `loadDesign` (catalog.ts reads the bundle's map), so modules are evaluated in the same order as when they are imported
 *   one design at a time and probes are declared in the same order;
 * - packages (yaml, seedrandom, tsx) stay outside and are loaded from node_modules.
 *
 * A user's design or invariant module imports hasim's sources itself (a second copy of the
 * modules if it met the bundle's), so those pools use the tsx boot; so does an installed package
 * (its dist/ is JavaScript already) and anything that stops the bundle from being built (no
 * esbuild, a read-only node_modules): the tsx boot is always correct, the bundle is faster.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { bundleDir, bundleFile } from './bundle-file.mjs';

export type WorkerKind = 'campaign' | 'estimate' | 'run';
/** A worker's code, or the `hasim` command's own main thread (bin/hasim.js; bundle-file.mjs, mayNameUserCode, says when). */
export type BundleKind = WorkerKind | 'cli';

/**
 * The checkout this module belongs to (catalog.ts's CODE_ROOT, computed here so that bin/hasim.js
 * can load this module alone, without the ~40 modules the catalog imports).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Where each kind's worker module and tsx boot are. */
const WORKERS: Record<WorkerKind, { source: string; boot: URL }> = {
  campaign: { source: 'src/campaign/worker.ts', boot: new URL('./worker-boot.mjs', import.meta.url) },
  estimate: { source: 'src/estimate/worker.ts', boot: new URL('../estimate/worker-boot.mjs', import.meta.url) },
  // `hasim run` and `hasim replay` (the CLI's main in a worker, src/cli/run-in-worker.ts)
  run: { source: 'src/cli/run-worker.ts', boot: new URL('../cli/run-worker-boot.mjs', import.meta.url) },
};
/** The module a kind of bundle runs. */
const sourceOf = (kind: BundleKind): string => (kind === 'cli' ? 'src/cli/hasim.ts' : WORKERS[kind].source);

/** A bundle unused for this long before the newest one was built is removed. */
const UNUSED_MS = 24 * 3600 * 1000;

/**
 * The module a pool's workers start from: the cached bundle when the jobs run only hasim's own
 * code and it can be had, the tsx boot otherwise. (Hashing the sources costs ~10 ms; it is done
 * for every pool, so a long-lived process never starts workers from sources it has since edited.)
 */
export async function workerEntry(kind: WorkerKind, options: { userCode: boolean }): Promise<URL> {
  if (options.userCode) return WORKERS[kind].boot;
  return (await bundle(kind).catch(() => undefined)) ?? WORKERS[kind].boot;
}

/**
 * The cached bundle of a worker kind for the checkout at `root` (built if missing) in `dir`;
 * undefined outside a checkout. (The bundle loads its packages from the node_modules above `dir`.)
 */
export async function bundle(kind: BundleKind, root: string = ROOT, dir: string = bundleDir(root)): Promise<URL | undefined> {
  const source = join(root, sourceOf(kind));
  if (!existsSync(source)) return undefined; // an installed package: dist/ is JavaScript already
  const file = bundleFile(kind, root, dir);
  if (existsSync(file)) {
    // a bundle in use stays young: pruning (other checkouts share node_modules) spares it
    const now = new Date();
    utimesSync(file, now, now);
    return pathToFileURL(file);
  }
  const text = await build(root, source);
  mkdirSync(dir, { recursive: true });
  // another process may build the same bundle at the same time: each writes its own file and
  // renames it into place, which replaces atomically
  const temporary = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  prune(dir, kind);
  return pathToFileURL(file);
}

/** Bundles the worker with every bundled design behind a lazy import. */
async function build(root: string, workerSource: string): Promise<string> {
  const esbuild = await import('esbuild');
  const models = join(root, 'models');
  const designs = readdirSync(models).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  // the map first: a worker may load a design as it starts (the run worker runs its command at once)
  const entry = [
    `globalThis[Symbol.for('hasim.bundled-designs')] = new Map([`,
    ...designs.map((f) => `  [${JSON.stringify(pathToFileURL(join(models, f)).href)}, () => import(${JSON.stringify(join(models, f))})],`),
    `]);`,
    `await import(${JSON.stringify(workerSource)});`,
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'hasim-worker-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    keepNames: true,
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'module-url',
        setup(b) {
          // each module keeps its own import.meta.url (a bundle has only the bundle's)
          b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
            if (args.path.includes('/node_modules/')) return undefined;
            const text = readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href));
            return { contents: text, loader: 'ts' };
          });
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

/**
 * Removes the bundles of a kind (and temporary files left by a crash) last used a day or more
 * before the newest: older sources' bundles, never one a process has just looked up, even when
 * several checkouts share one node_modules.
 */
function prune(dir: string, kind: BundleKind): void {
  const mine = readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}-`))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }));
  const newest = Math.max(...mine.map((b) => b.at));
  for (const { path, at } of mine) if (at < newest - UNUSED_MS) rmSync(path, { force: true });
}

