// The training loop an engine host runs: batches from the data pipeline (batchStream.ts), K
// fused optimizer steps per call (optim/program.ts), evaluation every N steps (evaluate.ts),
// checkpoints every N steps, at the end and on stop (checkpoint.ts), typed progress events
// (progress.ts) and an AbortSignal that stops cleanly after the current call. Plain data in
// and out: no store, no services; the runs service records what the events say.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIVERGED_WORDS } from '../../../shared/contract/runs';
import { ApiError } from '../../../shared/errors';
import type { MaskingTokenizer } from '../data/examples';
import type { ExampleSet } from '../data/trainingData';
import type { HostTensor, ProviderName } from '../onnx/session';
import type { TrainingProgram, TrainingState } from '../optim/trainingProgram';
import type { T5Config } from '../t5/config';
import { t5BatchFeeds } from '../t5/training';
import { loadT5Model } from '../t5/weights';
import type { DataPosition } from './batchStream';
import { BatchStream } from './batchStream';
import type { CheckpointInfo, DeterminismSettings, TrainerState } from './checkpoint';
import { writeCheckpoint } from './checkpointWrite';
import {
  bestCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
} from './checkpoint';
import type { EvaluationMetrics } from './evaluate';
import { exampleModesOf, exampleSchemesOf } from './exampleSchemes';
import { Evaluator } from './evaluate';
import type { TrainerEvent } from './progress';
import { ProgressMeter } from './progress';
import { compileT5Program } from './program';
import type { TrainerSettings } from './settings';
import { validateSettings } from './settings';
import { EVAL_EXAMPLES, SPAN_SAMPLE } from './spanGroup';

/** The model to train: a config, its starting weights, and where checkpoints get the rest. */
export interface TrainerModel {
  readonly config: T5Config;
  readonly params: ReadonlyMap<string, Float32Array>;
  /** The base folder's config.json (kept keys Spanfill does not model). */
  readonly baseConfigJson?: Record<string, unknown>;
  /** Folder whose tokenizer files and generation_config.json checkpoints copy. */
  readonly tokenizerDir?: string;
}

/** A HF T5 folder as a TrainerModel (its own tokenizer files go into the checkpoints). */
export function trainerModelFromDir(dir: string): TrainerModel {
  const { config, weights } = loadT5Model(dir);
  const baseConfigJson = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  return { config, params: weights.params, baseConfigJson, tokenizerDir: dir };
}

export interface TrainerData {
  readonly train: ExampleSet;
  /** null or empty: no evaluation. */
  readonly validation: ExampleSet | null;
  readonly tokenizer: MaskingTokenizer;
}

export interface TrainOptions {
  readonly model: TrainerModel;
  readonly data: TrainerData;
  readonly settings: TrainerSettings;
  /** Folder that holds this run's checkpoints (one sub-folder per step). */
  readonly checkpointDir: string;
  /** A checkpoint folder to continue from (same settings). */
  readonly resumeFrom?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TrainerEvent) => void;
}

export interface TrainResult {
  readonly status: 'completed' | 'stopped';
  readonly step: number;
  /** The loss of every step this call ran (before its update). */
  readonly losses: number[];
  readonly lastCheckpoint: string | null;
  readonly best: CheckpointInfo | null;
  readonly validation: EvaluationMetrics | null;
  readonly provider: ProviderName;
}

/** What one training session carries from call to call. */
interface Session {
  readonly options: TrainOptions;
  readonly program: TrainingProgram;
  readonly stream: BatchStream;
  readonly evaluator: Evaluator | null;
  readonly meter: ProgressMeter;
  readonly determinism: DeterminismSettings;
  lastCheckpointStep: number;
  lastCheckpoint: string | null;
  validation: EvaluationMetrics | null;
  /** The step `validation` was measured at (-1: none yet). */
  validationStep: number;
}

