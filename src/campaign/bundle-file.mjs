/**
 * Where the cached bundle of one kind of hasim code lives for a checkout: a file in
 * `node_modules/.cache/hasim-workers/` named by a hash of every file under src/ and models/ and
 * of tsconfig.json (paths and contents), of the checkout's path and of the Node version, so an
 * edited source names a new bundle and a stale one is never used. Plain JavaScript, because
 * bin/hasim.js looks its bundle up before anything can load TypeScript (worker-bundle.ts builds
 * the bundles and says why they exist).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Changes whenever the bundle's layout changes, so an older cache entry is not reused. */
const FORMAT = 2;

/** The cache directory of a checkout's bundles. */
export const bundleDir = (root) => join(root, 'node_modules', '.cache', 'hasim-workers');

/** The bundle file of `kind` for the sources now in the checkout at `root`, in `dir`. */
export function bundleFile(kind, root, dir = bundleDir(root)) {
  return join(dir, `${kind}-${sourceHash(root)}.mjs`);
}

/**
 * Whether a command-line argument may name user code, so the `hasim` command starts from the
 * CLI's TypeScript sources instead of its bundle. Through tsx the CLI loads ~200 modules one by
 * one (~0.6 s of CPU before it parses a flag, paid by every command); the bundle is one file
 * (~0.15 s). But a user's design or invariant module imports hasim's sources itself, and a
 * second copy of hasim's modules beside the bundle's is not what it was written against. So:
 * a file with a code extension, an extensionless path (a design may be named without its
 * `.ts`), and `--resume` (its file names the designs of the interrupted command). A false alarm
 * costs only the start-up.
 */
export function mayNameUserCode(arg) {
  if (/^--resume(=|$)/.test(arg)) return true;
  const value = arg.replace(/^--?[\w-]+=/, '');
  if (/\.[cm]?[jt]sx?$/i.test(value)) return true;
  const base = value.split(/[\\/]/).pop() ?? '';
  return /[\\/]/.test(value) && !base.includes('.');
}

function sourceHash(root) {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\0${root}\0${process.versions.node}\0`);
  for (const dir of ['src', 'models']) {
    for (const file of [...files(join(root, dir)), ...(dir === 'models' ? [join(root, 'tsconfig.json')] : [])]) {
      hash.update(relative(root, file));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 20);
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? files(path) : entry.isFile() ? [path] : [];
    });
}
