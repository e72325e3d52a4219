// `spanfill bench train [--preset NAME] [--batch B] [--inputs TE] [--targets TD]
// [--provider cpu|webgpu|cuda] [--threads N] [--steps N]`: engine/bench/train.ts benchTrain —
// ms per fused AdamW step of a random real-shape T5, tokens/s, peak RSS, the provider that ran
// and whether every node was placed on it. Registered as one entry of `benches` in bench.ts.

import { benchTrain } from '../../engine/bench/train';
import type { TrainBenchResult } from '../../engine/bench/train';
import { assertProvider } from '../../engine/onnx/session';
import type { ProviderName } from '../../engine/onnx/session';
import type { T5PresetName } from '../../engine/t5/config';
import { T5_PRESET_NAMES } from '../../engine/t5/config';
import type { CommandContext } from '../command';
import { UsageError } from '../command';

function positiveInteger(context: CommandContext, option: string, fallback: number): number {
  const raw = context.string(option);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= 1))
    throw new UsageError(`bench train: --${option} must be a whole number ≥ 1, got '${raw}'`);
  return value;
}

function provider(context: CommandContext): ProviderName {
  const raw = context.string('provider') ?? 'cpu';
  try {
    return assertProvider(raw);
  } catch (error) {
    throw new UsageError(`--provider: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One line: "t5-small cpu (every node placed) B=8 128/32: 2400 ms/step (2300–2500), 533 tokens/s, peak RSS 3600 MB". */
export function renderTrainBench(r: TrainBenchResult): string {
  const fallbacks = Object.entries(r.fallbacks)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const placed = r.isFullyPlaced ? 'every node placed' : `nodes off ${r.provider}: ${fallbacks}`;
  const ran = r.provider === r.requestedProvider ? r.provider : `${r.provider} (asked for ${r.requestedProvider})`;
  return (
    `${r.preset} ${ran} (${placed}) B=${r.batchSize} ${r.inputLength}/${r.targetLength}: ` +
    `${r.msPerStep.toFixed(0)} ms/step (${r.minMsPerStep.toFixed(0)}–${r.maxMsPerStep.toFixed(0)}), ` +
    `${r.tokensPerSecond.toFixed(0)} tokens/s, peak RSS ${r.peakRssMb.toFixed(0)} MB` +
    (r.placementMessage ? `\n${r.placementMessage}` : '')
  );
}

export const trainBench = {
  summary:
    'one fused AdamW training step of a random T5 (--preset, --batch, --inputs, --targets, --provider, --threads, --steps): ms/step, tokens/s, peak RSS, provider and node placement',
  async run(context: CommandContext): Promise<TrainBenchResult> {
    const preset = context.string('preset') ?? 't5-small';
    if (!(T5_PRESET_NAMES as readonly string[]).includes(preset)) {
      throw new UsageError(`--preset '${preset}' is not one of: ${T5_PRESET_NAMES.join(', ')}`);
    }
    const isQuick = context.flag('quick');
    const threads = context.string('threads') === undefined ? undefined : positiveInteger(context, 'threads', 1);
    const result = await benchTrain({
      preset: preset as T5PresetName,
      batchSize: positiveInteger(context, 'batch', isQuick ? 2 : 8),
      inputLength: positiveInteger(context, 'inputs', isQuick ? 32 : 128),
      targetLength: positiveInteger(context, 'targets', isQuick ? 8 : 32),
      steps: positiveInteger(context, 'steps', isQuick ? 1 : 3),
      provider: provider(context),
      threads,
      signal: context.signal,
    });
    context.log(renderTrainBench(result));
    return result;
  },
};
