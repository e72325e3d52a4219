// Export service: checks the request, owns the destination (new or empty, or an earlier export
// only when forced, never a registered model's folder, nor one another export writes now, here or
// in another process, engine/export/writers.ts; everything is written under a hidden temp
// name, listed in its spanfill-export.json and moved into place at the end, engine/export/folder.ts)
// and has the engine host write the files, once the disk that holds the destination is found to have
// the room the export needs (exportRoom.ts: else refused before anything is written). For an accelerate job
// it first writes the dataset's documents as JSONL from the store (train and validation split
// as the trainer splits them). A `run` request resolves through the runs service, as `fill --run`
// does: its checkpoint folder is the source, and for accelerate its dataset and settings are the
// job's (base_model/ is that checkpoint, so the job continues from it).

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  accelerateRunConfigSchema,
  exportsFolder,
  type ExportFormat,
  type ExportRequest,
  type ExportResult,
} from '../../shared/contract/export';
import type { ModelSummary } from '../../shared/contract/models';
import { runConfigSchema, type RunDetail } from '../../shared/contract/runs';
import { ApiError } from '../../shared/errors';
import { isWithin } from '../pathWithin';
import { refuseRelativePaths } from './fullPaths';
import { ACCELERATE_FILES, JsonlWriter, type AccelerateRunConfig } from '../engine/export/accelerate';
import { optimizerArguments } from '../engine/export/accelerate-optimizer';
import type { OptimizerConfig } from '../engine/optim/optimizer';
import { canonicalPath, checkDestination, checkNotEnclosing, type ProtectedFolder } from '../engine/export/destination';
import { ExportError } from '../engine/export/exportError';
import { writeFolderAtomically } from '../engine/export/folder';
import { listFiles } from '../engine/export/manifest';
import { removeStagingOfGone } from '../engine/export/stagingRecords';
import { modelFolderProblem } from '../engine/t5/config';
import { checkpointStepOf } from '../engine/train/checkpoint';
import type { DatasetService } from './datasets';
import type { HostRequester } from './engine-host';
import { DestinationDisk } from './exportRoom';
import type { FreeSpaceOf } from './freeSpace';
import type { DomainHandlers } from './handler';
import type { RunService } from './runs';

type RunConfig = z.output<typeof accelerateRunConfigSchema>;

/** Spanfill's schedules by transformers' get_scheduler names (inverseSqrt is the same formula). */
const SCHEDULES = {
  linear: 'linear',
  cosine: 'cosine',
  constant: 'constant_with_warmup',
  inverseSqrt: 'inverse_sqrt',
} as const;

/**
 * The contract's camelCase settings as the snake_case JSON train.py reads; `optimizer`: the
 * run's optimizer with its own settings (a --config file names only the kind: defaults).
 */
export function accelerateConfigOf(
  c: RunConfig,
  optimizer: OptimizerConfig = { kind: c.optimizer },
): AccelerateRunConfig {
  return {
    input_length: c.inputLength,
    noise_density: c.noiseDensity,
    mean_noise_span_length: c.meanNoiseSpanLength,
    batch_size: c.batchSize,
    gradient_accumulation_steps: c.accumulation,
    optimizer: c.optimizer,
    optimizer_args: optimizerArguments(optimizer),
    learning_rate: c.learningRate,
    weight_decay: c.weightDecay,
    schedule: SCHEDULES[c.schedule],
    warmup_steps: c.warmupSteps,
    max_steps: c.maxSteps,
    clip_norm: c.clipNorm,
    dropout_rate: c.dropout,
    checkpoint_every: c.checkpointEvery,
    seed: c.seed,
  };
}

/**
 * A run's settings as the job's, its noise density as stored: a run from before MASKING_BOUNDS
 * may have trained below them.
 */
const ofRunSchema = accelerateRunConfigSchema.extend({ noiseDensity: runConfigSchema.shape.noiseDensity });

/** A run's settings as the accelerate job's (maxSteps: the run's total, also for an epochs run). */
export function runConfigOfRun(run: RunDetail): RunConfig {
  const c = run.config;
  return ofRunSchema.parse({
    inputLength: c.inputLength,
    noiseDensity: c.noiseDensity,
    meanNoiseSpanLength: c.meanSpanLength,
    batchSize: c.batchSize,
    accumulation: c.accumulation,
    optimizer: c.optimizer.kind,
    learningRate: c.lr,
    weightDecay: c.weightDecay,
    schedule: c.schedule,
    warmupSteps: c.warmupSteps,
    maxSteps: run.totalSteps,
    clipNorm: c.clipNorm ?? 0,
    dropout: c.dropout,
    checkpointEvery: c.checkpointEvery,
    seed: c.seed,
  });
}

