// Options the `spanfill bench` entries share (bench.ts, bench-train.ts, bench-generate.ts,
// bench-compare.ts): the shape and thread flags with their ranges, the step train and compare
// time (tiny with --quick), --provider (checked that it
// loads, for ops and generate), and the model
// as --preset NAME or --model DIR, each refused with a UsageError that names the flag, the bad
// value and what to give instead.

import type { ProductForm } from '../../engine/bench/products';
import { PRODUCT_FORMS } from '../../engine/bench/products';
import type { BenchOptimizer } from '../../engine/bench/train';
import type { ProviderName } from '../../engine/onnx/session';
import type { BuildDevice } from '../../engine/optim/spec';
import type { StepMode } from '../../engine/optim/stepMode';
import { assertProvider, WEBGPU_BUFFER_CACHES } from '../../engine/onnx/session';
import type { WebGpuBufferCache } from '../../engine/onnx/session';
import type { T5Config, T5PresetName } from '../../engine/t5/config';
import { loadT5Config, t5Preset, T5_PRESET_NAMES } from '../../engine/t5/config';
import type { CommandContext } from '../command';
import { UsageError } from '../command';
import { errorMessage } from '../../../shared/errors';
import { checkProvider } from '../../services/runsPrepare';

/** Accepted ranges of the whole-number flags (wide: they only catch typos and nonsense). */
const RANGES = {
  batch: { min: 1, max: 4096 },
  inputs: { min: 1, max: 65536 },
  targets: { min: 1, max: 65536 },
  threads: { min: 1, max: 1024 },
  steps: { min: 1, max: 10000 },
  warmup: { min: 1, max: 1000 },
  repeats: { min: 1, max: 10000 },
  rounds: { min: 1, max: 100 },
  'steps-per-call': { min: 1, max: 100 },
  'prompt-tokens': { min: 1, max: 65536 },
  /** MiB, as a run's memoryBudgetMiB (shared/contract/runs.ts). */
  'memory-budget': { min: 64, max: 16_777_216 },
} as const;

export type CountOption = keyof typeof RANGES;

/** `--option` as a whole number in its range, or `fallback` when it is not given. */
export function countOption(context: CommandContext, option: CountOption, fallback: number): number;
export function countOption(context: CommandContext, option: CountOption): number | undefined;
export function countOption(context: CommandContext, option: CountOption, fallback?: number): number | undefined {
  return context.integer(option, RANGES[option]) ?? fallback;
}

/**
 * The training step bench train and bench compare time: T5's usual B=8 128/32 for 3 timed steps,
 * or with --quick B=2 32/8 for one (a smoke test); --batch, --inputs, --targets and --steps set their own.
 */
export function trainStepOptions(context: CommandContext) {
  const isQuick = context.flag('quick');
  return {
    batchSize: countOption(context, 'batch', isQuick ? 2 : 8),
    inputLength: countOption(context, 'inputs', isQuick ? 32 : 128),
    targetLength: countOption(context, 'targets', isQuick ? 8 : 32),
    steps: countOption(context, 'steps', isQuick ? 1 : 3),
  };
}

export function providerName(raw: string): ProviderName {
  try {
    return assertProvider(raw);
  } catch (error) {
    throw new UsageError(`--provider: ${errorMessage(error)}`);
  }
}

/** A flag whose value is one of `choices` (undefined when not given); `what` says what it sets. */
function choiceOption<T extends string>(
  context: CommandContext,
  flag: string,
  choices: readonly T[],
  what: string,
): T | undefined {
  const value = context.string(flag);
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`--${flag} '${value}' is not one of: ${choices.join(', ')} (${what})`);
}

/** bench ops --forms a,b,…: the product forms to time (products.ts), or `all`; undefined when not given. */
export function formsOption(context: CommandContext): ProductForm[] | undefined {
  const value = context.string('forms');
  if (value === undefined) return undefined;
  if (value === 'all') return [...PRODUCT_FORMS];
  const forms = value.split(',').map((form) => form.trim());
  const unknown = forms.filter((form) => !(PRODUCT_FORMS as readonly string[]).includes(form));
  if (unknown.length > 0)
    throw new UsageError(`--forms: '${unknown.join(', ')}' is not one of: ${PRODUCT_FORMS.join(', ')}, all`);
  return forms as ProductForm[];
}

/** The largest side bench ops takes: it catches typos (a 2²⁴ × 1 operand is 64 MB). */
const MAX_PRODUCT_SIDE = 2 ** 24;

