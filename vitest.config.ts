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
    // expect.poll waits for what the app shows after its own async steps (a server call, a
    // listing, a debounce): on a loaded 2-core CI machine those take seconds, not vitest's 1 s
    // default, and an end-to-end test failed on that alone. A poll that can pass passes as soon as
    // it does; only a failing one waits longer.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