type ResolvedRequest = ExportRequest & {
  readonly sourceDir: string;
  /** A run's optimizer with its settings (accelerate). */
  readonly optimizer?: OptimizerConfig;
};

/** A run request as a folder request: its checkpoint, and for accelerate its dataset and settings. */
function fromRun(request: ExportRequest, runs: RunLookup): ResolvedRequest {
  const { run } = request;
  if (!run) {
    if (!request.sourceDir) throw new ApiError('invalid_argument', 'An export needs a model folder or a run');
    return { ...request, sourceDir: path.resolve(request.sourceDir) };
  }
  if (request.sourceDir)
    throw new ApiError('invalid_argument', `Export a folder or run ${run.id}, not both; drop the folder`);
  if (request.datasetId || request.runConfig)
    throw new ApiError(
      'invalid_argument',
      `Run ${run.id} brings its own dataset and settings; drop --dataset and --config`,
    );
  const sourceDir = runs.checkpointPath(run.id, run.checkpoint);
  if (request.format !== 'accelerate') return { ...request, sourceDir };
  const detail = runs.get(run.id);
  if (!detail.datasetId)
    throw new ApiError(
      'invalid_input',
      `Run ${run.id}'s dataset was removed, so there is no data for a training job; export its checkpoint for ` +
        `transformers (--format hf), or name a dataset: --checkpoint ${sourceDir} --format accelerate --dataset ID`,
    );
  const runConfig = runConfigOfRun(detail);
  return { ...request, sourceDir, datasetId: detail.datasetId, runConfig, optimizer: detail.config.optimizer };
}

function checkOptions(request: ResolvedRequest): void {
  const { format } = request;
  if (request.quantize && format !== 'transformers.js') throw onlyFor(['--quantize'], 'transformers.js', format);
  if (format === 'accelerate' && !request.datasetId)
    throw new ApiError(
      'invalid_argument',
      'An accelerate export needs --dataset ID (its documents become data/*.jsonl)',
    );
  const accelerateOnly = [...(request.datasetId ? ['--dataset'] : []), ...(request.runConfig ? ['--config'] : [])];
  if (format !== 'accelerate' && accelerateOnly.length > 0) throw onlyFor(accelerateOnly, 'accelerate', format);
  // A missing folder or a file in the words fill uses (its loader's); a folder without config.json in export's.
  const problem = modelFolderProblem(request.sourceDir);
  if (problem !== null) throw new ApiError('invalid_input', problem);
  if (!existsSync(path.join(request.sourceDir, 'config.json')))
    throw new ApiError(
      'invalid_input',
      `${request.sourceDir} is not a model or checkpoint folder (no config.json); pass a folder holding config.json and model.safetensors`,
    );
}

/** That `flags`, given with `format`, apply to `theirs` only, and what to do (here and for the CLI's --config). */
export function onlyForWords(flags: readonly string[], theirs: ExportFormat, format: string): string {
  const [given, drop] =
    flags.length === 1 ? [`${flags[0]} applies`, flags[0]] : [`${flags.join(' and ')} apply`, 'them'];
  return `${given} to --format ${theirs}, not ${format}; drop ${drop}, or export with --format ${theirs}`;
}

function onlyFor(flags: readonly string[], theirs: ExportFormat, format: ExportFormat): ApiError {
  return new ApiError('invalid_argument', onlyForWords(flags, theirs, format));
}

/**
 * Refuses a destination that a (forced) export would replace along with what it must keep: the
 * data directory or one inside it other than under its exports folder (runs, models and the
 * database live there), said first, as that is what the person chose; then a folder that holds
 * the data directory or is or holds the model being exported, or is, holds or lies inside a
 * registered model's folder.
 */
function checkOut(out: string, sourceDir: string, dataDir: string | undefined, models: readonly ModelFolder[]): void {
  if (dataDir !== undefined) checkOutsideData(out, dataDir);
  checkNotEnclosing(out, [
    ...(dataDir ? [{ dir: dataDir, what: `Spanfill's data directory (${dataDir})` }] : []),
    { dir: sourceDir, what: `the model or checkpoint being exported (${sourceDir})` },
    ...models.map(modelFolder),
  ]);
}

