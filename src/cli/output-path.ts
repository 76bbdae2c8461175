/**
 * The one policy for every file or folder a command writes (`--json`, `--html`, `--trace`,
 * `--junit`, `--failures-dir`): checked before any work starts, so a long campaign never
 * ends in an unwritable path. Missing folders are created (for every command alike); a path
 * that is a directory where a file is wanted, or that runs under a regular file, or into a
 * folder that cannot be written, is refused up front as an InputError naming the flag.
 */
import { accessSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../sim/input-error.ts';

type Kind = 'file' | 'directory';

/** Throws an InputError unless `path` can be written as a `kind` (creating missing folders). */
export function checkOutputPath(flag: string, path: string, kind: Kind = 'file'): void {
  const what = kind === 'file' ? 'a file path' : 'a folder path';
  if (path.trim() === '') throw new InputError(flag, '', what, '""');
  const full = resolve(path);
  const here = statOf(full);
  if (here) {
    if (kind === 'file' && here.isDirectory()) throw new InputError(flag, path, `${what}, not a directory`);
    if (kind === 'directory' && !here.isDirectory()) throw new InputError(flag, path, `${what}, not an existing file`);
  }
  // The nearest existing ancestor must be a folder we may write in.
  let ancestor = here && kind === 'directory' ? full : dirname(full);
  for (;;) {
    const stat = statOf(ancestor);
    if (stat) {
      if (!stat.isDirectory()) throw new InputError(flag, path, `${what} in a folder (${ancestor} is a regular file)`);
      try {
        accessSync(ancestor, constants.W_OK);
      } catch {
        throw new InputError(flag, path, `${what} in a folder you may write (${ancestor} is not writable)`);
      }
      return;
    }
    const parent = dirname(ancestor);
    if (parent === ancestor) return;
    ancestor = parent;
  }
}

/** Writes a checked output file, creating its missing folders. */
export function writeOutput(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

/** Writes a file whole or not at all: a kill mid-write leaves the previous version. */
export function writeOutputAtomically(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Checks every output flag a command was given (`--json` only when it names a file). */
export function checkOutputs(flags: Record<string, string | true | undefined>, directories: readonly string[] = []): void {
  for (const [name, value] of Object.entries(flags)) {
    if (typeof value !== 'string') continue;
    const flag = '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    checkOutputPath(flag, value, directories.includes(name) ? 'directory' : 'file');
  }
}
