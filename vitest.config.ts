import { defineConfig } from 'vitest/config';

// Unit, golden and end-to-end tests all run under Node. Forks (not worker threads) because
// onnxruntime-node and better-sqlite3 are native addons and some tests start child processes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