/** A registered model's folder (an earlier export imported as a model, say): no export deletes it, nor writes in it. */
function modelFolder({ id, name, path: dir }: ModelFolder): ProtectedFolder {
  return {
    dir,
    what: `the folder of model '${name}' (${id}, ${dir})`,
    isInsideRefused: true,
    instead:
      'remove the model from Spanfill first (Remove on the Models screen, or ' +
      `\`spanfill models rm ${id}\`: the folder stays), or export to another folder`,
  };
}

/**
 * Refuses `out` when it is the data directory, lies in it but under its exports folder, or is
 * that exports folder itself (each export there has a folder of its own), saying where to export.
 */
function checkOutsideData(out: string, dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const [target, data] = [canonicalPath(out), canonicalPath(dataDir)];
  const exports = path.join(data, exportsFolder);
  if (target === exports)
    throw new ExportError(
      `${out} is Spanfill's exports folder, which keeps each export in a folder of its own; name a new ` +
        `folder inside it (such as ${path.join(dataDir, exportsFolder, 'my-export')}) or export to a folder ` +
        'outside the data directory',
    );
  if (!isWithin(target, data) || isWithin(target, exports)) return;
  const where = target === data ? 'is' : 'is inside';
  throw new ExportError(
    `${out} ${where} Spanfill's data directory, which keeps runs, models and datasets; export under ` +
      `${path.join(dataDir, exportsFolder)} or to a folder outside the data directory`,
  );
}

/** "run 'tiny' (r-1)", or "run r-1" where its name is its id; `run`: how to say "run" (capitalised first in a sentence). */
function runCalled(id: string, name: string, run: 'run' | 'Run' = 'run'): string {
  return name === id ? `${run} ${id}` : `${run} '${name}' (${id})`;
}

/** What the export needs of the runs service. */
export type RunLookup = Pick<RunService, 'get' | 'checkpointPath' | 'readCheckpoint'>;

/** A registered model, as the export reads it: its folder is no destination. */
type ModelFolder = Pick<ModelSummary, 'id' | 'name' | 'path'>;

/**
 * <data dir>/exporting: the records of the staging folders exports are writing, beside a new
 * folder or inside one that exists (engine/export/stagingRecords.ts), by which what a killed one
 * left is cleared at the next start or export.
 */
export function exportingFolder(dataDir: string): string {
  return path.join(dataDir, 'exporting');
}

export class ExportService {
  constructor(
    private readonly deps: {
      readonly engine: HostRequester;
      readonly datasets: DatasetService;
      readonly runs: RunLookup;
      /** The data directory: no export may replace it, or write inside it but under exports/. */
      readonly dataDir?: string;
      /** The registered models, whose folders no export may replace or write into. */
      readonly models?: { list(): readonly ModelFolder[] };
      /** Only for tests: the room left on the disk that holds a folder (statfs by default). */
      readonly freeSpace?: FreeSpaceOf;
    },
  ) {
    // What exports killed since the last start left beside their destinations, wherever those are.
    if (deps.dataDir !== undefined) removeStagingOfGone(exportingFolder(deps.dataDir));
  }

  async run(args: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    refuseRelativePaths([args.out, ...(args.sourceDir ? [args.sourceDir] : [])]);
    const request = fromRun(args, this.deps.runs);
    const { run } = args;
    if (!run) return this.exportFrom(request, { source: request.sourceDir }, signal);
    const name = this.deps.runs.get(run.id).name;
    const called = runCalled(run.id, name);
    // A run that trains may delete its checkpoint while it is copied, and a run may be removed
    // while it is exported: read through a linked copy outside the run's folder (readCheckpoint).
    let isCopied = false;
    return this.deps.runs
      .readCheckpoint(run.id, run.checkpoint, async (dir) => {
        isCopied = true;
        const step = checkpointStepOf(dir);
        const source = step === null ? `run ${run.id}` : `run ${run.id}, checkpoint step ${step}`;
        const label = step === null ? called : `${called} at checkpoint step ${step}`;
        const result = await this.exportFrom({ ...request, sourceDir: dir }, { source, label }, signal);
        return step === null ? result : { ...result, checkpoint: { runId: run.id, step } };
      })
      .catch((error: unknown) => {
        // Once copied, a removal of the run takes nothing the export reads: a failure is its own.
        throw isCopied ? error : this.unlessRunRemoved(run.id, name, path.resolve(request.out), error, signal);
      });
  }

