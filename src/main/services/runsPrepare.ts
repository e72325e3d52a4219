// Turning a run request into its configuration (the preset and the saved provider and threads
// filled in), and that into what the engine host trains with, refusing impossible
// combinations before anything starts — each message names the field: a model that cannot be
// found or read, an input length over the model's limit, a provider this machine cannot load,
// a tokenizer with more ids than the model embeds, a dataset with no training example at these
// settings, a batch that does not fit the memory budget even as micro-batches of 1, settings the
// trainer refuses (engine/train/settings.ts), evaluation and checkpoint intervals that never
// meet (runsSchedule.ts checkIntervals).
// A batch over the budget becomes micro-batches with accumulation (runsMemory.ts). Builds the
// dataset's token cache for the model's tokenizer on the way (datasets service).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { contractMessages } from '../../shared/contract/issues';
import type { RunConfig, RunRequest } from '../../shared/contract/runs';
import { autoFallbackNote, defaultRunProvider, resolveRunRequest, runConfigSchema } from '../../shared/contract/runs';
import { ApiError, errorMessage, isDiskFull } from '../../shared/errors';
import { isReadOnly } from './errors';
import type { SpanCorruptionSettings } from '../engine/data/examples';
import { prepareTrainingData } from '../engine/data/trainingData';
import { isBuiltinModelName, materializeBuiltinModel } from '../engine/t5/builtin';
import { isPresetModelName } from '../../shared/contract/runs';
import { checkpointOrigin } from '../../shared/contract/runNames';
import { materializePresetModel, materializePresetShape, PresetTokenizerError } from '../engine/t5/preset';
import type { T5Config } from '../engine/t5/config';
import { checkTokenizerFits, loadT5Config } from '../engine/t5/config';
import { maxInputTokens } from '../engine/t5/input-limits';
import { exampleModesOf, resumeSchemeNotices } from '../engine/train/exampleSchemes';
import { TrainerSettingsError, validateSettings } from '../engine/train/settings';
import type { TrainRunPayload } from '../host/handlers/train';
import type { DatasetService } from './datasets';
import { runCheckpointsFolder } from './runFolders';
import { describeIssues } from './dispatch';
import { tokenizerSource } from './modelReference';
import type { ModelService } from './models';
import type { MemoryPlan, MemoryProbe } from './runsMemory';
import { applyMemoryPlan, machineMemory, MemoryBudgetError, memoryBudget, planMemory } from './runsMemory';
import type { SystemService } from './system';
import { providerState } from '../../shared/providerNotes';
import { refuseOthersId } from './idOrName';
import type { Store } from '../store/db';
import { RunRepository } from '../store/runs';
import { datasetTokenNotes } from '../../shared/tokenNotes';
import { keptForModels } from './runsModelFolders';
import { checkIntervals, checkWarmup, settingsNotice, stepsOf, trainerSettings } from './runsSchedule';

export interface RunPrepareDeps {
  readonly dataDir: string;
  readonly datasets: DatasetService;
  readonly models: ModelService;
  readonly system: SystemService;
  /** Free RAM and GPU memory (default: this machine's). */
  readonly memory?: MemoryProbe;
}

/** A prepared run: the host payload without run id and checkpoint paths, and its length. */
export interface PreparedRun {
  readonly payload: Omit<TrainRunPayload, 'runId' | 'checkpointDir' | 'resumeFrom'>;
  readonly totalSteps: number;
  readonly trainingExamples: number;
  /** Examples on the validation side (the trainer evaluates up to evalExamples of them; 0: no validation). */
  readonly validationExamples: number;
  /** Target tokens per example (the step's shape, with config.inputLength). */
  readonly targetLength: number;
  /** The base model's config.json (its shape). */
  readonly modelConfig: T5Config;
  /** The configuration as it trains: `run` with the micro-batch split when memory needed one. */
  readonly config: RunConfig;
  /** The budget, the step's estimate and the split (runsMemory.ts). */
  readonly memory: MemoryPlan;
  /**
   * What to tell whoever starts it: the provider runs in software here, settings it does not train
   * with (settingsNotice), what tokenizing did to the dataset's text (literal special tokens removed,
   * tokens that became <unk>: datasetTokenNotes, as `datasets show` says it), the batch was split or
   * memory is not checked (the last: memory.notice).
   */
  readonly notices: readonly string[];
  /**
   * What a resumed run says once as it starts again (runs.resume adds them to its notices): that
   * its examples are made otherwise than its checkpoint's were (exampleSchemes.ts), and the
   * checkpoints it keeps whatever keepLast, a model registered on each (keptCheckpointNotice).
   */
  readonly keptNotices: readonly string[];
}

