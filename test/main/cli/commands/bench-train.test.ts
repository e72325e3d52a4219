// `spanfill bench train` end to end on a tiny model folder: the step is timed in the engine
// host (the process training runs in), not in the CLI process — benchTrain is replaced by a
// failing stand-in in this process, so only the host's real one can answer — and --json
// prints the TrainBenchResult; a cancelled bench stops with exit 130. A shape over the model's
// length limit or the memory budget, and a provider that does not load here, are refused
// before the host is asked for a step (bench-train-checks.ts).
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrainBenchResult } from '../../../../src/main/engine/bench/train';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { EngineHostManager } from '../../../../src/main/services/engine-host';
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

describe('bench train refusals', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The host's requests as they pass; a step is refused here, so a missing check cannot start one. */
  function watchHost(): string[] {
    const asked: string[] = [];
    const request = EngineHostManager.prototype.request;
    vi.spyOn(EngineHostManager.prototype, 'request').mockImplementation(function (this: EngineHostManager, ...args) {
      asked.push(args[0]);
      if (args[0] === 'bench.train') return Promise.reject(new Error('the engine host was asked for a step'));
      return request.apply(this, args);
    });
    return asked;
  }

  const bench = (...flags: string[]) =>
    runSpanfill(['bench', 'train', '--model', gatedDir, '--steps', '1', ...flags, '--data-dir', tempDir()], {
      PATH: process.env.PATH,
    });

  it('refuses inputs over the model’s limit, and a step over the free memory, before the host is asked', async () => {
    const asked = watchHost();
    const long = await bench('--batch', '4096', '--inputs', '4096', '--targets', '64');
    expect([long.code, long.stdout]).toEqual([exitCodes.usage, '']);
    expect(long.stderr).toContain(
      '--inputs 4096 is more than this model takes: at most 2,048 tokens per input (attention memory grows with ' +
        'the square of the length); lower --inputs',
    );
    const big = await bench('--batch', '4096', '--inputs', '2048', '--targets', '64');
    expect([big.code, big.stdout]).toEqual([exitCodes.usage, '']);
    expect(big.stderr).toMatch(/a step of --batch 4096 at --inputs 2048 --targets 64 needs ~[\d.]+ [GT]iB/);
    expect(asked).toEqual([]); // a cpu bench probes nothing either
  });

  it('refuses a provider this machine cannot load, as train does, instead of timing the CPU', async () => {
    const asked = watchHost();
    // DirectML loads only on Windows.
    const { code, stdout, stderr } = await bench(
      '--batch',
      '1',
      '--inputs',
      '4',
      '--targets',
      '2',
      '--provider',
      'dml',
    );
    expect([code, stdout]).toEqual([exitCodes.usage, '']);
    expect(stderr).toMatch(/provider 'dml' is not available on this machine.*; use provider cpu/);
    expect(asked).not.toContain('bench.train');
  });
});
