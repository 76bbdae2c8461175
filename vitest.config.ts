import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the package's own name resolves to its sources in tests (installed, it is the build in dist/)
  resolve: { alias: [{ find: /^hasim$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // forks, not threads: the in-process CLI tests (test/cli/run-cli.ts) change the working
    // directory, which a worker thread may not
    pool: 'forks',
    // both cores: vitest's default leaves one idle on a 2-core machine, and the suite is CPU-bound
    maxWorkers: 2,
    // One fork runs many files and keeps the modules they import: transforming and evaluating
    // src/ again for each of ~200 files was about a sixth of the suite's worker time. Safe here:
    // no test mocks modules or stubs globals, and src/ keeps no state across runs.
    isolate: false,
  },
});
