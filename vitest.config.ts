import { defineConfig } from 'vitest/config';
import { freeNowNodeFlags } from './src/main/engine/onnx/hostMemory.js';

// Unit, golden and end-to-end tests all run under Node. Forks (not worker threads) because
// onnxruntime-node and better-sqlite3 are native addons and some tests start child processes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // As the engine host is started (host/spawn.ts) and as Electron has it natively: training
    // frees the state it replaces at once (engine/onnx/hostMemory.ts).
    execArgv: freeNowNodeFlags(),
    // onnxruntime's own telemetry off in the test processes too, as every Spanfill process keeps
    // it (engine/onnx/telemetry.ts): some tests open sessions through @huggingface/transformers.
    env: { ORT_DISABLE_TELEMETRY: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
