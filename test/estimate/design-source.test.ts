/**
 * design-source.ts: the code an incident log pins follows a design's imports by path (type-only
 * imports and packages left out), names hasim's files from its root and a user's from the
 * design's folder, and its hash moves with one byte of any file and with nothing else.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combinedHash, designSource, importClosure, localImports, paramsHash, sourceChanges } from '../../src/estimate/design-source.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('localImports', () => {
  it('finds static, multi-line, re-exported, side-effect and literal dynamic imports by path; skips types and packages', () => {
    const text = [
      "import { a } from './a.ts';",
      'import {\n  b,\n  c,\n} from "../b.ts";',
      "import type { T } from './types.ts';",
      "export type { U } from './more-types.ts';",
      "export { d } from './d.ts';",
      "export * from './e.ts';",
      "import './side-effect.ts';",
      "const f = await import('./f.ts');",
      "import seedrandom from 'seedrandom';",
      "import { readFileSync } from 'node:fs';",
      "import typeScriptLoader from '/abs/loader.ts';",
    ].join('\n');
    expect(localImports(text).sort()).toEqual(['../b.ts', './a.ts', './d.ts', './e.ts', './f.ts', './side-effect.ts', '/abs/loader.ts'].sort());
  });
});

describe('designSource', () => {
  it("follows a bundled model through its parts to the world, with the estimate's incident simulation", () => {
    const { files, hash } = designSource('dr-site');
    expect(files).toHaveProperty(['models/dr-site.ts']);
    expect(files).toHaveProperty(['src/parts/heartbeat.ts']);
    expect(files).toHaveProperty(['src/world/node.ts']);
    expect(files).toHaveProperty(['src/estimate/chunk.ts']);
    expect(files).toHaveProperty(['src/estimate/incident-sim.ts']);
    // another model's files are not this design's
    expect(files).not.toHaveProperty(['models/raft.ts']);
    expect(hash).toBe(combinedHash(files));
    // the same files give the same hash however they are listed
    expect(combinedHash(Object.fromEntries(Object.entries(files).reverse()))).toBe(hash);
    expect(designSource('dr-site')).toEqual({ files, hash });
  });

  it("names a user's files from the design's folder and moves its hash with one changed byte of any of them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-source-'));
    const design = join(dir, 'my-design.ts');
    writeFileSync(join(dir, 'helper.ts'), 'export const RESTART = "5s";\n');
    writeFileSync(design, `import single from '${ROOT}/models/single.ts';\nimport { RESTART } from './helper.ts';\nexport default { ...single, name: 'mine', restart: RESTART };\n`);
    const before = designSource(design);
    expect(Object.keys(before.files)).toEqual(expect.arrayContaining(['user:my-design.ts', 'user:helper.ts', 'models/single.ts', 'src/estimate/chunk.ts']));
    writeFileSync(join(dir, 'helper.ts'), 'export const RESTART = "6s";\n');
    const after = designSource(design);
    expect(after.hash).not.toBe(before.hash);
    expect(sourceChanges(before, after)).toEqual(['user:helper.ts']);
    expect(sourceChanges(before, before)).toEqual([]);
  });

  it('names files added to and gone from the closure', () => {
    const logged = { files: { 'a.ts': '1', 'b.ts': '2' }, hash: combinedHash({ 'a.ts': '1', 'b.ts': '2' }) };
    const now = { files: { 'a.ts': '1', 'c.ts': '3' }, hash: combinedHash({ 'a.ts': '1', 'c.ts': '3' }) };
    expect(sourceChanges(logged, now)).toEqual(['b.ts (gone)', 'c.ts (new)']);
  });

  it('visits each file once, even through import cycles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-cycle-'));
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = 1;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a.ts';\nexport const b = 2;\n");
    expect(importClosure([join(dir, 'a.ts')])).toEqual([join(dir, 'a.ts'), join(dir, 'b.ts')]);
  });
});

describe('paramsHash', () => {
  it('depends on the values, not on their order', () => {
    expect(paramsHash({ a: 1, b: 'x' })).toBe(paramsHash({ b: 'x', a: 1 }));
    expect(paramsHash({ a: 1, b: 'x' })).not.toBe(paramsHash({ a: 2, b: 'x' }));
  });
});
