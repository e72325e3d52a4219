// `spanfill export (--model DIR|ID | --checkpoint DIR | --run ID [--checkpoint best|last|STEP])
// --format hf|transformers.js|accelerate --out DIR`: write a model, checkpoint folder or run's
// checkpoint as an HF folder, the transformers.js layout (optionally with int8 graphs) or an
// accelerate training job (--dataset ID, settings from --config FILE; a run brings both). Parses
// flags and prints; the call is the contract's export.run, run by the export service with the
// engine host (which resolves --run as `fill --run` does). Ctrl-C cancels; nothing half-written stays.
// --force replaces only an earlier export (engine/export/manifest.ts), never other files.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  EXPORT_FORMATS,
  exportLoadHint,
  exportRequestSchema,
  type ExportFormat,
  type ExportResult,
} from '../../../shared/contract/export';
import { contractMessages } from '../../../shared/contract/issues';
import { ApiError } from '../../../shared/errors';
import { unreadableFileReason } from '../../../shared/fileErrors';
import { describeIssues } from '../../services/dispatch';
import { onlyForWords } from '../../services/export';
import type { CommandContext } from '../command';
import { defineCommand, UsageError } from '../command';
import { datasetFlag, runArgument } from '../ref-arg';
import { choiceOption } from '../options';
import { resolveModelArgument, runCheckpointFlag } from '../model-arg';
import type { ProgressBar } from '../output';
import { formatBytes } from '../../../shared/format';

/** The source: a folder (--model, --checkpoint DIR) or a run (--run ID, --checkpoint best|last|STEP). */
function sourceFrom(
  context: CommandContext,
): { sourceDir: string } | { run: { id: string; checkpoint: 'best' | 'last' | number } } {
  const model = context.string('model');
  const checkpoint = context.string('checkpoint');
  const run = context.string('run');
  if (run !== undefined) {
    if (model !== undefined) throw new UsageError('--model and --run cannot be combined; choose one');
    for (const flag of ['dataset', 'config'])
      if (context.string(flag) !== undefined)
        throw new UsageError(`--${flag} does not go with --run: the run's own dataset and settings are used`);
    const which = runCheckpointFlag(checkpoint);
    return { run: { id: runArgument(context, run), checkpoint: which } };
  }
  if ((model === undefined) === (checkpoint === undefined))
    throw new UsageError('export needs one of --model DIR|ID, --checkpoint DIR or --run ID');
  if (checkpoint !== undefined) checkNotRunCheckpoint(checkpoint);
  return { sourceDir: path.resolve(checkpoint ?? resolveModelArgument(context, model as string)) };
}

/**
 * `--checkpoint best|last|STEP` without --run: a run's checkpoint asked for, unless a folder of
 * that name is here (then it is that folder, as any --checkpoint DIR).
 */
function checkNotRunCheckpoint(checkpoint: string): void {
  if (!/^(best|last|\d+)$/.test(checkpoint) || existsSync(checkpoint)) return;
  throw new UsageError(
    `--checkpoint ${checkpoint} needs --run ID (best, last and a step name a run's checkpoint); without --run, ` +
      "give a checkpoint folder's path",
  );
}

function formatFrom(context: CommandContext): ExportFormat {
  const format = choiceOption('format', context.string('format'), EXPORT_FORMATS);
  if (format === undefined) throw new UsageError(`export needs --format: one of ${EXPORT_FORMATS.join(', ')}`);
  return format;
}

/** --config FILE: a JSON object of run settings (the contract's accelerateRunConfigSchema). */
function runConfigFrom(context: CommandContext, format: string): Record<string, unknown> | undefined {
  const file = context.string('config');
  if (file === undefined) return undefined;
  // Before the file is read: what it holds does not matter to another format.
  if (format !== 'accelerate') throw new UsageError(onlyForWords(['--config'], 'accelerate', format));
  let text: string;
  // What the file holds is input data (exit 1), as for any file a command reads.
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ApiError('invalid_input', `--config ${file} ${unreadableFileReason(error)}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ApiError('invalid_input', `--config ${file} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Why the request is refused: a setting in the --config file (bad input data, exit 1, naming
 * the file and the settings), else the flags themselves (a usage error).
 */
function requestRefusal(issues: readonly z.core.$ZodIssue[], configFile: string | undefined): Error {
  const inFile = issues.filter((issue) => issue.path[0] === 'runConfig');
  if (inFile.length === 0 || configFile === undefined) return new UsageError(describeIssues('export', issues));
  const said = inFile.slice(0, 3).map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    const message = issue.message.replace(/^Invalid input: /, '');
    const field = issue.path.slice(1).map(String).join('.');
    return field && !message.startsWith(String(issue.path.at(-1))) ? `${field}: ${message}` : message;
  });
  return new ApiError('invalid_input', `--config ${configFile}: ${said.join('; ')}`);
}

/** A folder whose files are listed as one line: the model an accelerate job starts from. */
const FOLDED = 'base_model/';