  /**
   * `error`, or, when run `id` is gone by now (removed from the app or `spanfill runs rm` before
   * its checkpoint could be copied), what happened: a checkpoint or run no longer found says
   * nothing of the removal. A cancel stays one. The run is not_found, as any call on it now: not a
   * conflict, which the app offers to settle by replacing the folder (the CLI by --force), and
   * replacing the folder would not bring the run back.
   */
  private unlessRunRemoved(id: string, name: string, out: string, error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted || (error instanceof ApiError && error.code === 'cancelled')) return error;
    try {
      this.deps.runs.get(id);
      return error; // still there: the failure is the export's own
    } catch (lookup) {
      if (!(lookup instanceof ApiError && lookup.code === 'not_found')) return error;
    }
    const called = runCalled(id, name, 'Run');
    return new ApiError(
      'not_found',
      `${called} was removed while it was being exported; nothing was exported to ${out}`,
    );
  }

  /**
   * Writes the export of `request.sourceDir`; `source` is what its manifest calls it, `label` what
   * another export to the same folder is told is writing it meanwhile (the run by its name).
   */
  private async exportFrom(
    request: ResolvedRequest,
    { source, label }: { readonly source: string; readonly label?: string },
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    checkOptions(request);
    const out = path.resolve(request.out);
    let documents: { train: number; validation: number } | undefined;
    const disk = new DestinationDisk(out, this.deps.dataDir, this.deps.freeSpace);
    try {
      checkOut(out, request.sourceDir, this.deps.dataDir, this.deps.models?.list() ?? []);
      // What to do about the folder first, then about its disk.
      checkDestination(out, request.force, { records: this.records() });
      disk.checkRoomFor(request.sourceDir); // before anything is written, the documents too
      const about = { format: request.format, source };
      const options = { force: request.force, about, label, records: this.records() };
      await writeFolderAtomically(out, options, async (dir) => {
        const base = { format: request.format, sourceDir: request.sourceDir, dir, quantize: request.quantize };
        if (request.format === 'accelerate') {
          documents = await this.writeDocuments(request.datasetId as string, dir, signal);
          const runConfig = request.runConfig ?? accelerateRunConfigSchema.parse({});
          const config = accelerateConfigOf(runConfig, request.optimizer);
          await this.deps.engine.request('export.write', { ...base, accelerate: { config, ...documents } }, { signal });
        } else {
          await this.deps.engine.request('export.write', base, { signal });
        }
      });
    } catch (error) {
      // An earlier export there is a conflict the caller may settle by asking again with force;
      // one being written there now is not (forced, it is refused as well): invalid_input, as other folders.
      const said =
        error instanceof ExportError
          ? new ApiError(error.kind === 'not-empty' ? 'conflict' : 'invalid_input', error.message)
          : error;
      throw disk.saying(said);
    }
    return { format: request.format, out, ...listFiles(out), ...(documents ? { documents } : {}) };
  }

  /** Where exports record their staging folders (exportingFolder); none without a data directory. */
  private records(): string | undefined {
    return this.deps.dataDir === undefined ? undefined : exportingFolder(this.deps.dataDir);
  }

  /** data/train.jsonl and data/validation.jsonl, split as the trainer splits the dataset. */
  private async writeDocuments(
    datasetId: string,
    dir: string,
    signal?: AbortSignal,
  ): Promise<{ train: number; validation: number }> {
    const split = await this.deps.datasets.validationOrdinals(datasetId);
    const validation = new Set(split.validation);
    // A dataset of one document trains on it and validates on it too, as the trainer does.
    const isTrained = (ordinal: number): boolean => split.isSelfValidation || !validation.has(ordinal);
    const train = new JsonlWriter(path.join(dir, ACCELERATE_FILES.train));
    const held = new JsonlWriter(path.join(dir, ACCELERATE_FILES.validation));
    try {
      for (const page of this.deps.datasets.documentPages(datasetId)) {
        signal?.throwIfAborted();
        train.write(page.filter((d) => isTrained(d.ordinal)).map((d) => d.text));
        held.write(page.filter((d) => validation.has(d.ordinal)).map((d) => d.text));
        await new Promise((resolve) => setImmediate(resolve)); // let a cancel and other calls through
      }
    } finally {
      train.close();
      held.close();
    }
    if (train.count === 0)
      throw new ApiError('invalid_input', `Dataset ${datasetId} has no training documents; import text into it first`);
    return { train: train.count, validation: held.count };
  }
}

export function exportHandlers(services: { readonly export: ExportService }): DomainHandlers<'export'> {
  return { 'export.run': (args) => services.export.run(args) };
}
