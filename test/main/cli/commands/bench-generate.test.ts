// `spanfill bench generate` end to end on a tiny model folder: the --json result holds the
// four cells the issue asks for (8 and 64 new tokens, greedy and 4 beams) and text mode prints
// one line per cell as it is measured. Timing itself is never asserted (DESIGN.md §7). A
// provider that does not load here is refused as bench ops and train refuse it (it ran on the
// CPU and exited 0, onnxruntime's raw load errors on stderr).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerateBenchResult } from '../../../../src/main/engine/bench/generate';
import { renderGenerateBench } from '../../../../src/main/cli/commands/bench-generate';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { jsonResult, runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const reluDir = path.join(__dirname, '../../../fixtures/t5/t5-tiny-relu');
const tempDir = tempDirs('spanfill-bench-generate-');
const args = ['bench', 'generate', '--model', reluDir, '--prompt-tokens', '3', '--repeats', '1', '--threads', '1'];

describe('bench generate', () => {
  it('prints the four cells as JSON with --json', async () => {
    const { code, stdout } = await runSpanfill([...args, '--json', '--data-dir', tempDir()]);
    expect(code).toBe(exitCodes.ok);
    const result = jsonResult<GenerateBenchResult>(stdout);
    expect([result.model, result.promptTokens, result.provider]).toEqual([reluDir, 3, 'cpu']);
    expect(result.cells.map((c) => `${c.decoding}×${c.numBeams} ${c.newTokens}: ${c.generatedTokens}`)).toEqual([
      'greedy×1 8: 8',
      'greedy×1 64: 64',
      'beam×4 8: 8',
      'beam×4 64: 64',
    ]);
  });

  it('prints a line per cell, then the summary, in text mode', async () => {
    const { code, stdout } = await runSpanfill([...args, '--data-dir', tempDir()]);
    expect(code).toBe(exitCodes.ok);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.replace(/:.*/, ''))).toEqual([
      'greedy    8 tokens',
      'greedy   64 tokens',
      'beam×4    8 tokens',
      'beam×4   64 tokens',
      `${reluDir} cpu (every node placed), prompt 3 tokens`,
    ]);
    // README: per cell, where the KV caches lived between tokens (on the CPU: in host memory).
    expect(lines.at(-1)).toMatch(/ tokens: KV caches in host memory between tokens, peak RSS /);
  });

  it('says on the summary line when the KV caches stayed on the GPU', () => {
    const result: GenerateBenchResult = {
      model: 't5-small',
      parameters: 60_000_000,
      promptTokens: 128,
      repeats: 3,
      requestedProvider: 'webgpu',
      provider: 'webgpu',
      isFullyPlaced: true,
      fallbacks: {},
      placementMessage: '',
      cache: 'device',
      firstCallMs: 2100,
      cells: [],
      peakRssMb: 900,
    };
    expect(renderGenerateBench(result)).toBe(
      't5-small webgpu (every node placed), prompt 128 tokens: KV caches on the GPU between tokens, ' +
        'peak RSS 900 MB, first call 2100 ms (graphs compiled)',
    );
  });

  it('refuses a provider this machine cannot load, as bench ops and train do, before measuring', async () => {
    // DirectML loads only on Windows.
    const { code, stdout, stderr } = await runSpanfill([...args, '--provider', 'dml', '--data-dir', tempDir()]);
    expect([code, stdout]).toEqual([exitCodes.usage, '']);
    expect(stderr).toMatch(/^spanfill bench: provider 'dml' is not available on this machine .*; use provider cpu/);
  });
});
