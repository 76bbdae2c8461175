import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the package's own name resolves to its sources in tests (installed, it is the build in dist/)
  resolve: { alias: [{ find: /^hasim$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
