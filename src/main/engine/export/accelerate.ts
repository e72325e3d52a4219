// The accelerate export: a folder that trains the run on Hugging Face transformers + accelerate
// (multi-GPU / multi-node through accelerate's own config): base_model/ (an HF folder of the
// starting checkpoint), data/{train,validation}.jsonl ({"text": …} per document),
// run_config.json (the settings train.py reads), train.py and a README with the commands.

import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../formats/safetensors';
import { fitSpanLengths, maskedLengthsFor } from '../data/spanCorruption';
import type { AdafactorArguments, AdamWArguments } from './accelerate-optimizer';
import { ACCELERATE_SCRIPT } from './accelerate-script';
import { exportHfFolder, type ExportOptions } from './hf';

/** What train.py needs of a run (snake_case: it is the JSON the script reads). */
export interface AccelerateRunConfig {
  readonly input_length: number;
  readonly noise_density: number;
  readonly mean_noise_span_length: number;
  readonly batch_size: number;
  readonly gradient_accumulation_steps: number;
  readonly optimizer: 'adamw' | 'adafactor';
  /** The optimizer's own settings (accelerate-optimizer.ts). */
  readonly optimizer_args: AdafactorArguments | AdamWArguments;
  /** AdamW's (Adafactor's relative steps set their own step sizes, as in Spanfill). */
  readonly learning_rate: number;
  readonly weight_decay: number;
  /** AdamW's, as learning_rate. */
  readonly schedule: 'linear' | 'cosine' | 'constant_with_warmup' | 'inverse_sqrt';
  readonly warmup_steps: number;
  readonly max_steps: number;
  readonly clip_norm: number;
  /** The model's dropout while training; null: base_model's config.json dropout_rate. */
  readonly dropout_rate: number | null;
  readonly checkpoint_every: number;
  readonly seed: number;
}

export const ACCELERATE_FILES = {
  script: 'train.py',
  config: 'run_config.json',
  readme: 'README.md',
  baseModel: 'base_model',
  train: join('data', 'train.jsonl'),
  validation: join('data', 'validation.jsonl'),
} as const;

/** Appends documents as JSON lines; the caller feeds pages and closes it. */
export class JsonlWriter {
  private readonly fd: number;
  count = 0;

