// `spanfill demo`: the whole idea in a few minutes, composed from the ordinary services so that
// everything it makes is a normal dataset and run. Imports the bundled sample once
// (datasetSample.ts), previews one training example's masking, trains a CPU "quick" run, then
// masks held-out sample sentences with the run's settings and fills them with the untrained
// and the trained model, scoring each span against the true words (demoScore.ts).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DatasetSummary } from '../../shared/contract/datasets';
import type { MaskingPreviewResult, MaskingPreviewSegment } from '../../shared/contract/masking';
import type { ModelPulled } from '../../shared/contract/models';
import type { MetricColumns, RunConfig, RunConfigInput, RunSummary } from '../../shared/contract/runs';
import { runConfigSchema, withPreset } from '../../shared/contract/runs';
import { withoutDocumentEnds } from '../../shared/documentEnds';
import { shellWord } from '../../shared/commandText';
import { ApiError } from '../../shared/errors';
import type { EventMap } from '../../shared/events';
import { PULL_AGAIN } from '../engine/hub/errors';
import { isBuiltinModelName } from '../engine/t5/builtin';
import { parseSpans } from '../engine/t5/sentinels';
import { heldOutSentences, sampleTextPath } from '../resources';
import type { AppServices } from './app';
import { importSample } from './datasetSample';
import { mostCommonCharacter, scoreSpan, totalScore, type DemoScore, type SpanScore } from './demoScore';
import { previewMasking } from './masking';
import { resolveRunModel } from './runsPrepare';

export const DEMO_DEFAULT_MODEL = 'builtin:byt5-tiny';
/** Steps of the default demo: about a minute and a half on this project's 2-core machine. */
export const DEMO_DEFAULT_STEPS = 2000;
export const DEMO_DEFAULT_PROMPTS = 10;
/** The quick preset's K: the demo's step count must be a multiple of it. */
export const DEMO_STEPS_PER_CALL = 10;

export interface DemoOptions {
  /** builtin:byt5-tiny, a model folder, a registered model id or a Hub repo id (pulled when not cached). */
  readonly model?: string;
  readonly steps?: number;
  readonly prompts?: number;
  /** Run settings over the demo's own (tests and experiments). */
  readonly overrides?: Partial<RunConfigInput>;
}

export interface DemoSpan {
  readonly sentinel: string;
  readonly truth: string;
  /** What each model put there; null when it gave nothing for this hole. */
  readonly untrained: string | null;
  readonly trained: string | null;
  readonly untrainedScore: SpanScore;
  readonly trainedScore: SpanScore;
}

export interface DemoPrompt {
  readonly sentence: string;
  readonly prompt: string;
  readonly spans: readonly DemoSpan[];
}

/** What the demo reports while it works, in order. */
export type DemoEvent =
  | { readonly kind: 'dataset'; readonly dataset: DatasetSummary; readonly reused: boolean }
  | { readonly kind: 'model'; readonly model: string; readonly dir: string; readonly pulled: ModelPulled | null }
  | { readonly kind: 'preview'; readonly preview: MaskingPreviewResult }
  | { readonly kind: 'run'; readonly run: RunSummary; readonly config: RunConfig }
  | { readonly kind: 'loss'; readonly step: number; readonly totalSteps: number; readonly loss: number }
  | { readonly kind: 'prompt'; readonly index: number; readonly count: number; readonly prompt: DemoPrompt };

export interface DemoResult {
  readonly datasetId: string;
  readonly datasetReused: boolean;
  readonly runId: string;
  readonly model: string;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly losses: readonly { readonly step: number; readonly value: number }[];
  readonly prompts: readonly DemoPrompt[];
  readonly scores: { readonly untrained: DemoScore; readonly trained: DemoScore; readonly baseline: DemoScore };
  /** What the baseline writes into every hole: the sample's most common character. */
  readonly baselineText: string;
}

/**
 * The base model's folder and what the run records as its model: a Hub repo id not in the
 * cache is pulled through the models service, and a pulled model is recorded by its model id
 * (which pins the commit), so the app's Models and Runs screens name the same model.
 */
async function baseModel(
  app: AppServices,
  model: string,
  signal?: AbortSignal,
): Promise<{ ref: string; dir: string; pulled: ModelPulled | null }> {
  const deps = { dataDir: app.dataDir, datasets: app.datasets, models: app.models, system: app.system };
  if (model.includes(':') || existsSync(model)) {
    const dir = resolveRunModel(deps, model);
    return { ref: model.includes(':') ? model : dir, dir, pulled: null };
  }
  try {
    const found = app.models.resolve(model);
    return { ref: found.modelId ?? model, dir: found.path, pulled: null };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'not_found' || !/^[\w.-]+\/[\w.-]+(@.+)?$/.test(model))
      throw error;
  }
  const at = model.lastIndexOf('@');
  const [repoId, revision] = at > 0 ? [model.slice(0, at), model.slice(at + 1)] : [model, undefined];
  const pulled = await app.models.pull({ repoId, revision }, signal).catch((error: unknown) => {
    throw demoPullFailure(error, model);
  });
  return { ref: pulled.model.id, dir: pulled.model.path, pulled };
}

