// Export domain: write a model or checkpoint folder, or a training run's checkpoint, as an HF
// folder, the transformers.js layout (ONNX, optional int8) or an accelerate training job (with a
// dataset's documents and a run configuration; a run brings its own). Backs `spanfill export`; the service is src/main/services/export.ts, the
// heavy writing runs in the engine host (host/handlers/export.ts → engine/export/).

import { z } from 'zod';
import { call } from './define';
import { idText, pathText } from './bounded';
import { noiseDensitySchema } from './masking';
import { runConfigSchema } from './runs';
import { warmupProblem } from './schedule';

export const EXPORT_FORMATS = ['hf', 'transformers.js', 'accelerate'] as const;

/** The data directory's folder for exports: the only place inside it an export may be written. */
export const exportsFolder = 'exports';
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * What `spanfill train` starts a run with where a setting is left out: runConfigSchema's default,
 * so an accelerate job and a Spanfill run given the same settings train alike.
 */
function trainDefault<K extends keyof typeof runConfigSchema.shape>(
  key: K,
): z.output<(typeof runConfigSchema.shape)[K]> {
  return runConfigSchema.shape[key].parse(undefined) as z.output<(typeof runConfigSchema.shape)[K]>;
}

/**
 * The run settings an accelerate job trains with (train.py reads them as run_config.json); left
 * out, train's defaults (maxSteps, which train has no default for: 1000).
 */
export const accelerateRunConfigSchema = z.strictObject({
  inputLength: z.number().int().min(4).max(65_536).default(trainDefault('inputLength')),
  /** Within the bounds a new run takes (MASKING_BOUNDS), in its words; a run's own, as it trained (export.ts runConfigOfRun). */
  noiseDensity: noiseDensitySchema.default(trainDefault('noiseDensity')),
  meanNoiseSpanLength: z.number().min(1).max(1000).default(trainDefault('meanSpanLength')),
  batchSize: z.number().int().min(1).max(65_536).default(trainDefault('batchSize')),
  accumulation: z.number().int().min(1).max(65_536).default(trainDefault('accumulation')),
  optimizer: z.enum(['adamw', 'adafactor']).default(trainDefault('optimizer').kind),
  learningRate: z.number().gt(0).max(10).default(trainDefault('lr')),
  weightDecay: z.number().min(0).max(10).default(trainDefault('weightDecay')),
  schedule: z.enum(['linear', 'cosine', 'constant', 'inverseSqrt']).default(trainDefault('schedule')),
  warmupSteps: z.number().int().min(0).default(trainDefault('warmupSteps')),
  maxSteps: z.number().int().min(1).default(1000),
  /** 0: off (a run's null). */
  clipNorm: z
    .number()
    .min(0)
    .default(trainDefault('clipNorm') ?? 0),
  /** Dropout while training; null: the model config's dropout_rate (as a run's `dropout`). */
  dropout: z.number().min(0).lt(1, 'dropout must be < 1').nullable().default(trainDefault('dropout')),
  checkpointEvery: z.number().int().min(0).default(trainDefault('checkpointEvery')),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(trainDefault('seed')),
});
export type AccelerateRunConfigArgs = z.input<typeof accelerateRunConfigSchema>;

/** A training run's checkpoint: the best by validation loss (else the last), the last, or a step. */
export const exportRunSchema = z.strictObject({
  id: idText(),
  checkpoint: z.union([z.enum(['best', 'last']), z.number().int().min(0)]).default('best'),
});

export const exportRequestSchema = z.strictObject({
  /** A model or checkpoint folder (config.json, weights, tokenizer files); or `run`. */
  sourceDir: pathText().optional(),
  /**
   * In place of sourceDir: a run's checkpoint. For accelerate it also gives the dataset and the
   * settings (the run's own), so datasetId and runConfig are refused with it.
   */
  run: exportRunSchema.optional(),
  format: z.enum(EXPORT_FORMATS),
  out: pathText(),
  /** Replace `out` when it holds an earlier export and nothing else (its spanfill-export.json lists every file); any other non-empty folder is refused. */
  force: z.boolean().default(false),
  /** transformers.js only: also write onnx/*_quantized.onnx (dynamic int8). */
  quantize: z.enum(['int8']).optional(),
  /** accelerate only: the dataset whose documents become data/*.jsonl. */
  datasetId: idText().optional(),
  /** accelerate only: the run's settings (defaults for what is left out), held to train's warm-up rule. */
  runConfig: accelerateRunConfigSchema
    .superRefine((config, context) => {
      const problem = warmupProblem(config, config.maxSteps);
      if (problem !== null)
        context.addIssue({ code: 'custom', message: problem, path: ['warmupSteps'], input: config.warmupSteps });
    })
    .optional(),
});
export type ExportRequest = z.output<typeof exportRequestSchema>;

