/**
 * Which probes a design can emit: the world's own (acks, exchange orders, roles, fencing) and
 * those emitted by the modules its file imports, directly or through other modules (the parts
 * it composes). Found by following the design file's static
 * relative imports (and `hasim` / `hasim/src/...`), so a design needs to declare nothing: a
 * part that emits a probe brings it along. The modules must be loaded (`loadDesign` first) for
 * their probes to be declared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allProbes, ORDER_ACKED, type Probe } from '../world/probes.ts';

/** The world's own probes (acks, exchange orders, roles, fencing) belong to every design. */
const WORLD_PROBES = ORDER_ACKED.module;
import { CODE_EXT, CODE_ROOT, designPath } from './catalog.ts';

const IMPORT = /(?:^|[\s;])(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The probes of a design (name or path), in declaration order. `world: false` leaves out the
 * world's own (a VIP claim or a fence is only possible in designs that use them; coverage
 * shows those when they fire rather than listing them as never exercised).
 */
export function designProbes(nameOrPath: string, options: { world?: boolean } = {}): Probe[] {
  const modules = new Set([...importedFiles(designPath(nameOrPath))].map((f) => pathToFileURL(f).href));
  const world = options.world ?? true;
  return allProbes().filter((p) => (p.module === WORLD_PROBES ? world : p.emitters.some((m) => modules.has(m))));
}

function importedFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveSpecifier(file, match[1] ?? match[2]);
      if (target !== undefined && !seen.has(target)) stack.push(target);
    }
  }
  return seen;
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('./') || specifier.startsWith('../')) return resolve(dirname(from), specifier);
  // the package's own entry points, in the sources or the build (see package.json exports)
  if (specifier === 'hasim') return join(CODE_ROOT, `src/index${CODE_EXT}`);
  if (specifier.startsWith('hasim/parts/')) return join(CODE_ROOT, 'src/parts', specifier.slice('hasim/parts/'.length).replace(/(\.[jt]s)?$/, CODE_EXT));
  if (specifier.startsWith('hasim/src/')) return join(CODE_ROOT, specifier.slice('hasim/'.length).replace(/\.ts$/, CODE_EXT));
  return undefined;
}
