/**
 * Invariant modules: a campaign's own invariants, given as files so every worker thread can
 * import them (a function cannot be sent to a worker, a path can). A module exports
 * `invariants` (a list of `{ name, description, check }`) or a default export of one or a
 * list; a module that calls `registerInvariant` when imported works too, since the worker
 * imports it. Loaded once per thread and path.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Invariant } from '../check/invariant.ts';
import { InputError } from '../sim/input-error.ts';
import { guardUserCode } from './user-code-guard.ts';

const EXPECTED = 'a module exporting invariants: a list of { name, description, check(history) }';
const loaded = new Map<string, Promise<Invariant[]>>();

/** The invariants of every module, in order (each module loaded once per thread). */
export async function loadInvariantModules(paths: readonly string[] = []): Promise<Invariant[]> {
  const lists = await Promise.all(paths.map(invariantsOf));
  return lists.flat();
}

function invariantsOf(path: string): Promise<Invariant[]> {
  let pending = loaded.get(path);
  if (!pending) {
    pending = importInvariants(path);
    loaded.set(path, pending);
  }
  return pending;
}

async function importInvariants(path: string): Promise<Invariant[]> {
  await guardUserCode(path, resolve(path), 'invariant module');
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(resolve(path)).href);
  } catch (error) {
    throw new InputError(path, '', EXPECTED, error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  const exported = module.invariants ?? module.default ?? [];
  const list = Array.isArray(exported) ? exported : [exported];
  list.forEach((inv, i) => {
    const ok = inv !== null && typeof inv === 'object' && typeof inv.name === 'string' && inv.name !== '' && typeof inv.check === 'function';
    if (!ok) throw new InputError(path, `invariants[${i}]`, EXPECTED);
  });
  return list as Invariant[];
}