export interface ExportResult {
  readonly format: ExportFormat;
  /** Absolute path of the finished folder. */
  readonly out: string;
  /** Files written, relative to `out`, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** accelerate only: documents written to data/train.jsonl and data/validation.jsonl. */
  readonly documents?: { readonly train: number; readonly validation: number };
  /** An export of a run: which of its checkpoints was written (best and last name one by step). */
  readonly checkpoint?: { readonly runId: string; readonly step: number };
}

export const exportCalls = {
  run: call<ExportResult>()(exportRequestSchema),
};

/**
 * The file-name suffix of the int8 graphs a transformers.js export writes with `quantize: 'int8'`
 * (onnx/encoder_model_quantized.onnx): transformers.js loads them for dtype 'q8' (its
 * utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING).
 */
export const QUANTIZED_GRAPH_SUFFIX = '_quantized';

/**
 * The transformers.js dtype that loads the graphs `files` (an export's, relative with /) hold:
 * 'q8' where the int8 graphs are among them, else 'fp32'. Named even then: in a browser
 * transformers.js runs on wasm, whose default dtype is q8, and would look for int8 graphs.
 */
function transformersJsDtype(files: readonly string[]): 'q8' | 'fp32' {
  const isInt8 = files.some((file) => file.startsWith('onnx/') && file.endsWith(`${QUANTIZED_GRAPH_SUFFIX}.onnx`));
  return isInt8 ? 'q8' : 'fp32';
}

/**
 * Whether transformers.js surely looks `name` up under env.localModelPath: a name it takes for a
 * Hub model id (its hub/utils.js isValidHfModelId: letters, digits, _ . - between word characters,
 * no ".." or "--", not .git or .ipynb). It reads any other name as a path, so the snippet gives
 * the full path then; a full path always works, so in doubt this says no.
 */
function isHubStyleName(name: string): boolean {
  if (name.includes('..') || name.includes('--') || /\.(git|ipynb)$/.test(name)) return false;
  return /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9])?$/.test(name);
}

/**
 * How to use a finished export at `out`, in the words of the README's examples; `files`: what it
 * wrote (ExportResult.files), whose graphs say which dtype a transformers.js snippet loads.
 */
export function exportLoadHint(format: ExportFormat, out: string, files: readonly string[]): string {
  const quoted = JSON.stringify(out);
  if (format === 'hf')
    return [
      'from transformers import AutoTokenizer, T5ForConditionalGeneration',
      `tokenizer = AutoTokenizer.from_pretrained(${quoted})`,
      `model = T5ForConditionalGeneration.from_pretrained(${quoted})`,
    ].join('\n');
  if (format === 'transformers.js') {
    const cut = Math.max(out.lastIndexOf('/'), out.lastIndexOf('\\'));
    const [parent, name] = [out.slice(0, cut + 1), out.slice(cut + 1)];
    const options = `{ dtype: '${transformersJsDtype(files)}' }`;
    if (!isHubStyleName(name))
      return [
        "import { pipeline } from '@huggingface/transformers';",
        `const fill = await pipeline('text2text-generation', ${quoted}, ${options});`,
      ].join('\n');
    return [
      "import { env, pipeline } from '@huggingface/transformers';",
      `env.localModelPath = ${JSON.stringify(parent)};`,
      `const fill = await pipeline('text2text-generation', ${JSON.stringify(name)}, ${options});`,
    ].join('\n');
  }
  return [`cd ${quoted}`, 'accelerate launch train.py'].join('\n');
}