/** The lines listing `files` (sorted): each file, but those under FOLDED as one line with their count. */
function fileLines(files: readonly string[]): string[] {
  const folded = files.filter((file) => file.startsWith(FOLDED)).length;
  const said = `  ${FOLDED} (${folded} ${folded === 1 ? 'file' : 'files'})`;
  const lines = files.map((file) => (file.startsWith(FOLDED) ? said : `  ${file}`));
  return lines.filter((line, i) => line !== said || lines.indexOf(said) === i);
}

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export a model or checkpoint for transformers, transformers.js or an accelerate training job',
  usage:
    'spanfill export (--model DIR|ID | --checkpoint DIR | --run ID [--checkpoint best|last|STEP]) --format hf|transformers.js|accelerate --out DIR [--quantize int8] [--dataset ID --config FILE] [--force]',
  description:
    'hf: config.json, model.safetensors, tokenizer files and generation_config.json (load with transformers ' +
    'T5ForConditionalGeneration.from_pretrained(DIR)).\n\n' +
    'transformers.js: onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx (weights over 2 GB go to ' +
    '*.onnx_data) plus config and tokenizer; --quantize int8 adds onnx/*_quantized.onnx (dtype: "q8").\n\n' +
    'accelerate: base_model/, data/train.jsonl and data/validation.jsonl (the documents of --dataset ID), ' +
    'run_config.json (settings from --config FILE, a JSON object such as {"inputLength": 512, "maxSteps": 1000}; ' +
    "train's defaults otherwise, and 1000 steps; a warm-up longer than the steps is refused, as train refuses it) " +
    'and train.py for `accelerate launch train.py`.\n\n' +
    "--run ID exports a training run's checkpoint (--checkpoint best, the default: the lowest validation loss, " +
    'else the last; last; or a step number). For accelerate, base_model/ is that checkpoint (the job starts from ' +
    "its weights as a new run: step 0, warmup and all steps again, a fresh optimizer) and the run's own " +
    'dataset and settings (lengths, masking rates, batch, optimizer, schedule, steps, seed) fill data/ and ' +
    'run_config.json, so --dataset and --config are refused with --run.\n\n' +
    'Every export lists what it wrote in spanfill-export.json. The folder must be new or empty, or hold an ' +
    'earlier export and nothing else (every file listed there, unchanged), which only --force replaces; a folder ' +
    'holding anything else is refused, --force or not. The export appears only when complete. The folder may not ' +
    'be or hold the data directory or the model exported, nor lie inside the data directory except under its ' +
    'exports/ folder.',
  options: {
    model: { type: 'string', placeholder: 'DIR|ID', description: 'Model folder, model id or pulled REPO_ID' },
    checkpoint: {
      type: 'string',
      placeholder: 'DIR|STEP',
      description: 'A checkpoint folder (step-NNNNNNNN); with --run: best, last or a step',
    },
    run: { type: 'string', placeholder: 'ID', description: 'A training run (id or name): export its checkpoint' },
    format: { type: 'string', placeholder: 'FORMAT', description: 'hf, transformers.js or accelerate' },
    out: { type: 'string', placeholder: 'DIR', description: 'Destination folder' },
    quantize: { type: 'string', placeholder: 'int8', description: 'transformers.js: also write int8 graphs' },
    dataset: { type: 'string', placeholder: 'ID', description: 'accelerate: the dataset to train on (id or name)' },
    config: { type: 'string', placeholder: 'FILE', description: 'accelerate: run settings as JSON' },
    force: { type: 'boolean', description: 'Replace an earlier export in --out (nothing else)' },
  },
  async run(context) {
    const source = sourceFrom(context);
    const format = formatFrom(context);
    const out = context.string('out');
    if (!out) throw new UsageError('export needs --out DIR');
    const quantize = context.string('quantize');
    if (quantize !== undefined && quantize !== 'int8') throw new UsageError(`--quantize takes int8, got '${quantize}'`);
    const app = context.app();
    let bar: ProgressBar | undefined;
    const unsubscribe = app.events.subscribe((event, payload) => {
      if (event !== 'export.progress') return;
      const p = payload as { stage: string; done: number; total: number };
      bar ??= context.progress(`Exporting (${format})`, p.total);
      bar.update(p.done, p.total);
    });
    try {
      const request = {
        ...source,
        format,
        out: path.resolve(out), // the service takes full paths only (a relative one would be the server's folder)
        force: context.flag('force'),
        quantize: quantize as 'int8' | undefined,
        datasetId: datasetFlag(context),
        runConfig: runConfigFrom(context, format),
      };
      const parsed = exportRequestSchema.safeParse(request, { error: contractMessages });
      if (!parsed.success) throw requestRefusal(parsed.error.issues, context.string('config'));
      return await app.export.run(parsed.data, context.signal);
    } catch (error) {
      // Here the replace of an earlier export the app offers with a button is a flag.
      if (error instanceof ApiError && error.code === 'conflict' && error.message.endsWith(', or replace it'))
        throw new ApiError('conflict', `${error.message} with --force`);
      throw error;
    } finally {
      unsubscribe();
      bar?.finish();
    }
  },
  render(result) {
    const r = result as ExportResult;
    const of = r.checkpoint ? ` of run ${r.checkpoint.runId}'s checkpoint at step ${r.checkpoint.step}` : '';
    const lines = [`Exported ${r.format}${of} to ${r.out} (${r.files.length} files, ${formatBytes(r.bytes)})`];
    if (r.documents) lines.push(`  documents: ${r.documents.train} train, ${r.documents.validation} validation`);
    lines.push(...fileLines(r.files));
    lines.push(
      'Load it:',
      ...exportLoadHint(r.format, r.out, r.files)
        .split('\n')
        .map((line) => `  ${line}`),
    );
    return lines.join('\n');
  },
});