const bad = (message: string): ApiError => new ApiError('invalid_argument', message);

/** How runs are spoken of where an id or a name goes (idOrName.ts): by runs.ts and here. */
export const RUN_KIND = { one: 'run', many: 'runs', command: 'spanfill runs' };

/**
 * The configuration a request starts: its preset under it, the saved provider and threads where
 * it names none. Under 'auto' a preset's GPU provider is taken only where the machine's probe
 * (read only then) has it on a GPU; `notice` says when the CPU was taken instead. A name that
 * is another run's id is refused, as `runs rename` refuses it (an id wins over a name).
 */
export async function configOfRequest(
  deps: Pick<RunPrepareDeps, 'system'> & { readonly store: Store },
  request: RunRequest,
): Promise<{ readonly config: RunConfig; readonly notice?: string }> {
  // The run's id is not drawn yet: any other run's id is refused (as runs.ts refuses it).
  if (request.name !== undefined) refuseOthersId('', request.name, new RunRepository(deps.store.db).states(), RUN_KIND);
  const saved = deps.system.settings();
  // A saved provider that does not load here is the store's state, not a bad request (the CLI exits 1, not 2).
  if (request.provider === undefined && saved.provider !== 'auto')
    await checkProvider(deps, saved.provider, { isSaved: true });
  const isProbed = request.provider === undefined && defaultRunProvider(saved.provider, request.preset) !== 'cpu';
  const providers = isProbed ? (await deps.system.info()).providers : undefined;
  const parsed = runConfigSchema.safeParse(resolveRunRequest(request, saved, providers), { error: contractMessages });
  if (!parsed.success) throw new ApiError('invalid_argument', describeIssues('runs.start', parsed.error.issues));
  const notice = isProbed ? autoFallbackNote(saved.provider, request.preset, providers) : undefined;
  return { config: parsed.data, ...(notice ? { notice } : {}) };
}

/**
 * What runs.start says with a new run and runs.estimate with its figures: the provider 'auto'
 * took instead (configOfRequest's notice) first, then the prepared run's notices.
 */
export function requestNotices(asked: { readonly notice?: string }, prepared: PreparedRun): readonly string[] {
  return asked.notice ? [asked.notice, ...prepared.notices] : prepared.notices;
}

/** The base model's folder: a built-in preset (written on first use), a folder, or a registered model. */
export function resolveRunModel(deps: RunPrepareDeps, model: string): string {
  if (isBuiltinModelName(model)) {
    try {
      return materializeBuiltinModel(deps.dataDir, model);
    } catch (error) {
      throw modelRefusal(error);
    }
  }
  if (model.includes(':'))
    throw bad(
      `model '${model}' is not a built-in model; use builtin:byt5-tiny, preset:NAME with a tokenizer, a folder or a model id`,
    );
  if (existsSync(model)) return path.resolve(model);
  return movedCheckpoint(deps.dataDir, model) ?? deps.models.resolve(model).path;
}

/**
 * Where a run's checkpoint folder named by its old path is now, when the data directory moved
 * since a run started from it (a run keeps its base model's path): the same run and step in
 * this data directory, if that is there.
 */
function movedCheckpoint(dataDir: string, model: string): string | undefined {
  const origin = checkpointOrigin(model);
  if (!origin) return undefined;
  const here = path.join(runCheckpointsFolder(dataDir, origin.runId), path.basename(model));
  return existsSync(here) ? here : undefined;
}

/**
 * resolveRunModel, or for `preset:NAME` a from-scratch folder with `run.tokenizer` under the
 * models service's scratchRoot (<dataDir>/models/preset); for an estimate (`isShapeOnly`) only
 * its shape (config and tokenizer), which needs no weights written.
 */
async function resolveRunBase(deps: RunPrepareDeps, run: RunConfig, isShapeOnly: boolean): Promise<string> {
  if (!isPresetModelName(run.model)) {
    if (run.tokenizer !== undefined)
      throw bad(`tokenizer: only a model preset:NAME takes a tokenizer; model ${run.model} brings its own`);
    return resolveRunModel(deps, run.model);
  }
  if (run.tokenizer === undefined)
    throw bad(
      `tokenizer: model ${run.model} starts from scratch and needs one: a model folder holding tokenizer.json, a model id, or bytes`,
    );
  let tokenizer: string;
  try {
    tokenizer = tokenizerSource(deps.models, run.tokenizer);
  } catch (error) {
    throw tokenizerRefusal(error);
  }
  try {
    const parent = deps.models.scratchRoot;
    return await (isShapeOnly
      ? materializePresetShape(parent, run.model, tokenizer)
      : materializePresetModel(parent, run.model, tokenizer, run.seed));
  } catch (error) {
    throw error instanceof PresetTokenizerError ? tokenizerRefusal(error) : modelRefusal(error);
  }
}

