import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the package's own name resolves to its sources in tests (installed, it is the build in dist/)
  resolve: { alias: [{ find: /^hasim$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // both cores: vitest's default leaves one idle on a 2-core machine, and the suite is CPU-bound
    maxWorkers: 2,
  },
});
