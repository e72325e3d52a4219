// `spanfill bench train` end to end on a tiny model folder: the step is timed in the engine
// host (the process training runs in), not in the CLI process — benchTrain is replaced by a
// failing stand-in in this process, so only the host's real one can answer — and --json
// prints the TrainBenchResult; a cancelled bench stops with exit 130.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TrainBenchResult } from '../../../../src/main/engine/bench/train';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { capture, jsonResult, runCaptured, runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

vi.mock('../../../../src/main/engine/bench/train', () => ({
  benchTrain: () => Promise.reject(new Error('benchTrain ran in the CLI process, not in the engine host')),
}));

const gatedDir = path.join(__dirname, '../../../fixtures/t5/t5-tiny-gated');
const tempDir = tempDirs('spanfill-bench-train-');
const tiny = ['--model', gatedDir, '--batch', '2', '--inputs', '6', '--targets', '3', '--steps', '2', '--threads', '1'];

describe('bench train', () => {
  it('times the step in the engine host and prints the result as JSON', async () => {
    const { code, stdout, stderr } = await runSpanfill(['bench', 'train', ...tiny, '--json', '--data-dir', tempDir()], {
      PATH: process.env.PATH,
    });
    expect([code, stderr]).toEqual([exitCodes.ok, '']);
    const result = jsonResult<TrainBenchResult>(stdout);
    expect(result).toMatchObject({
      preset: gatedDir,
      batchSize: 2,
      inputLength: 6,
      targetLength: 3,
      requestedProvider: 'cpu',
      provider: 'cpu',
      isFullyPlaced: true,
    });
    expect(result.losses).toHaveLength(3); // warm-up + 2 timed
    expect(result.tokensPerSecond).toBeCloseTo((2 * (6 + 3) * 1000) / result.msPerStep, 6);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.graphDevice).toBeUndefined(); // the provider's kind
    expect([result.stepsPerCall, result.stepMode, result.update]).toEqual([1, 'single', 'host']);

    // --graph gpu (which keeps the update in the graph), calls of 2 steps as one-step runs,
    // --update graph, --profile: the lines say so.
    const flags = [
      '--graph',
      'gpu',
      '--steps-per-call',
      '2',
      '--step-mode',
      'single',
      '--update',
      'graph',
      '--profile',
    ];
    const gpuShaped = await runSpanfill(['bench', 'train', ...tiny, ...flags, '--data-dir', tempDir()], {
      PATH: process.env.PATH,
    });
    expect(gpuShaped.code).toBe(exitCodes.ok);
    expect(gpuShaped.stdout).toMatch(
      /^\S+ cpu \(every node placed\) \[graph shaped for gpu\] B=2 6\/3, 2 steps per call \(one-step runs\): /m,
    );
    // --profile: the op types after it, over the one-step runs of the timed call.
    expect(gpuShaped.stdout).toMatch(/^kernel time by op type over 2 profiled steps: /m);
    expect(gpuShaped.stdout).toMatch(/^ {2}Gemm on CPUExecutionProvider: [\d.]+ ms\/step \([\d.]+%\), \d+ nodes$/m);
  });

  it('stops with exit 130 when cancelled: the host request carries the command signal', async () => {
    const controller = new AbortController();
    const captured = capture();
    const running = runCaptured(['bench', 'train', ...tiny, '--data-dir', tempDir()], captured, {
      env: { PATH: process.env.PATH },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toBe(exitCodes.interrupted);
  });
});