/**
 * A base model that could not be written out (a built-in's or a preset's folder), as the model's
 * fault, naming the field; a full or read-only disk is the data directory's state instead and
 * comes back unchanged (the CLI exits 3 for it, as for any write there, not 2 for a bad --model).
 */
function modelRefusal(error: unknown): unknown {
  return isDiskFull(error) || isReadOnly(error) ? error : bad(`model: ${errorMessage(error)}`);
}

/**
 * A from-scratch model's tokenizer that cannot be used, naming the field: an unknown id keeps the
 * models service's not_found; a folder that is missing or holds no usable tokenizer
 * (PresetTokenizerError) is the input's fault, invalid_input, as the same folder given as the
 * model is (the CLI exits 1 for both, not 2: the flag is right, what it names is not).
 */
function tokenizerRefusal(error: unknown): ApiError {
  const message = `tokenizer: ${errorMessage(error)}`;
  if (error instanceof ApiError) return new ApiError(error.code, message);
  return error instanceof PresetTokenizerError ? new ApiError('invalid_input', message) : bad(message);
}

/**
 * A model folder (found: the model reference resolved to it) whose config cannot be read is its
 * content, not a flag to correct: invalid_input, which the CLI says without its usage line.
 */
function readModelConfig(dir: string, model: string): T5Config {
  try {
    return loadT5Config(dir);
  } catch (error) {
    throw new ApiError('invalid_input', `model '${model}' cannot be read: ${errorMessage(error)}`);
  }
}

/**
 * Refuses a model whose tokenizer has ids past its vocab_size (fill, models import and export
 * refuse it in the same words): its first batch would fail inside the graph, and a failed run
 * that no resume can mend. Checked before the dataset is tokenized for it. The folder's
 * content, not a setting: invalid_input.
 */
async function checkRunTokenizer(deps: RunPrepareDeps, modelDir: string, config: T5Config, model: string) {
  const tokenizer = await deps.datasets.loadTokenizer(modelDir);
  try {
    checkTokenizerFits(tokenizer, config, modelDir);
  } catch (error) {
    throw new ApiError('invalid_input', `model '${model}' cannot be used: ${errorMessage(error)}`);
  }
}

/**
 * Refuses a provider that does not load here (invalid_argument; invalid_input when `isSaved`:
 * the saved settings' or, with `isResume`, the stored run's, not the caller's); says so when one
 * runs in software (its probe's reason). `spanfill bench train` refuses with it too
 * (cli/commands/bench-train-checks.ts).
 */
export async function checkProvider(
  deps: { readonly system: Pick<SystemService, 'info' | 'settings'> },
  provider: string,
  options: { readonly isSaved?: boolean; readonly isResume?: boolean } = {},
): Promise<string | null> {
  if (provider === 'cpu') return null;
  const info = await deps.system.info();
  const state = providerState(info, provider);
  if (state === undefined || state.isAvailable) return state?.words ?? null;
  // Saved as the provider new runs take (where a run names none): say how to change that too.
  const saved =
    deps.system.settings().provider === provider
      ? `; it is the saved provider for new runs (Settings screen; \`spanfill settings provider auto\` resets it)`
      : '';
  const others = info.providers.some((p) => p.available && p.name !== 'cpu')
    ? ' or one `spanfill system` lists as available'
    : '';
  // A run resumes on the provider it trained on (its configuration is not the caller's to change).
  const what = options.isResume
    ? `a run resumes on the provider it trained on: to go on here, start a new run from its last checkpoint (Train → Base model) with provider cpu${others}`
    : `use provider cpu${others}${saved}`;
  throw new ApiError(
    options.isSaved || options.isResume ? 'invalid_input' : 'invalid_argument',
    `${state.words}; ${what}`,
  );
}

/**
 * The memory plan of `run`. A resumed run keeps its split (its checkpoint needs the same
 * batchSize and accumulation), so it is planned against no budget: it fitted when it started.
 */
function planRunMemory(
  deps: RunPrepareDeps,
  config: T5Config,
  run: RunConfig,
  targetLength: number,
  isResume: boolean,
) {
  const budget = isResume
    ? { bytes: null, basis: 'a resumed run keeps the batch split it started with' }
    : memoryBudget(run, deps.memory ?? machineMemory);
  try {
    return planMemory(config, run, targetLength, budget);
  } catch (error) {
    if (error instanceof MemoryBudgetError) throw bad(error.message);
    throw error;
  }
}

