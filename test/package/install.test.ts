/**
 * The README's install steps and library example, as a new user follows them: `npm pack`
 * this checkout (which builds dist/), install the tarball into a fresh project (from the npm
 * cache where it can), then in that project
 * - `npx hasim run ./my-design.ts` of the README's TypeScript design,
 * - `tsc` type-checks that design against hasim's declarations with a plain NodeNext tsconfig
 *   (no allowImportingTsExtensions, no extra @types to install),
 * - `npx vitest run` of the README's library example (vitest + fast-check, importing 'hasim'),
 * - a plain JavaScript `import { simulate } from 'hasim'`.
 * The README's other way, a `git+file://` URL of a clone (npm clones it, installs its build
 * tools and builds it), is installed into a second project, where `npx hasim` runs.
 * It takes a minute or more (packing builds, installing copies), so it runs under
 * `npm run test:long`; `files.test.ts` checks the package contents quickly in `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const LONG = process.env.HASIM_LONG === '1';

/** The fenced code block that follows `<!-- test:NAME -->` in the README. */
export function readmeBlock(name: string): string {
  const marker = README.indexOf(`<!-- test:${name} -->`);
  if (marker < 0) throw new Error(`README has no <!-- test:${name} --> block`);
  const open = README.indexOf('```', marker);
  const start = README.indexOf('\n', open) + 1;
  return README.slice(start, README.indexOf('```', start));
}

let project: string;
const run = (command: string, args: string[], timeout = 240_000) => spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout });

describe.runIf(LONG)('installing the packed package into a new project (README)', () => {
  beforeAll(() => {
    const packDir = mkdtempSync(join(tmpdir(), 'hasim-pack-'));
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    project = mkdtempSync(join(tmpdir(), 'hasim-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-ha-designs', private: true, type: 'module' }, null, 2));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false }, include: ['*.ts'] }, null, 2));
    writeFileSync(join(project, 'my-design.ts'), readmeBlock('design'));
    writeFileSync(join(project, 'my-design.test.ts'), readmeBlock('library'));
    const vitest = JSON.parse(readFileSync(join(ROOT, 'node_modules/vitest/package.json'), 'utf8')).version;
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', join(packDir, packed.filename), `vitest@${vitest}`]);
    expect(install.status, install.stderr).toBe(0);
  }, 600_000);

  it('runs the README design with npx hasim run', () => {
    const r = run('npx', ['hasim', 'run', './my-design.ts', '-s', 'process-crash']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^my-single under process-crash, seed 1/);
    expect(r.stdout).toContain('replay: hasim replay ./my-design.ts -s process-crash --seed 1 --expect-hash');
    expect(r.status).toBe(0);
  });

  it('type-checks the design against the declarations with a plain tsconfig', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes the README library example under vitest, with fast-check, in seconds', () => {
    const startedAt = Date.now();
    const r = run('npx', ['vitest', 'run', '--reporter', 'dot']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests +2 passed/);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
  });

  it('imports hasim from plain JavaScript', () => {
    const r = run(process.execPath, ['--input-type=module', '-e', "import { simulate, loadDesign, loadScenario } from 'hasim'; const r = simulate({ design: await loadDesign('single'), seed: 1, schedule: loadScenario('process-crash') }); console.log(r.design, r.violations.length, r.traceHash.length)"]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('single 0 16');
  });
});

describe.runIf(LONG)('installing from a git URL of a clone (README)', () => {
  it('installs with npm install git+file://<clone> and npx hasim runs', () => {
    expect(readmeBlock('install')).toContain('npm install --save-dev "git+file://$(cd ../hasim && pwd)"');
    project = mkdtempSync(join(tmpdir(), 'hasim-git-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-ha-designs', private: true, type: 'module' }, null, 2));
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', `git+file://${ROOT.replace(/\/$/, '')}`], 600_000);
    expect(install.status, install.stderr).toBe(0);
    const r = run('npx', ['hasim', 'list']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^DESIGNS\n {2}active-active-lock /);
  }, 700_000);
});
