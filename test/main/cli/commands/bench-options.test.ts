// The option checks the bench entries share: a bad count, provider, preset, graph kind, product
// form or shape, or --preset with --model, is a usage error (exit 2) that names the flag and
// the value, before any work.
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-bench-options-');

describe('bench options', () => {
  it.each([
    [['train', '--batch', '0'], "--batch must be an integer from 1 to 4096, got '0'"],
    [['compare', '--threads', 'two'], "--threads must be an integer from 1 to 1024, got 'two'"],
    [['generate', '--prompt-tokens', '1.5'], "--prompt-tokens must be an integer from 1 to 65536, got '1.5'"],
    [
      ['generate', '--provider', 'tpu'],
      "--provider: Unknown execution provider 'tpu'; expected one of: cpu, cuda, webgpu, dml",
    ],
    [['compare', '--preset', 't5-huge'], "--preset 't5-huge' is not one of: t5-small, t5-base"],
    [['train', '--graph', 'tpu'], "--graph 'tpu' is not one of: cpu, gpu"],
    [['train', '--step-mode', 'unrolled'], "--step-mode 'unrolled' is not one of: auto, loop, single"],
    [['train', '--update', 'host'], "--update 'host' is not one of: auto, graph"],
    [['train', '--optimizer', 'sgd'], "--optimizer 'sgd' is not one of: adamw, adafactor"],
    [['train', '--buffer-cache', 'lru'], "--buffer-cache 'lru' is not one of: bucket, simple"],
    [['train', '--steps-per-call', '0'], "--steps-per-call must be an integer from 1 to 100, got '0'"],
    [
      ['ops', '--forms', 'matmul,gemm-tc'],
      "--forms: 'gemm-tc' is not one of: matmul, gemm, gemm-tb, gemm-ta, transpose-matmul, split-k, all",
    ],
    [['ops', '--shapes', '8x8'], "--shapes: '8x8' is not M x K x N of whole numbers from 1 to 16777216"],
    [['ops', '--shapes', '8x0x8'], "--shapes: '8x0x8' is not M x K x N"],
    [['train', '--preset', 't5-small', '--model', 'x'], 'bench train: give --preset NAME or --model DIR, not both'],
    [
      ['generate', '--preset', 't5-small', '--model', 'x'],
      'bench generate: give --preset NAME or --model DIR, not both',
    ],
  ])('bench %j is refused', async (args, message) => {
    const { code, stderr } = await runSpanfill(['bench', ...args, '--data-dir', tempDir()]);
    expect(code).toBe(exitCodes.usage);
    expect(stderr).toContain(message);
  });
});
