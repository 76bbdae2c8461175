/**
 * What `npm pack` would ship, checked quickly (without building): the built JavaScript, the
 * bin, the bundled scenarios and schemas, the README; never the tests or the TypeScript
 * sources. The slow end-to-end install is `install.test.ts` (npm run test:long).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));

describe('the package users install', () => {
  it('ships the build, the bin, scenarios and schemas, and no tests or sources', () => {
    const [listing] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = listing.files.map((f: { path: string }) => f.path);
    expect(files).toContain('bin/hasim.js');
    expect(files).toContain('scenarios/random-default.yaml');
    expect(files).toContain('schemas/schedule.schema.json');
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('test/') || f.includes('.test.'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('models/'))).toEqual([]);
  });

  it('points its entry points at the build: JavaScript with type declarations', () => {
    expect(pkg.bin).toEqual({ hasim: 'bin/hasim.js' });
    expect(pkg.exports['.']).toEqual({ types: './dist/src/index.d.ts', default: './dist/src/index.js' });
    expect(pkg.scripts.prepare).toMatch(/build/);
    expect(pkg.scripts.prepack).toMatch(/build/);
    // what a design needs at run time (tsx loads TypeScript designs) and to type-check against hasim
    for (const dep of ['tsx', 'commander', '@types/node', '@types/seedrandom']) expect(pkg.dependencies).toHaveProperty(dep);
  });
});