/** The run's masking settings, as the data module takes them. */
function spanOf(run: RunConfig): SpanCorruptionSettings {
  return {
    inputLength: run.inputLength,
    noiseDensity: run.noiseDensity,
    meanNoiseSpanLength: run.meanSpanLength,
    mode: run.masking,
    seed: run.dataSeed,
  };
}

/** Refuses an input length over what the model takes (attention memory grows with its square). */
function checkInputLength(run: RunConfig, config: T5Config): void {
  const limit = maxInputTokens(config);
  if (run.inputLength > limit)
    throw bad(
      `inputLength ${run.inputLength} is more than this model takes: at most ${limit.toLocaleString('en-US')} ` +
        'tokens per input (attention memory grows with the square of the length); lower inputLength',
    );
}

/**
 * The base model `run` trains, checked against the run and this machine: its folder and config,
 * and what its provider's probe says (checkProvider).
 */
async function prepareBase(deps: RunPrepareDeps, run: RunConfig, options: PrepareOptions) {
  const modelDir = await resolveRunBase(deps, run, options.isEstimate === true);
  const config = readModelConfig(modelDir, run.model);
  checkInputLength(run, config);
  const providerNotice = await checkProvider(deps, run.provider, { isResume: options.isResume === true });
  await checkRunTokenizer(deps, modelDir, config, run.model);
  return { modelDir, config, providerNotice };
}

/** The trainer's settings for `run`, checked as the trainer checks them (invalid_argument, naming the field). */
function checkedSettings(run: RunConfig, maxSteps: number, examples: number, options: PrepareOptions) {
  const settings = trainerSettings(run, maxSteps);
  try {
    validateSettings(settings, examples);
  } catch (error) {
    if (error instanceof TrainerSettingsError || error instanceof Error) throw bad(error.message);
    throw error;
  }
  // A run that started with them keeps them (its checkpoints are as they are).
  if (options.isResume !== true) checkIntervals(run);
  return settings;
}

interface PrepareOptions {
  readonly isResume?: boolean;
  readonly isEstimate?: boolean;
  /** The run resumed (with isResume): its checkpoints that registered models live in are kept. */
  readonly runId?: string;
  /** The checkpoint folder it resumes from: how its examples were made is compared with now. */
  readonly from?: string;
}

/**
 * Validates `run` against its model, dataset and this machine, and splits its batch into
 * micro-batches when it is over the memory budget (not when resuming); throws invalid_argument
 * naming the field. For an estimate a from-scratch preset is prepared from its shape alone (no
 * weights written): its payload is then not one to train.
 */
export async function prepareRun(
  deps: RunPrepareDeps,
  asked: RunConfig,
  signal?: AbortSignal,
  options: PrepareOptions = {},
): Promise<PreparedRun> {
  let run = asked;
  const { modelDir, config, providerNotice } = await prepareBase(deps, run, options);
  const span = spanOf(run);
  const tokens = await deps.datasets.tokens(run.datasetId, modelDir, signal);
  try {
    const split = await deps.datasets.validationOrdinals(run.datasetId);
    const data = prepareTrainingData(tokens.cache, split, span, tokens.tokenizer);
    const examples = data.train.plan.exampleCount;
    const targetLength = data.train.plan.lengths.targetLength;
    if (examples === 0)
      throw new ApiError(
        'invalid_input', // the data, not a setting (the CLI exits 1)
        `dataset ${run.datasetId} is too small: it makes no training example at inputLength ${run.inputLength} ` +
          `(${data.messages.join('; ') || 'documents too short'}); add text or lower inputLength`,
      );
    const maxSteps = stepsOf(run, examples);
    checkWarmup(run, maxSteps);
    const memory = planRunMemory(deps, config, run, targetLength, options.isResume === true);
    run = applyMemoryPlan(run, memory);
    const kept = keptForModels(deps.dataDir, deps.models.repo, options.runId);
    const checked = checkedSettings(run, maxSteps, examples, options);
    const settings = kept.keepSteps.length > 0 ? { ...checked, keepSteps: kept.keepSteps } : checked;
    return {
      payload: { modelDir, tokenCache: tokens.location, split, span, settings },
      totalSteps: maxSteps,
      trainingExamples: examples,
      validationExamples: data.validation.plan.exampleCount,
      targetLength,
      modelConfig: config,
      config: run,
      memory,
      notices: [providerNotice, settingsNotice(run), ...datasetTokenNotes(tokens.result), memory.notice].filter(
        (n) => n !== null,
      ),
      keptNotices: [...resumeSchemeNotices(options.from, exampleModesOf(data)), ...kept.notices],
    };
  } catch (error) {
    if (error instanceof RangeError) throw bad(error.message);
    throw error;
  } finally {
    tokens.cache.close();
  }
}
