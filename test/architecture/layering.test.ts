/**
 * The layers of design.md §1 depend one way: a file may import only from its own layer and
 * the layers below it. The table below is the rule; the test reads every import in src/ and
 * models/ and fails on one that points up (or sideways into a layer not listed).
 *
 *   sim ← history ← world ← parts ← models
 *                    ↑  faults (acts on world)
 *   check, metrics read the history only
 *   run (builds, steps and finishes a world) under campaign and estimate
 *   campaign ← estimate, calibration ← report ← cli   (on top of everything)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each layer and the layers it may import from (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  sim: [],
  history: ['sim'],
  world: ['sim', 'history'],
  parts: ['sim', 'history', 'world'],
  faults: ['sim', 'history', 'world'],
  run: ['sim', 'history', 'world'],
  check: ['sim', 'history'],
  metrics: ['sim', 'history', 'check'],
  models: ['sim', 'history', 'world', 'parts'],
  campaign: ['sim', 'history', 'world', 'parts', 'faults', 'run', 'check', 'metrics'],
  estimate: ['sim', 'history', 'world', 'parts', 'faults', 'run', 'check', 'metrics', 'campaign'],
  calibration: ['sim', 'history', 'world', 'faults', 'run', 'check', 'metrics', 'campaign'],
  report: ['sim', 'history', 'world', 'faults', 'run', 'check', 'metrics', 'campaign', 'estimate', 'calibration'],
  cli: ['sim', 'history', 'world', 'faults', 'run', 'check', 'metrics', 'campaign', 'estimate', 'calibration', 'report'],
};

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), '../..'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

/** The layer of a file under src/ or models/ (undefined for src/index.ts, the package's face). */
function layerOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split('/');
  if (parts[0] === 'models') return 'models';
  return parts.length > 2 ? parts[1] : undefined;
}

/** The relative imports of a source text, as paths resolved against its file. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => normalize(join(dirname(file), s)));
}

/** Every import that breaks the table, as `file -> target`. */
export function layeringViolations(files: { path: string; text: string }[]): string[] {
  const broken: string[] = [];
  for (const { path, text } of files) {
    const from = layerOf(path);
    if (!from) continue;
    for (const target of importsOf(path, text)) {
      const to = layerOf(target);
      if (!to || to === from) continue;
      if (!MAY_IMPORT[from]?.includes(to)) broken.push(`${relative(ROOT, path)} -> ${relative(ROOT, target)}`);
    }
  }
  return broken;
}

describe('layering', () => {
  it('every layer is in the table', () => {
    const layers = readdirSync(join(ROOT, 'src')).filter((name) => statSync(join(ROOT, 'src', name)).isDirectory());
    expect(layers.filter((layer) => !(layer in MAY_IMPORT))).toEqual([]);
  });

  it('no file in src/ or models/ imports from a higher layer', () => {
    const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'models'))].map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(layeringViolations(files)).toEqual([]);
  });

  it('catches a planted upward import', () => {
    const planted = [
      { path: join(ROOT, 'src/world/node.ts'), text: "import { checkAll } from '../check/index.ts';" },
      { path: join(ROOT, 'src/campaign/x.ts'), text: "import { fmt } from '../report/table.ts';" },
      { path: join(ROOT, 'src/history/h.ts'), text: "import type { Micros } from '../sim/time.ts';" },
    ];
    expect(layeringViolations(planted)).toEqual(['src/world/node.ts -> src/check/index.ts', 'src/campaign/x.ts -> src/report/table.ts']);
  });
});