/** bench ops --shapes MxKxN,…: the products' sizes; undefined when not given. */
export function shapesOption(context: CommandContext): [number, number, number][] | undefined {
  const value = context.string('shapes');
  if (value === undefined) return undefined;
  return value.split(',').map((text) => {
    const sides = text.trim().split('x').map(Number);
    const isValid = sides.length === 3 && sides.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_PRODUCT_SIDE);
    if (!isValid)
      throw new UsageError(
        `--shapes: '${text}' is not M x K x N of whole numbers from 1 to ${MAX_PRODUCT_SIDE} (for example 512x512x2048)`,
      );
    return sides as [number, number, number];
  });
}

/** --graph cpu|gpu: the device kind to shape the step's graph for (default: the provider's). */
export function graphDeviceOption(context: CommandContext): BuildDevice | undefined {
  return choiceOption(context, 'graph', ['cpu', 'gpu'], "the device kind to shape the step's graph for");
}

/** --step-mode auto|loop|single: how a call of K steps runs (default auto, as the trainer). */
export function stepModeOption(context: CommandContext): StepMode | undefined {
  return choiceOption(context, 'step-mode', ['auto', 'loop', 'single'], 'how a call of --steps-per-call steps runs');
}

/** --update auto|graph: where the optimizer's update runs on the CPU (default auto, as the trainer). */
export function updateOption(context: CommandContext): 'auto' | 'graph' | undefined {
  return choiceOption(
    context,
    'update',
    ['auto', 'graph'],
    "where the optimizer's update runs on the CPU: auto = on the host where it can",
  );
}

/** --optimizer adamw|adafactor: the step's optimizer (default adamw). */
export function optimizerOption(context: CommandContext): BenchOptimizer | undefined {
  return choiceOption(context, 'optimizer', ['adamw', 'adafactor'], "the training step's optimizer");
}

/** --buffer-cache bucket|simple: how WebGPU reuses its buffers between runs (default: the trainer's, simple). */
export function bufferCacheOption(context: CommandContext): WebGpuBufferCache | undefined {
  return choiceOption(
    context,
    'buffer-cache',
    WEBGPU_BUFFER_CACHES,
    "how WebGPU keeps the step's buffers between runs: simple = the trainer's default, bucket = onnxruntime's",
  );
}

/** --provider, default cpu. */
export function providerOption(context: CommandContext): ProviderName {
  return providerName(context.string('provider') ?? 'cpu');
}

/**
 * --provider (default cpu), refused when it does not load here (runsPrepare.ts checkProvider, as
 * a training run refuses it) rather than timed on the CPU that onnxruntime falls back on; its
 * note (a provider that runs in software) is logged. The engine host probes it, so onnxruntime's
 * own load errors stay off the terminal; the CPU is never probed, so a cpu bench opens no data
 * directory.
 */
export async function loadableProviderOption(context: CommandContext): Promise<ProviderName> {
  const provider = providerOption(context);
  const note = provider === 'cpu' ? null : await checkProvider({ system: context.app().system }, provider);
  if (note !== null) context.log(note);
  return provider;
}

/** --preset, default t5-small. */
export function presetOption(context: CommandContext): T5PresetName {
  const preset = context.string('preset') ?? 't5-small';
  if (!(T5_PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new UsageError(`--preset '${preset}' is not one of: ${T5_PRESET_NAMES.join(', ')}`);
  }
  return preset as T5PresetName;
}

/** --model DIR, refused together with --preset. */
export function modelFolderOption(context: CommandContext, bench: string): string | undefined {
  const dir = context.string('model');
  if (dir !== undefined && context.string('preset') !== undefined) {
    throw new UsageError(`bench ${bench}: give --preset NAME or --model DIR, not both`);
  }
  return dir;
}

/**
 * The shape to train: a preset's, or a model folder's config.json (its weights are not read:
 * training speed does not depend on them). `preset` is only a placeholder when `config` is a folder's.
 */
export function modelShapeOption(
  context: CommandContext,
  bench: string,
): { preset: T5PresetName; config: T5Config; modelName: string } {
  const dir = modelFolderOption(context, bench);
  if (dir !== undefined) return { preset: 't5-small', config: loadT5Config(dir), modelName: dir };
  const preset = presetOption(context);
  return { preset, config: t5Preset(preset), modelName: preset };
}