/** Trains until maxSteps or until `signal` aborts (then checkpoints and returns 'stopped'). */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model, data, settings } = options;
  validateSettings(settings, data.train.plan.exampleCount);
  const determinism = determinismOf(options);
  const resumed = options.resumeFrom ? readCheckpoint(options.resumeFrom, model.config) : null;
  if (resumed) checkResumable(options.resumeFrom as string, resumed.state, determinism);
  const program = await compileProgram(options);
  let evaluator: Evaluator | null = null;
  try {
    if (resumed) program.setState({ step: resumed.state.step, params: resumed.params, optimizer: resumed.optimizer });
    else program.setParams(Object.fromEntries(model.params));
    const start: DataPosition = resumed?.state.data ?? { epoch: 0, offset: 0 };
    const stream = new BatchStream(data.train, data.tokenizer, settings.batchSize, settings.mask, start);
    evaluator = makeEvaluator(options);
    const step0 = resumed?.state.step ?? 0;
    const before = resumed?.state;
    const meter = new ProgressMeter(step0, settings.maxSteps, before?.elapsedMs ?? 0, before?.tokensSeen ?? 0);
    const session: Session = {
      options,
      program,
      stream,
      evaluator,
      meter,
      determinism,
      lastCheckpointStep: step0,
      lastCheckpoint: options.resumeFrom ?? null,
      validation: resumed?.state.validation ?? null,
      validationStep: resumed?.state.validation ? resumed.state.step : -1,
    };
    const { provider, message } = program.placement;
    options.onEvent?.({ kind: 'started', step: step0, maxSteps: settings.maxSteps, provider, message });
    // A stop that reached the host while it prepared (its train.stop waiting to be read) is heard
    // before the first call begins, not after it: two turns of the event loop let a pending
    // message be read (an immediate set during one turn's check phase runs in the next turn's).
    await nextTurn();
    await nextTurn();
    const losses = await runLoop(session);
    const isStopped = meter.step < settings.maxSteps;
    // A stop right after an evaluation keeps it with the checkpoint, which may then be the best.
    const current = session.validationStep === meter.step ? session.validation : null;
    if (meter.step > session.lastCheckpointStep) await checkpoint(session, current);
    return {
      status: isStopped ? 'stopped' : 'completed',
      step: meter.step,
      losses,
      lastCheckpoint: session.lastCheckpoint,
      best: bestCheckpoint(listCheckpoints(options.checkpointDir)),
      validation: session.validation,
      provider,
    };
  } finally {
    await evaluator?.release();
    await program.release();
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function runLoop(session: Session): Promise<number[]> {
  const { options, program, stream, meter } = session;
  const { settings } = options;
  const { evalEvery = 0, checkpointEvery = 0 } = settings;
  const k = program.k;
  const losses: number[] = [];
  while (meter.step < settings.maxSteps && !options.signal?.aborted) {
    const stacked = stream.nextStacked(k * program.accumulation);
    const began = performance.now();
    const result = await program.step(t5BatchFeeds(stacked));
    meter.record(k, stacked.tokens, performance.now() - began);
    losses.push(...result.losses);
    const diverged = result.losses.findIndex((loss) => !Number.isFinite(loss));
    // A call that diverged reports up to the step it diverged at (whose loss is not finite): the
    // call's later steps ran on the weights that loss made, and the run's step is that one, as
    // its error says (divergedError), not the call's end.
    const reported = diverged === -1 ? k : diverged + 1;
    options.onEvent?.({
      kind: 'progress',
      step: meter.step - k + reported,
      maxSteps: settings.maxSteps,
      epoch: stream.epochProgress,
      losses: Array.from(result.losses.slice(0, reported)),
      gradNorm: result.gradNorms[reported - 1],
      learningRate: result.lr[reported - 1],
      tokensPerSecond: meter.tokensPerSecond,
      elapsedMs: meter.elapsedMs,
      etaMs: meter.etaMs,
    });
    // Stop before a checkpoint keeps it: every later step would compute on NaN weights.
    if (diverged !== -1) throw divergedError(result.losses[diverged], meter.step - k + 1 + diverged);
    const isLast = meter.step >= settings.maxSteps;
    const isEval = isLast || (evalEvery > 0 && meter.step % evalEvery === 0);
    const metrics = isEval ? await evaluate(session) : null;
    if (isLast || (checkpointEvery > 0 && meter.step % checkpointEvery === 0)) await checkpoint(session, metrics);
  }
  return losses;
}

/**
 * The settings cannot train on (a learning rate too high, no clipping), not a fault of the
 * program: 'conflict', as the runs service's refusal to resume such a run, not 'internal'.
 */
function divergedError(loss: number, step: number): ApiError {
  const what = Number.isNaN(loss) ? 'not a number (NaN)' : 'infinite';
  return new ApiError('conflict', `The training loss became ${what} at step ${step}: ${DIVERGED_WORDS}`);
}

async function evaluate(session: Session): Promise<EvaluationMetrics | null> {
  if (!session.evaluator) return null;
  const evaluator = session.evaluator;
  const metrics = await session.program.withState(({ params }) => evaluator.evaluate(params));
  session.validation = metrics;
  session.validationStep = session.meter.step;
  session.options.onEvent?.({ kind: 'evaluation', step: session.meter.step, metrics });
  return metrics;
}

async function checkpoint(session: Session, metrics: EvaluationMetrics | null = null): Promise<void> {
  await session.program.withState((state) => writeCheckpointOf(session, state, metrics));
}

/** Writes the checkpoint of `state` (lent by the program: used before this returns, not kept). */
function writeCheckpointOf(session: Session, lent: TrainingState, metrics: EvaluationMetrics | null): void {
  const { options, meter, stream } = session;
  const { step, params, optimizer } = lent;
  const state: TrainerState = {
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step,
    data: stream.position,
    rng: {
      dataSeed: options.data.train.plan.settings.seed,
      dropoutSeed: options.settings.seed,
      mask: options.settings.mask,
    },
    settings: session.determinism,
    elapsedMs: meter.elapsedMs,
    tokensSeen: meter.tokensSeen,
    validation: metrics,
    examples: exampleSchemesOf(exampleModesOf(options.data)),
  };
  const dir = writeCheckpoint(options.checkpointDir, {
    config: options.model.config,
    baseConfigJson: options.model.baseConfigJson,
    tokenizerDir: options.model.tokenizerDir,
    params: params as Record<string, HostTensor>,
    optimizer: optimizer as Record<string, HostTensor>,
    state,
  });
  const { keepLast, keepSteps } = options.settings;
  const removed = pruneCheckpoints(options.checkpointDir, keepLast ?? 3, {
    keep: (c) => keepSteps?.includes(c.step) === true,
  });
  session.lastCheckpoint = dir;
  session.lastCheckpointStep = step;
  const best = bestCheckpoint(listCheckpoints(options.checkpointDir));
  options.onEvent?.({ kind: 'checkpoint', step, dir, isBest: best?.dir === dir, removed });
}

function determinismOf(options: TrainOptions): DeterminismSettings {
  const { settings, model, data } = options;
  return {
    seed: settings.seed,
    dataSeed: data.train.plan.settings.seed,
    batchSize: settings.batchSize,
    accumulation: settings.accumulation ?? 1,
    mask: settings.mask,
    dropoutRate: settings.dropoutRate ?? model.config.dropoutRate,
    inputLength: data.train.plan.lengths.inputLength,
    targetLength: data.train.plan.lengths.targetLength,
  };
}

/** Refuses a resume whose settings would not continue the same run; names the field. */
function checkResumable(dir: string, state: TrainerState, now: DeterminismSettings): void {
  for (const key of Object.keys(now) as (keyof DeterminismSettings)[]) {
    if (state.settings[key] !== now[key]) {
      throw new Error(
        `Cannot resume from ${dir}: it was trained with ${key} = ${String(state.settings[key])}, ` +
          `this run has ${String(now[key])}; use the checkpoint's ${key} or start a new run`,
      );
    }
  }
}

function compileProgram(options: TrainOptions): Promise<TrainingProgram> {
  const { settings, model, data } = options;
  const { inputLength, targetLength } = data.train.plan.lengths;
  return compileT5Program(
    model.config,
    { batchSize: settings.batchSize, inputLength, targetLength },
    {
      ...settings,
      dropoutRate: settings.dropoutRate ?? model.config.dropoutRate,
      accumulation: settings.accumulation ?? 1,
      k: settings.stepsPerCall ?? 1,
    },
  );
}

function makeEvaluator(options: TrainOptions): Evaluator | null {
  const { data, settings, model } = options;
  if (!data.validation || data.validation.plan.exampleCount === 0) return null;
  return new Evaluator({
    config: model.config,
    validation: data.validation,
    tokenizer: data.tokenizer,
    batchSize: settings.batchSize,
    maxExamples: settings.evalExamples ?? EVAL_EXAMPLES,
    spanSample: settings.spanSample ?? SPAN_SAMPLE,
    providers: settings.providers,
    intraOpThreads: settings.intraOpThreads,
  });
}
