// benchGenerate() on tiny T5s: the cells the issue asks for (8 and 64 new tokens, greedy and
// 4 beams), exactly as many decoder steps and generated tokens as asked, consistent rates,
// the provider that ran, on the CPU and on WebGPU (Mesa's lavapipe where there is no GPU).
// Timing itself is never asserted (DESIGN.md §7).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchGenerate } from '../../../../src/main/engine/bench/generate';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { renderGenerateBench, renderGenerateCell } from '../../../../src/main/cli/commands/bench-generate';

const reluDir = join(__dirname, '../../../fixtures/t5/t5-tiny-relu');
const { config, weights } = loadT5Model(reluDir);
/** Elements of the canonical tensors read from the folder's safetensors file. */
const fileParameters = [...weights.params.values()].reduce((n, t) => n + t.length, 0);

describe('benchGenerate', () => {
  it('measures 8 and 64 new tokens, greedy and 4 beams, by default (preset path, tiny shape)', async () => {
    const result = await benchGenerate({
      model: { preset: 't5-small', config },
      promptTokens: 4,
      repeats: 1,
      threads: 1,
    });
    expect(result.model).toBe('t5-small');
    expect(result.cells.map((c) => [c.decoding, c.numBeams, c.newTokens])).toEqual([
      ['greedy', 1, 8],
      ['greedy', 1, 64],
      ['beam', 4, 8],
      ['beam', 4, 64],
    ]);
    for (const cell of result.cells)
      expect([cell.steps, cell.generatedTokens]).toEqual([cell.newTokens, cell.newTokens]);
  });

  it.each(['cpu', 'webgpu'] as const)(
    'reports counts, rates and placement on %s from a model folder',
    async (provider) => {
      const cells: string[] = [];
      const result = await benchGenerate({
        model: { dir: reluDir },
        promptTokens: 5,
        newTokens: [2, 5],
        numBeams: 3,
        repeats: 2,
        provider,
        threads: 1,
        onCell: (cell) => cells.push(renderGenerateCell(cell)),
      });
      expect([result.model, result.parameters, result.promptTokens, result.repeats]).toEqual([
        reluDir,
        fileParameters,
        5,
        2,
      ]);
      expect([result.requestedProvider, result.provider, result.isFullyPlaced]).toEqual([provider, provider, true]);
      expect(result.cache).toBe(provider === 'webgpu' ? 'device' : 'host');
      expect(result.fallbacks).toEqual({});
      expect(result.cells.map((c) => [c.decoding, c.numBeams, c.newTokens, c.steps, c.generatedTokens])).toEqual([
        ['greedy', 1, 2, 2, 2],
        ['greedy', 1, 5, 5, 5],
        ['beam', 3, 2, 2, 2],
        ['beam', 3, 5, 5, 5],
      ]);
      for (const cell of result.cells) {
        expect(cell.minMsPerToken).toBeLessThanOrEqual(cell.msPerToken);
        expect(cell.maxMsPerToken).toBeGreaterThanOrEqual(cell.msPerToken);
        expect(cell.encodeMs).toBeLessThan(cell.totalMs);
        expect(cell.tokensPerSecond).toBeCloseTo((cell.generatedTokens * 1000) / cell.totalMs, 6);
      }
      expect(result.peakRssMb).toBeGreaterThan(0);
      expect(cells).toHaveLength(4); // progress: one line per cell as it is measured
      expect(cells[3]).toMatch(/^beam×3 +5 tokens: [\d.]+ ms\/token/);
      expect(renderGenerateBench(result)).toContain(`${reluDir} ${provider} (every node placed), prompt 5 tokens:`);
    },
  );
});
