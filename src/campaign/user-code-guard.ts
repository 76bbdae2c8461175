/**
 * A hook that lets whoever runs hasim try user code (a design file, an invariant module)
 * somewhere it can be stopped before this thread imports it. A file that loops forever at its
 * top level, or calls `process.exit` there, would otherwise hang the thread that imports it or
 * end the whole process, and nothing in this thread could say which file did it. The CLI
 * installs a guard that imports each such file first in a worker thread with a wall-clock
 * budget (`cli/user-code.ts`); the library, whose caller owns the process, installs none.
 * Bundled designs are hasim's own and need no guard.
 */

export type UserCodeKind = 'design' | 'invariant module';

/** Resolves once `path` (named `source` by the user) is known to load; rejects with an InputError. */
export type UserCodeGuard = (source: string, path: string, kind: UserCodeKind) => Promise<void>;

let guard: UserCodeGuard | undefined;

/** Installs `next` in this thread (undefined: none) and returns the one it replaces. */
export function setUserCodeGuard(next: UserCodeGuard | undefined): UserCodeGuard | undefined {
  const previous = guard;
  guard = next;
  return previous;
}

/** Called before importing user code: waits for the guard, if one is installed. */
export function guardUserCode(source: string, path: string, kind: UserCodeKind): Promise<void> {
  return guard ? guard(source, path, kind) : Promise.resolve();
}
