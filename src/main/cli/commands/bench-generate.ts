// `spanfill bench generate [--preset NAME | --model DIR] [--provider cpu|webgpu|cuda]
// [--threads N] [--prompt-tokens N] [--repeats N]`: engine/bench/generate.ts benchGenerate —
// ms per new token at 8 and 64 new tokens, greedy and 4 beams, tokens/s, peak RSS and the
// provider that ran (one that does not load here is refused). Registered as one entry of
// `benches` in bench.ts.

import type { GenerateBenchResult, GenerateCell } from '../../engine/bench/generate';
import { benchGenerate } from '../../engine/bench/generate';
import type { CommandContext } from '../command';
import { countOption, loadableProviderOption, modelFolderOption, presetOption } from './bench-options';
import { renderProvider } from './bench-train';

/** "beam×4  64 tokens: 41.2 ms/token (40.1–43.0), 23 tokens/s end to end, encode 85 ms". */
export function renderGenerateCell(c: GenerateCell): string {
  const decoding = c.decoding === 'beam' ? `beam×${c.numBeams}` : 'greedy';
  return (
    `${decoding.padEnd(7)} ${String(c.newTokens).padStart(3)} tokens: ` +
    `${c.msPerToken.toFixed(1)} ms/token (${c.minMsPerToken.toFixed(1)}–${c.maxMsPerToken.toFixed(1)}), ` +
    `${c.tokensPerSecond.toFixed(1)} tokens/s end to end, encode ${c.encodeMs.toFixed(0)} ms`
  );
}

/** Where `cache` says the KV caches lived between tokens, in words: GPU buffers or JS arrays. */
const cachePlaces: Readonly<Record<GenerateBenchResult['cache'], string>> = {
  device: 'on the GPU',
  host: 'in host memory',
};

/**
 * "t5-small cpu (every node placed), prompt 128 tokens: KV caches in host memory between tokens,
 * peak RSS 900 MB, first call 2100 ms (graphs compiled)". The caches' place is the whole bench's,
 * the same for every cell (--json's `cache`).
 */
export function renderGenerateBench(r: GenerateBenchResult): string {
  return (
    `${r.model} ${renderProvider(r)}, prompt ${r.promptTokens} tokens: ` +
    `KV caches ${cachePlaces[r.cache]} between tokens, peak RSS ${r.peakRssMb.toFixed(0)} MB, first call ${r.firstCallMs.toFixed(0)} ms (graphs compiled)` +
    (r.placementMessage ? `\n${r.placementMessage}` : '')
  );
}

export const generateBench = {
  summary:
    'T5 generation from a random prompt (--preset or --model DIR, --provider, --threads, --prompt-tokens, --repeats): ms per new token at 8 and 64 new tokens, greedy and 4 beams, tokens/s, peak RSS, provider',
  async run(context: CommandContext): Promise<GenerateBenchResult> {
    const dir = modelFolderOption(context, 'generate');
    const isQuick = context.flag('quick');
    const model = dir === undefined ? { preset: presetOption(context) } : { dir };
    const promptTokens = countOption(context, 'prompt-tokens', isQuick ? 16 : 128);
    const repeats = countOption(context, 'repeats', isQuick ? 1 : 3);
    const threads = countOption(context, 'threads');
    // Not timed on the CPU that onnxruntime would fall back on: refused, as bench ops and train.
    const provider = await loadableProviderOption(context);
    const result = await benchGenerate({
      model,
      promptTokens,
      repeats,
      provider,
      threads,
      signal: context.signal,
      onCell: (cell) => context.log(renderGenerateCell(cell)),
    });
    context.log(renderGenerateBench(result));
    return result;
  },
};
