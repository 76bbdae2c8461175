/**
 * A user's design file or invariant module is tried in a worker thread before hasim imports
 * it (cli/user-code.ts), so what it does at its top level cannot take hasim down: an endless
 * loop is stopped at the load budget (`--run-timeout` when shorter than 60 s), `process.exit`
 * ends only that thread, and a file that fails to load the way Node loads it (a syntax error
 * with file:line:col, an exception, a missing package, CommonJS) is named. Each is one line
 * and exit 2, for every command that loads designs. In-process (`main`), which also shows the
 * test process itself survives; test/cli/binary.test.ts shows the real binary does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let dir: string;
const at = (name: string) => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hasim-user-code-'));
  writeFileSync(at('package.json'), '{ "type": "module" }\n');
  writeFileSync(at('loops.mjs'), 'for (;;) {}\n');
  writeFileSync(at('exits.mjs'), 'process.exit(9);\n');
  writeFileSync(at('exits-module.mjs'), "process.exit(4);\nexport const invariants = [];\n");
  mkdirSync(at('commonjs'));
  writeFileSync(at('commonjs/package.json'), '{}\n');
  writeFileSync(at('commonjs/design.ts'), "export default { name: 'x' };\n");
  writeFileSync(at('syntax.ts'), "export default {\n  name: 'broken',\n  params: { x: }\n};\n");
  writeFileSync(at('throws.mjs'), "throw new Error('the design exploded at import');\n");
  writeFileSync(at('missing.mjs'), "import { defineDesign } from 'hasim-not-installed';\nexport default defineDesign({});\n");
});

const REL = 'scenarios/reliability/p1.yaml';

/** Runs hasim in-process and checks it ended with exit 2, one line on stderr matching `message`, nothing on stdout. */
async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await runCli(args.map((a) => (a.startsWith('$D/') ? at(a.slice(3)) : a)));
  expect(r.stderr).toMatch(/^hasim: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect([r.code, r.stdout]).toEqual([2, '']);
}

describe('user code that misbehaves while it loads', () => {
  it('a design looping forever at import is stopped at the load budget: check (within --run-timeout) and run', async () => {
    await refused(['check', '$D/loops.mjs', '--runs', '1', '--workers', '1', '--run-timeout', '1'], /loops\.mjs: expected a design that loads within 1 s \(got its import still running after 1 s: an endless loop at its top level\?\)/);
    await refused(['run', '$D/loops.mjs', '--run-timeout', '1'], /loops\.mjs: expected a design that loads within 1 s/);
  });

  it('a design calling process.exit at import ends only its loader thread: estimate, list, compare', async () => {
    const exits = /exits\.mjs: expected a design that loads without ending the process \(got process\.exit\(9\) called while it loaded\)/;
    await refused(['estimate', '$D/exits.mjs', '--reliability', REL, '--workers', '0'], exits);
    await refused(['list', '--params', '$D/exits.mjs'], exits);
    await refused(['compare', 'single', '$D/exits.mjs', '--workers', '0'], exits);
  });

  it('an invariant module calling process.exit at import is named the same way', async () => {
    const exits = /exits-module\.mjs: expected an invariant module that loads without ending the process \(got process\.exit\(4\)/;
    await refused(['run', 'single', '--invariant-module', '$D/exits-module.mjs'], exits);
  });
});

describe('a design that fails to load the way Node loads it', () => {
  it('names the file, line and column of a syntax error', async () => {
    await refused(['run', '$D/syntax.ts'], /syntax\.ts:3:\d+: expected valid TypeScript/);
  });

  it('says a design threw at import, not that it is no ES module', async () => {
    await refused(['run', '$D/throws.mjs'], /throws\.mjs: expected a design that loads without throwing \(got "the design exploded at import"/);
  });

  it('says a TypeScript design outside a "type": "module" package needs one (or .mts)', async () => {
    await refused(['check', '$D/commonjs/design.ts', '--workers', '0'], /design\.ts: expected an ES module \(its package\.json needs "type": "module", or name the file \.mts\)/);
  });

  it('names a missing package', async () => {
    await refused(['estimate', '$D/missing.mjs', '--reliability', REL], /missing\.mjs: import 'hasim-not-installed': expected the module it imports/);
  });
});