  constructor(path: string) {
    mkdirSync(join(path, '..'), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(texts: readonly string[]): void {
    if (texts.length === 0) return;
    writeSync(this.fd, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
    this.count += texts.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** How the job's chunks are masked: the raw length Spanfill cuts (train.py's raw_length) and what a mask makes of it. */
function lengthsText(config: AccelerateRunConfig): string {
  const { input_length: inputLength, noise_density: density, mean_noise_span_length: meanSpan } = config;
  const raw = fitSpanLengths(inputLength, density, meanSpan).tokensLength;
  const masked = maskedLengthsFor(raw, density, meanSpan);
  return (
    `Raw chunks of ${raw} tokens are masked to ${masked.input} input and ${masked.target} target tokens ` +
    `(input length ${inputLength}, noise density ${density}, mean span ${meanSpan}), as Spanfill masks them.`
  );
}

/** The dropout train.py sets: the run's, else what base_model's config says. */
function dropoutText(config: AccelerateRunConfig): string {
  return config.dropout_rate === null
    ? "Dropout: base_model's config.json dropout_rate, as the run had."
    : `Dropout: ${config.dropout_rate}, the run's (train.py sets it over base_model's config.json).`;
}

/** The optimizer as train.py builds it, and that it is Spanfill's. */
function optimizerText(config: AccelerateRunConfig): string {
  const decay =
    config.weight_decay > 0
      ? `weight decay ${config.weight_decay} on weight matrices (not norms or biases)`
      : 'no weight decay';
  if (config.optimizer === 'adamw')
    return (
      `Optimizer: AdamW (torch.optim.AdamW with run_config.json's optimizer_args) at learning rate ` +
      `${config.learning_rate}, schedule ${config.schedule} with ${config.warmup_steps} warm-up steps, ${decay}, as Spanfill trains.`
    );
  const args = config.optimizer_args as AdafactorArguments;
  const scaled = args.scale_parameter ? ` times each parameter's RMS (at least ${args.eps[1]})` : '';
  const moment = args.beta1 === null ? 'no first moment' : `first moment beta1 ${args.beta1}`;
  return (
    "Optimizer: Adafactor as Spanfill runs it (transformers.optimization.Adafactor with run_config.json's " +
    `optimizer_args): relative steps min(0.01, 1/sqrt(step))${scaled}, updates clipped at RMS ` +
    `${args.clip_threshold}, decay rate ${args.decay_rate}, ${moment}, ${decay}.\nLike Spanfill's, it sets its own ` +
    'step sizes: learning_rate, schedule and warmup_steps in run_config.json do not apply to it.'
  );
}

/**
 * The Python packages the job needs. transformers reads a tokenizer.json with its own tokenizers
 * package (ByT5 folders get one too); only a tokenizer that is spiece.model alone needs sentencepiece.
 */
function needsText(baseModel: string): string {
  if (existsSync(join(baseModel, 'tokenizer.json')))
    return (
      'Needs Python with torch, numpy, transformers and accelerate (transformers reads base_model/tokenizer.json ' +
      'with its tokenizers package; sentencepiece is not needed).'
    );
  return (
    'Needs Python with torch, numpy, transformers, accelerate and sentencepiece (base_model/ has its ' +
    'tokenizer as spiece.model, without tokenizer.json).'
  );
}

function readme(config: AccelerateRunConfig, documents: { train: number; validation: number }, needs: string): string {
  return `# Spanfill training job (transformers + accelerate)

T5 span corruption of ${documents.train} training and ${documents.validation} validation documents
(data/*.jsonl), starting from base_model/, with the settings in run_config.json.
${lengthsText(config)}

${optimizerText(config)}
${dropoutText(config)}

What cannot match a Spanfill run: the span masks, the order of the examples and dropout come from
numpy's and torch's random generators (the same distributions, other draws), and the job starts a
fresh optimizer at step 0.

${needs}

    accelerate config
    accelerate launch train.py
    spanfill models import checkpoints/step-${String(config.max_steps).padStart(8, '0')}

\`accelerate config\` asks about GPUs and machines (run it on each node for multi-node).
Checkpoints land in checkpoints/step-N as HF folders (model.safetensors + tokenizer).
`;
}

/**
 * Writes everything but the documents into `dest` (the caller has written data/*.jsonl with
 * JsonlWriter and passes the counts): base_model/ from `source`, run_config.json, train.py, README.
 */
export async function writeAccelerateJob(
  source: string,
  dest: string,
  config: AccelerateRunConfig,
  documents: { train: number; validation: number },
  options: ExportOptions = {},
): Promise<void> {
  fitSpanLengths(config.input_length, config.noise_density, config.mean_noise_span_length); // throws on bad settings
  mkdirSync(join(dest, ACCELERATE_FILES.baseModel));
  await exportHfFolder(source, join(dest, ACCELERATE_FILES.baseModel), options);
  const json = { base_model: ACCELERATE_FILES.baseModel, ...config };
  const text = (s: string): Uint8Array[] => [Buffer.from(s, 'utf8')];
  writeFileAtomic(join(dest, ACCELERATE_FILES.config), text(JSON.stringify(json, null, 2) + '\n'));
  writeFileAtomic(join(dest, ACCELERATE_FILES.script), text(ACCELERATE_SCRIPT));
  const needs = needsText(join(dest, ACCELERATE_FILES.baseModel));
  writeFileAtomic(join(dest, ACCELERATE_FILES.readme), text(readme(config, documents, needs)));
}
