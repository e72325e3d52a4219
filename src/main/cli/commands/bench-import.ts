// `spanfill bench import [SIZE_MB [MODEL_DIR|bytes [TOKENIZE_MB]]]`: engine/data/bench.ts
// benchImport on a generated corpus in the temp dir — import MB/s, tokens/s and peak RSS.
// Registered as one entry of `benches` in bench.ts. --quick: 16 MB.

import { benchImport } from '../../engine/data';
import type { CommandContext } from '../command';
import { UsageError } from '../command';

function positiveNumber(raw: string | undefined, what: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`bench import: ${what} must be a positive number, got '${raw}'`);
  return value;
}

export const importBench = {
  summary:
    'Import + tokenize a generated corpus: MB/s, tokens/s, peak RSS (import [SIZE_MB [MODEL|bytes [TOKENIZE_MB]]])',
  async run(context: CommandContext): Promise<unknown> {
    const [, size, model, tokenizeMB] = context.positionals;
    const sizeMB = Math.round(positiveNumber(size, 'SIZE_MB', context.flag('quick') ? 16 : 1024));
    const bar = context.progress('bench import', null);
    try {
      const result = await benchImport({
        sizeMB,
        tokenizer: model,
        tokenizeMB: tokenizeMB === undefined ? undefined : positiveNumber(tokenizeMB, 'TOKENIZE_MB', sizeMB),
        signal: context.signal,
        onProgress: (phase, done, total) => bar.update(Math.round(done), Math.round(total)),
      });
      context.log(
        `import ${result.mbPerSec.toFixed(1)} MB/s; tokenize (${result.tokenizer}) ${(result.tokensPerSec / 1e6).toFixed(2)} M tokens/s ` +
          `= ${result.tokenizeMbPerSec.toFixed(1)} MB/s over ${result.tokenizedMB.toFixed(0)} MB; peak RSS ${result.peakRssMB.toFixed(0)} MB`,
      );
      return result;
    } finally {
      bar.finish();
    }
  },
};