/**
 * A failed pull of `model` in the demo's words: the person ran the demo, not a pull, so what to
 * do again is the demo (or the pull on its own), where the Hub's message says to pull again.
 */
function demoPullFailure(error: unknown, model: string): unknown {
  if (!(error instanceof ApiError) || !error.message.includes(PULL_AGAIN)) return error;
  const again = `then run the demo again (or \`spanfill models pull ${shellWord(model)}\`)`;
  return new ApiError(error.code, error.message.replaceAll(PULL_AGAIN, again));
}

/**
 * The demo's run: the quick preset with its step count, checkpoints at the end and halfway.
 * The built-in model starts from scratch with T5's own recipe, Adafactor with relative steps and
 * parameter scaling (Shazeer & Stern 2018; the run's lr and schedule are then unused), on
 * one-byte spans of 32-byte inputs, 16 a batch. A pretrained model (--model) is fine-tuned
 * gently instead: AdamW at 3e-4 on T5's 3-token spans (not measured here: no Hub).
 * NOTE: measured on this 2-core machine, 30 seeded held-out prompts. On 3- or 5-byte spans no
 * setting tried (AdamW or Adafactor, up to 3000 steps) reproduced more than 1 of 60 spans: the
 * decoder wrote one fill into every hole and overfit the 53 kB sample after ~1000 steps. On
 * one-byte spans the model learns to read each hole's neighbours (the loss falls from ~1.4 to
 * ~0.6) after 500 steps with the default seeds, 750–1100 with two others: 2000 steps reproduced
 * 107 of 150 spans, where " " in every hole gets 29; AdamW (2e-3) got those 29 only, HF's init
 * 44 (its fall began at step ~2000); 64-byte inputs, 8 a batch, fell only with dropout 0.1, at
 * step 1100–2500 by seed.
 */
export function demoRunConfig(
  model: string,
  datasetId: string,
  steps: number,
  overrides: Partial<RunConfigInput> = {},
): RunConfig {
  if (!Number.isInteger(steps) || steps < DEMO_STEPS_PER_CALL || steps % DEMO_STEPS_PER_CALL !== 0)
    throw new ApiError('invalid_argument', `steps must be a positive multiple of ${DEMO_STEPS_PER_CALL}, got ${steps}`);
  const half = Math.max(DEMO_STEPS_PER_CALL, Math.round(steps / 2 / DEMO_STEPS_PER_CALL) * DEMO_STEPS_PER_CALL);
  const training: Partial<RunConfigInput> = isBuiltinModelName(model)
    ? { optimizer: { kind: 'adafactor' }, meanSpanLength: 1, inputLength: 32, batchSize: 16 }
    : { lr: 3e-4, meanSpanLength: 3 };
  return runConfigSchema.parse(
    withPreset('quick', {
      name: `Demo: ${path.basename(model)}, ${steps} steps`,
      model,
      datasetId,
      maxSteps: steps,
      stepsPerCall: DEMO_STEPS_PER_CALL,
      evalEvery: half,
      checkpointEvery: half,
      keepLast: 2,
      // The preset warms up for 20 steps; a shorter demo (tests) warms up for a fifth of its steps.
      warmupSteps: Math.min(20, Math.floor(steps / 5)),
      ...training,
      ...overrides,
    }),
  );
}

/** Trains to the end, reporting the loss of each engine call; a failed or stopped run throws. */
async function train(app: AppServices, config: RunConfig, report: (e: DemoEvent) => void, signal?: AbortSignal) {
  const run = await app.runs.start(config, signal);
  report({ kind: 'run', run, config });
  const unsubscribe = app.events.subscribe((event, payload) => {
    const p = payload as EventMap['runs.progress'];
    // A loss that is not a number is no line: the run failed (diverged), which the demo says.
    if (event === 'runs.progress' && p.runId === run.id && p.loss !== null)
      report({ kind: 'loss', step: p.step, totalSteps: p.totalSteps, loss: p.loss });
  });
  const onAbort = (): void => void app.runs.stop(run.id).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const ended = await app.runs.wait(run.id);
    signal?.throwIfAborted();
    if (ended.status !== 'completed')
      throw new Error(ended.error ?? `demo run ${run.id} ended ${ended.status} at step ${ended.step}`);
    return ended;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

/** Masks `sentence` as the run masks its data (seeded), then fills it with both models. */
async function fillPrompt(
  app: AppServices,
  sentence: string,
  seed: number,
  models: { base: string; trained: string },
  config: RunConfig,
  signal?: AbortSignal,
): Promise<DemoPrompt | null> {
  const preview = await previewMasking(
    app,
    {
      text: sentence,
      model: models.base,
      noiseDensity: config.noiseDensity,
      meanNoiseSpanLength: config.meanSpanLength,
      inputLength: config.inputLength,
      seed,
    },
    signal,
  );
  const holes = preview.segments.filter((s) => s.isNoise);
  if (holes.length === 0) return null;
  const prompt = preview.segments.map((s) => (s.isNoise ? s.sentinel : s.text)).join('');
  // The sentence and the true words as written: the EOS the sentence is masked with (as HF masks
  // a text) ends the last hole, but the model fills text, not </s>.
  const written = (s: MaskingPreviewSegment): string => withoutDocumentEnds(s.text, s.documentEnds);
  const shown = preview.segments.map(written).join('');
  const fill = (modelDir: string) =>
    app.playground.fill(
      { modelDir, prompt, strategy: { kind: 'greedy' }, maxNewTokens: preview.counts.targetTokens * 2 + 8 },
      { signal },
    );
  // NOTE: the span texts as the model wrote them (the fill result's spans are trimmed), so a
  // blank hole counts as reproduced only when the model wrote the blank (demoScore.ts).
  const untrained = parseSpans((await fill(models.base)).output, false);
  const trained = parseSpans((await fill(models.trained)).output, false);
  const spans = holes.map((hole): DemoSpan => {
    const id = Number(/\d+/.exec(hole.sentinel)?.[0]);
    const u = untrained.get(id) ?? null;
    const t = trained.get(id) ?? null;
    const truth = written(hole);
    return {
      sentinel: hole.sentinel,
      truth,
      untrained: u,
      trained: t,
      untrainedScore: scoreSpan(truth, u),
      trainedScore: scoreSpan(truth, t),
    };
  });
  return { sentence: shown, prompt, spans };
}

/** The run's losses from runs.metrics' columns, a point each as DemoResult gives them (`spanfill demo --json`). */
function lossPoints(losses: MetricColumns | undefined): DemoResult['losses'] {
  return losses?.steps.map((step, i) => ({ step, value: losses.values[i] })) ?? [];
}

export async function runDemo(
  app: AppServices,
  options: DemoOptions,
  report: (event: DemoEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<DemoResult> {
  const started = Date.now();
  const steps = options.steps ?? DEMO_DEFAULT_STEPS;
  const { dataset, reused } = await importSample(app.datasets, signal);
  report({ kind: 'dataset', dataset, reused });
  const base = await baseModel(app, options.model ?? DEMO_DEFAULT_MODEL, signal);
  report({ kind: 'model', model: base.ref, dir: base.dir, pulled: base.pulled });
  const config = demoRunConfig(base.ref, dataset.id, steps, options.overrides);
  const preview = await previewMasking(
    app,
    {
      datasetId: dataset.id,
      model: base.dir,
      noiseDensity: config.noiseDensity,
      meanNoiseSpanLength: config.meanSpanLength,
      inputLength: config.inputLength,
      seed: config.dataSeed,
      mode: config.masking,
    },
    signal,
  );
  report({ kind: 'preview', preview });
  const run = await train(app, config, report, signal);
  const models = { base: base.dir, trained: app.runs.checkpointPath(run.id, 'last') };
  const sentences = heldOutSentences().slice(0, options.prompts ?? DEMO_DEFAULT_PROMPTS);
  const prompts: DemoPrompt[] = [];
  for (const [index, sentence] of sentences.entries()) {
    const prompt = await fillPrompt(app, sentence, config.dataSeed + index, models, config, signal);
    if (prompt === null) continue;
    prompts.push(prompt);
    report({ kind: 'prompt', index, count: sentences.length, prompt });
  }
  const spans = prompts.flatMap((p) => p.spans);
  const baselineText = mostCommonCharacter(readFileSync(sampleTextPath(), 'utf8'));
  return {
    datasetId: dataset.id,
    datasetReused: reused,
    runId: run.id,
    model: base.ref,
    steps: run.step,
    elapsedMs: Date.now() - started,
    losses: lossPoints(app.runs.metrics([run.id], ['loss'])[run.id].loss),
    prompts,
    scores: {
      untrained: totalScore(spans.map((s) => s.untrainedScore)),
      trained: totalScore(spans.map((s) => s.trainedScore)),
      baseline: totalScore(spans.map((s) => scoreSpan(s.truth, baselineText))),
    },
    baselineText,
  };
}
